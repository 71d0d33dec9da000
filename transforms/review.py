"""Review findings (审核) on one form's indicator values: the plausibility checks a finance
office runs before accepting a form. Each finding is a warning with a stable check code, the
cell it concerns (表 / 行 / 列, 1-based as a clerk counts) and a Chinese sentence naming the
department (and project) and the values involved.

Runs per form during normalize (transforms/normalize/): everything a check needs is in the
form's own typed rows (IndicatorRow attributes, never warehouse column names), so the SQL
views stay lean. Codes, names and sentences come from jixiao.catalog. Thresholds live in :class:`ReviewConfig`
(jixiao/settings.py: defaults, then jixiao.toml / a --review-config file, environment variables
and CLI options — read once by ``load_settings``; see docs/analysts.md).

Check codes (stable):

==========================  ===================================================================
quantitative_share_low      量化指标占比 below ``quantitative_share_min`` (default 50%)
target_below_prior          target below the latest history value of a higher-is-better
                            indicator, or above it for a cap (变动率, 调整率, 结余率, …)
long_term_below_annual      long-term target below the same indicator's annual target (caps:
                            above)
rate_over_100               a rate (…率, %) above ``rate_max_pct`` that is not a growth/change rate
unit_inconsistent           one indicator's values written in different units
value_missing               a target cell left empty
placeholder_target          a target cell holding 待定 / 无 / 新增 / / / — or a unit alone (次)
template_text               untouched template placeholders (XX, **) in any cell or field
text_grid_mismatch          a number stated in the goal text (年度目标 / 长期目标) that the grid's
                            target for the same indicator contradicts
==========================  ===================================================================

Quantitative share (our definition, also in docs/analysts.md): target values (the budget-year
column and the long-term values; history columns excluded) whose value states a number —
``value_kind`` quantitative *or* compound (高级不超过80%、中级不超过90%) — divided by all target
values, empty and placeholder cells included. Seed 000: 44/82 = 53.7%; seed 003: 26/38 = 68.4%
(annual alone 21/29 = 72.4%, or 20/29 = 69.0% without the compound value).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Protocol

from jixiao.catalog import CATALOG
from jixiao.settings import DEFAULT_CAP_WORDS, DEFAULT_GROWTH_WORDS, ReviewConfig  # noqa: F401 - re-exported
from transforms import quantities
from transforms.records import Finding, FormRecord, finding
from transforms.text import clean_label, plain_number
from transforms.values import KNOWN_UNITS, normalize_value, parse_value

if TYPE_CHECKING:
    from transforms.normalize.rows import IndicatorRow

#: review check code → Chinese name (the review-stage entries of jixiao.catalog)
CHECKS = {c.code: c.name_zh for c in CATALOG.values() if c.stage == "review"}

# -- units ------------------------------------------------------------------------------------

# unit → (family, factor to the family's base). Units of one family compare after scaling.
_UNIT_SCALE = {
    "元": ("money", 1.0), "万元": ("money", 1e4), "亿元": ("money", 1e8),
    "万": ("money?", 1e4), "亿": ("money?", 1e8),
    "%": ("pct", 1.0), "‰": ("pct", 0.1), "百分点": ("pct", 1.0), "个百分点": ("pct", 1.0),
}
_TIME_UNITS = frozenset("年 月 个月 天 日 工作日 个工作日 周 小时 分钟".split())


def _scale(unit: str | None) -> tuple[str | None, float]:
    if unit is None:
        return None, 1.0
    family, factor = _UNIT_SCALE.get(unit, (unit, 1.0))
    return family, factor


class Valued(Protocol):
    """A number with its unit (an IndicatorRow)."""

    value_num: float | None
    value_num_max: float | None
    value_unit: str | None


def comparable(a: Valued, b: Valued) -> tuple[float, float] | None:
    """The two values' numbers in one unit, or None when their units differ in kind. A value
    without a unit takes the other's (350 vs 148家); 亿 and 亿元 (80亿 vs 75.24亿元) are one."""
    fa, ka = _scale(a.value_unit)
    fb, kb = _scale(b.value_unit)
    if fa and fb:
        fa, fb = fa.rstrip("?"), fb.rstrip("?")
        if fa != fb:
            return None
        return a.value_num * ka, b.value_num * kb
    return a.value_num, b.value_num


