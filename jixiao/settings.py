"""The one settings object: defaults → TOML → environment (JIXIAO_*) → CLI flags.

Built once (by the CLI), frozen, handed to the ingest flow as its one parameter. Each layer
overrides only what it sets. The TOML file is ``--config FILE``, else $JIXIAO_CONFIG, else
``jixiao.toml`` in the working folder when there is one; its top-level keys are the field names
below and its ``[review]`` table the review thresholds (as in a ``--review-config`` file).
Relative paths in a TOML file are relative to that file. A bad value (unknown key, wrong type,
unreadable TOML) raises :class:`SettingsError`, which the CLI prints as one line.
"""
from __future__ import annotations

import os
import tomllib
import typing
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

ENV_PREFIX = "JIXIAO_"
ENV_CONFIG = "JIXIAO_CONFIG"
DEFAULT_TOML = "jixiao.toml"
RUNNERS = ("processes", "dask")

DEFAULT_CAP_WORDS = ("变动率", "调整率", "结余率", "结转率", "误差率", "投诉率", "控制率", "差错率",
                     "事故率", "超支率", "偏差率", "失误率", "发生率", "不合格率", "违规率", "空置率",
                     "发病率", "死亡率", "感染率", "辍学率", "流失率", "发案率", "失业率", "返贫率", "故障率")
# Names of time limits: their direction cannot be told from the value (a shorter 办结时限 is better,
# a longer 服务时长 may be), so the prior-year and long-term checks leave them alone.
DEFAULT_TIME_WORDS = ("时限", "时长", "用时", "耗时", "周期", "办结时间", "响应时间")
DEFAULT_GROWTH_WORDS = ("增长", "增速", "增幅", "增加率", "变动", "变化", "涨幅", "提高率", "提升率",
                        "同比", "环比", "上升率")


@dataclass(frozen=True)
class ReviewConfig:
    """Thresholds and word lists of the review checks. Defaults are the finance office's rules."""

    quantitative_share_min: float = 50.0  # percent
    rate_max_pct: float = 100.0
    cap_words: tuple[str, ...] = DEFAULT_CAP_WORDS
    growth_words: tuple[str, ...] = DEFAULT_GROWTH_WORDS
    time_words: tuple[str, ...] = DEFAULT_TIME_WORDS
    disabled: tuple[str, ...] = ()  # check codes to skip

    def enabled(self, check: str) -> bool:
        return check not in self.disabled


@dataclass(frozen=True)
class Settings:
    inbox: str | None = None
    db: str | None = None
    year: int | None = None  # budget year when neither document nor path states one
    province: str | None = "湖北省"  # province of names such as 省财政厅
    batch_size: int = 100
    workers: int | None = None  # None: the CPUs of this machine
    runner: str = "processes"  # processes | dask
    dask_address: str | None = None  # None: a temporary LocalCluster
    wait_for_lock: bool = True
    review_config: str | None = None  # a TOML file with a [review] table (applied over jixiao.toml's)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    office_name: str = "财政局"
    soffice: str | None = None  # None: found on PATH
    convert_timeout_s: float = 120.0
    # .doc/.wps read from the Word 97 binary and .xls/.et with xlrd, LibreOffice only for what
    # they cannot read; false: every one of them through LibreOffice (as before 2026-12-04)
    direct_readers: bool = True
    cron: str = "0 2 * * *"  # serve: the nightly schedule
    timezone: str = "Asia/Shanghai"


class SettingsError(ValueError):
    """An operator mistake in a setting: ``zh`` and ``en`` make the one line printed."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


#: environment variables of the review thresholds (names kept from before the Settings object)
REVIEW_ENV = {"quantitative_share_min": "JIXIAO_QUANTITATIVE_SHARE_MIN", "rate_max_pct": "JIXIAO_RATE_MAX_PCT"}
_PATHS = ("inbox", "db", "review_config")  # relative to the TOML file they are written in


def env_name(key: str) -> str:
    return REVIEW_ENV.get(key) or ENV_PREFIX + key.upper()


def _kinds(cls) -> dict[str, type]:
    """field → the type a value must have (int for `int | None`, tuple for `tuple[str, ...]`)."""
    out = {}
    for name, hint in typing.get_type_hints(cls).items():
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        base = typing.get_origin(hint) or hint
        out[name] = tuple if base is tuple else (args[0] if args and base is not tuple else hint)
    return out


_KINDS = {k: v for k, v in _kinds(Settings).items() if k != "review"}
_REVIEW_KINDS = _kinds(ReviewConfig)


def _coerce(key: str, value, kind: type, where: str):
    def bad(what_zh: str, what_en: str):
        return SettingsError(f"{where} 中 {key} 的值 {value!r} 不是{what_zh}", f"{where}: {key} = {value!r} is not {what_en}")

    from_text = isinstance(value, str) and kind is not str
    if kind is bool:
        if isinstance(value, bool):
            return value
        if from_text and value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if from_text and value.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise bad("真假值（true/false）", "a boolean (true/false)")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if from_text and value.strip().lstrip("-").isdigit():
            return int(value)
        raise bad("整数", "an integer")
    if kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if from_text:
            try:
                return float(value)
            except ValueError:
                pass
        raise bad("数字", "a number")
    if kind is tuple:
        if from_text:
            return tuple(w.strip() for w in value.split(",") if w.strip())
        if isinstance(value, (list, tuple)) and all(isinstance(w, str) for w in value):
            return tuple(value)
        raise bad("字符串列表", "a list of strings")
    if isinstance(value, str):
        return value
    raise bad("字符串", "a string")


def _layer(values: dict, where: str, review: dict, *, base: Path | None = None) -> None:
    """Check one layer's keys and types; add them to `review` (review keys) and return the rest."""
    for key in list(values):
        if key in _KINDS:
            v = _coerce(key, values[key], _KINDS[key], where)
            if key in _PATHS and base is not None:
                v = str((base / v)) if not Path(v).is_absolute() else v
            values[key] = v
        elif key in _REVIEW_KINDS:
            review[key] = _coerce(key, values.pop(key), _REVIEW_KINDS[key], where)
        else:
            known = sorted(_KINDS) + ["[review]"]
            raise SettingsError(f"{where} 中有未知的设置项 {key}（可用：{', '.join(known)}）",
                                f"{where}: unknown setting {key!r} (known: {', '.join(known)})")