def _canonical_unit(unit: str | None) -> str | None:
    return {"亿": "亿元", "万": "万元"}.get(unit, unit) if unit else None


# -- helpers ----------------------------------------------------------------------------------

def _key(name: str | None) -> str:
    return re.sub(r"[\"“”‘’'《》（）()、\s]", "", clean_label(name or ""))


def _cell(row: IndicatorRow) -> str:
    return f"表{row.source_table + 1} 第{row.source_row + 1}行 第{row.source_col + 1}列"


def _raw(row: IndicatorRow) -> str:
    return re.sub(r"\s+", "", str(row.value_raw or "")) or "（空）"


def _year_label(row: IndicatorRow) -> str:
    return "长期目标" if row.horizon == "long_term" else f"{row.fiscal_year}年"


def _fmt(x: float) -> str:
    return plain_number(x)


def direction(name: str, comparator: str | None, unit: str | None, cfg: ReviewConfig,
              is_range: bool = False) -> str | None:
    """'higher' (more is better), 'lower' (a cap) or None (cannot tell: time limits).
    An explicit comparator on the target wins: ≤/< is a cap, ≥/> a floor. A range's '>=' is
    its lower bound, not a statement of direction (2-5个工作日 is not a floor)."""
    if comparator in ("<=", "<"):
        return "lower"
    if comparator in (">=", ">") and not is_range:
        return "higher"
    if any(w in name for w in cfg.cap_words):
        return "lower"
    if unit in _TIME_UNITS or any(w in name for w in cfg.time_words):
        return None
    return "higher"


def _is_growth(name: str, cfg: ReviewConfig) -> bool:
    return any(w in name for w in cfg.growth_words)


def _quant(row: IndicatorRow) -> bool:
    return row.value_kind == "quantitative" and row.value_num is not None


def _low(row: IndicatorRow) -> float:
    return row.value_num


def _high(row: IndicatorRow) -> float:
    return row.value_num_max if row.value_num_max is not None else row.value_num


# -- the checks -------------------------------------------------------------------------------

_TEMPLATE_RE = re.compile(r"(?<![A-WYZa-wyz])(?:[Xx]{2,}|×{2,}|\*{2,}|＊{2,})(?![A-WYZa-wyz])")
_TEMPLATE_VALUES = frozenset({"xx", "××", "**", "＊＊"})


def review_form(form: FormRecord, rows: list[IndicatorRow], budget_year: int,
                cfg: ReviewConfig | None = None) -> list[Finding]:
    """All review findings of one form. ``rows`` are the form's IndicatorRows (parsed values,
    fiscal years, is_target, source cells) as transforms/normalize/indicators.py builds them."""
    cfg = cfg or ReviewConfig()
    who = form.fields.get("department") or "未填部门"
    if form.form_type == "project" and form.fields.get("project_name"):
        who += f"“{form.fields['project_name']}”"
    who = f"【{who}】"
    out: list[Finding] = []
    checks = (_template_text, _targets_missing, _quantitative_share, _target_below_prior,
              _long_term_below_annual, _rate_over_100, _unit_inconsistent, _text_grid_mismatch)
    for check in checks:
        out.extend(check(form, rows, budget_year, cfg, who))
    return [f for f in out if cfg.enabled(f.check)]


def _template_text(form, rows, budget_year, cfg, who):
    out = []
    labels = {"department": "部门（单位）名称", "filer": "填报人", "phone": "联系电话", "project_name": "项目名称",
              "project_code": "项目编码", "supervising_department": "项目主管部门", "executing_unit": "项目执行单位"}
    for key, value in form.fields.items():
        if value and _TEMPLATE_RE.search(str(value)):
            out.append(finding("template_text", labels.get(key, key), "field", who=who,
                               label=labels.get(key, key), value=value))
    for goal in form.goals:
        if _TEMPLATE_RE.search(goal.text or ""):
            what = goal.code or ("长期目标" if goal.horizon == "long_term" else "年度目标")
            out.append(finding("template_text", what, "goal", who=who, what=what,
                               placeholder=_TEMPLATE_RE.search(goal.text).group(0), text=goal.text[:60]))
    seen_names = set()
    for row in rows:
        if _TEMPLATE_RE.search(row.name or "") and (row.source_table, row.source_row) not in seen_names:
            seen_names.add((row.source_table, row.source_row))
            out.append(finding("template_text", f"表{row.source_table + 1} 第{row.source_row + 1}行", "name",
                               who=who, name=row.name))
        raw = normalize_value(row.value_raw)
        if raw.casefold() in _TEMPLATE_VALUES or (row.value_kind != "missing" and _TEMPLATE_RE.search(raw)):
            out.append(finding("template_text", _cell(row), who=who, name=row.name, period=_year_label(row),
                               target=_raw(row)))
    return out