def _read_toml(path: Path, where: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"没有找到设置文件 {path}", f"no settings file at {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"无法读取设置文件 {path}（{e}）", f"cannot read the settings file {path} ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"设置文件 {path} 不是有效的 TOML（{e}）", f"{where} is not valid TOML ({e})") from None


def _review_table(data: dict, path: Path) -> dict:
    table = data.get("review", data)
    if not isinstance(table, dict):
        raise SettingsError(f"{path} 中的 review 应是一个表（[review]）", f"{path}: review must be a table ([review])")
    out: dict = {}
    for key, value in table.items():
        if key not in _REVIEW_KINDS:
            raise SettingsError(f"{path} 中有未知的审核设置项 {key}（可用：{', '.join(sorted(_REVIEW_KINDS))}）",
                                f"{path}: unknown review setting {key!r} (known: {', '.join(sorted(_REVIEW_KINDS))})")
        out[key] = _coerce(key, value, _REVIEW_KINDS[key], str(path))
    return out


def load_settings(cli: dict | None = None, *, env=os.environ, toml: str | Path | None = None) -> Settings:
    """Defaults → TOML → environment → `cli` (field or review key → value; None = not given;
    ``config`` names the TOML file)."""
    cli = dict(cli or {})
    config = toml or cli.pop("config", None) or env.get(ENV_CONFIG) or None
    values: dict = {}
    review: dict = {}
    path = Path(config) if config else (Path(DEFAULT_TOML) if Path(DEFAULT_TOML).is_file() else None)
    if path is not None:
        data = _read_toml(path, str(path))
        table = data.pop("review", {})
        review.update(_review_table({"review": table}, path))
        _layer(data, str(path), review, base=path.absolute().parent)
        values.update(data)
    from_env = {k: env[env_name(k)] for k in [*_KINDS, *REVIEW_ENV] if env.get(env_name(k), "").strip()}
    given = {k: v for k, v in cli.items() if v is not None}
    on_top = set(from_env) | set(given)  # review keys the file of review_config must not override
    _layer(from_env, "环境变量 environment", review)
    values.update(from_env)
    _layer(given, "命令参数 command line", review)
    values.update(given)
    if values.get("review_config"):
        # the review file sits over jixiao.toml's [review]; environment and flags stay on top
        file_review = _review_table(_read_toml(Path(values["review_config"]), values["review_config"]),
                                    Path(values["review_config"]))
        review = {**review, **file_review, **{k: v for k, v in review.items() if k in on_top}}
    if values.get("runner", "processes") not in RUNNERS:
        raise SettingsError(f"runner 只能是 {' 或 '.join(RUNNERS)}（给出的是 {values['runner']}）",
                            f"runner must be one of {', '.join(RUNNERS)} (got {values['runner']!r})")
    return Settings(**values, review=replace(ReviewConfig(), **review))


def settings_fields() -> list[tuple[str, str, object]]:
    """(key, environment variable, default) of every setting, for the README table and tests."""
    out = [(f.name, env_name(f.name), f.default) for f in fields(Settings) if f.name != "review"]
    return out + [(f"review.{f.name}", REVIEW_ENV.get(f.name, ""), f.default) for f in fields(ReviewConfig)]


def as_parameters(settings: Settings) -> dict:
    """The settings as JSON (tuples as lists): a deployment's parameter, shown in the Prefect UI."""
    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return list(v) if isinstance(v, tuple) else v

    return plain(asdict(settings))