def _targets_missing(form, rows, budget_year, cfg, who):
    out = []
    for row in rows:
        if not row.is_target or row.value_kind != "missing":
            continue
        raw = normalize_value(row.value_raw)
        if raw.casefold() in _TEMPLATE_VALUES:
            continue  # reported as template_text
        if not raw:
            out.append(finding("value_missing", _cell(row), who=who, name=row.name, period=_year_label(row)))
        else:
            out.append(finding("placeholder_target", _cell(row), "unit_only" if raw in KNOWN_UNITS else None,
                               who=who, name=row.name, period=_year_label(row), target=_raw(row)))
    return out


def quantitative_share(rows: list[IndicatorRow]) -> tuple[int, int]:
    """(numeric targets, all targets) of one form; see the module docstring."""
    targets = [r for r in rows if r.is_target]
    numeric = sum(1 for r in targets if r.value_kind in ("quantitative", "compound"))
    return numeric, len(targets)


def _quantitative_share(form, rows, budget_year, cfg, who):
    numeric, total = quantitative_share(rows)
    if not total:
        return []
    share = numeric / total * 100
    if share >= cfg.quantitative_share_min:
        return []
    parts = []
    for horizon, label in (("long_term", "长期"), ("annual", "年度")):
        n, t = quantitative_share([r for r in rows if r.horizon == horizon])
        if t:
            parts.append(f"{label}{n}/{t}")
    return [finding("quantitative_share_low", "绩效指标表", who=who, share=share, numeric=numeric, total=total,
                    parts="、".join(parts), minimum=_fmt(cfg.quantitative_share_min))]


def _target_below_prior(form, rows, budget_year, cfg, who):
    out = []
    by_row: dict[tuple, list[IndicatorRow]] = defaultdict(list)
    for r in rows:
        if r.horizon == "annual" and r.fiscal_year is not None:
            by_row[(r.source_table, r.source_row)].append(r)
    for cells in by_row.values():
        target = next((r for r in cells if r.fiscal_year == budget_year and _quant(r)), None)
        history = sorted((r for r in cells if r.fiscal_year < budget_year and _quant(r)),
                         key=lambda r: r.fiscal_year)
        if target is None or not history:
            continue
        prior = history[-1]
        pair = comparable(target, prior)
        if pair is None:
            continue
        way = direction(target.name, target.comparator, target.value_unit, cfg, target.value_num_max is not None)
        t_lo, p = pair
        scale = t_lo / target.value_num if target.value_num else 1.0
        if way == "higher" and t_lo < p:
            out.append(finding("target_below_prior", _cell(target), who=who, name=target.name, year=budget_year,
                               target=_raw(target), prior_year=prior.fiscal_year, prior=_raw(prior)))
        elif way == "lower" and _high(target) * scale > p:
            out.append(finding("target_below_prior", _cell(target), "cap", who=who, name=target.name,
                               year=budget_year, target=_raw(target), prior_year=prior.fiscal_year,
                               prior=_raw(prior)))
    return out


def _long_term_below_annual(form, rows, budget_year, cfg, who):
    out = []
    annual: dict[str, list[IndicatorRow]] = defaultdict(list)
    for r in rows:
        if r.horizon == "annual" and r.is_target and _quant(r):
            annual[_key(r.name)].append(r)
    for lt in rows:
        if lt.horizon != "long_term" or not _quant(lt) or not annual.get(_key(lt.name)):
            continue
        way = direction(lt.name, lt.comparator, lt.value_unit, cfg, lt.value_num_max is not None)
        worst = None
        for a in annual[_key(lt.name)]:
            pair = comparable(lt, a)
            if pair is None:
                continue
            lt_v, a_v = pair
            if (way == "higher" and lt_v < a_v) or (way == "lower" and lt_v > a_v):
                if worst is None or abs(a_v - lt_v) > worst[0]:
                    worst = (abs(a_v - lt_v), a)
        if worst is None:
            continue
        a = worst[1]
        until = f"（截止{form.long_term_until}年）" if form.long_term_until else ""
        out.append(finding("long_term_below_annual", _cell(lt), None if way == "higher" else "cap", who=who,
                           name=lt.name, until=until, long_term=_raw(lt), year=budget_year, annual=_raw(a),
                           cell=_cell(a)))
    return out


def _rate_over_100(form, rows, budget_year, cfg, who):
    out = []
    for r in rows:
        if not r.is_target or not _quant(r):
            continue
        name = r.name or ""
        is_rate = r.value_unit == "%" or (r.value_unit is None and name.endswith("率"))
        if not is_rate or not ("率" in name or "比例" in name or "占比" in name or "满意度" in name
                               or r.value_unit == "%"):
            continue
        if _is_growth(name, cfg):
            continue
        if _high(r) > cfg.rate_max_pct:
            out.append(finding("rate_over_100", _cell(r), who=who, name=name, period=_year_label(r),
                               target=_raw(r), maximum=_fmt(cfg.rate_max_pct)))
    return out


def _unit_inconsistent(form, rows, budget_year, cfg, who):
    out = []
    groups: dict[tuple, list[IndicatorRow]] = defaultdict(list)
    for r in rows:
        if _quant(r) and r.value_unit:
            groups[(r.goal if r.horizon == "annual" else None, _key(r.name))].append(r)
    reported = set()
    for (_, key), cells in groups.items():
        units = {_canonical_unit(r.value_unit) for r in cells}
        if len(units) < 2 or key in reported:
            continue
        reported.add(key)
        first = cells[0]
        listed = "、".join(f"{_year_label(r)}“{_raw(r)}”" for r in cells)
        out.append(finding("unit_inconsistent", _cell(first), who=who, name=first.name,
                           units="、".join(sorted(units)), listed=listed))
    return out


# numbers stated in goal text: [comparator word] number [unit] [以上/以下…]
_CLAUSE_END = re.compile(r"[。；;\n]")


def _stated_values(text: str, start: int, other_names: set[str] = frozenset()) -> list:
    """The quantities stated from ``start`` to the end of the sentence (。；or a line break) or to
    the next other indicator named in the text, whichever comes first."""
    end = _CLAUSE_END.search(text, start)
    stop = end.start() if end else len(text)
    for other in other_names:
        at = text.find(other, start)
        if 0 <= at < stop:
            stop = at
    # comparator words, magnitudes, ranges and relative changes: transforms/quantities.py
    return quantities.stated_quantities(text[start:stop])


def _satisfies(row: "IndicatorRow", stated) -> bool | None:
    """None: not comparable (another kind of unit, or a change against last year)."""
    return quantities.agrees(row.value_num, row.value_num_max, row.value_unit, stated)


def _text_grid_mismatch(form, rows, budget_year, cfg, who):
    out = []
    texts = {h: "\n".join(g.text for g in form.goals if g.horizon == h) for h in ("long_term", "annual")}
    done = set()
    names = {clean_label(r.name) for r in rows if len(clean_label(r.name)) >= 3}
    for r in rows:
        if not r.is_target or not _quant(r):
            continue
        name = clean_label(r.name)
        text = clean_label(texts.get(r.horizon, "").replace("\n", "。"))
        if len(name) < 3 or (r.horizon, name) in done:
            continue
        pos = text.find(name)
        if pos < 0:
            continue
        others = {n for n in names if n != name and name not in n}
        stated = [s for s in _stated_values(text, pos + len(name), others) if _satisfies(r, s) is not None]
        if not stated:
            continue
        if any(_satisfies(r, s) for s in stated):
            continue
        done.add((r.horizon, name))
        where = "长期目标" if r.horizon == "long_term" else "年度目标"
        said = "、".join(f"“{s.text}”" for s in stated)
        out.append(finding("text_grid_mismatch", _cell(r), who=who, where=where, name=name, said=said,
                           period="长期" if r.horizon == "long_term" else _year_label(r), target=_raw(r)))
    return out
