"""Operator mistakes (issue 12.11): one line in Chinese and English, exit 2, no traceback.

Validation lives in plain functions the CLI (and the Settings loader) call before any work
starts; :func:`report` is the one top-level handler of ``jixiao`` (flows/cli.py ``main``).
"""
from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

#: the budget years the pandera models accept (transforms/schemas.py YEAR; a test keeps them equal):
#: a --year outside is the operator's mistake, never a form's schema_invalid
YEAR_MIN, YEAR_MAX = 1990, 2100
EXIT_OPERATOR = 2
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file


class OperatorError(Exception):
    """A mistake in how jixiao was called: ``zh`` and ``en`` make the one line printed."""

    def __init__(self, zh: str, en: str, code: int = EXIT_OPERATOR):
        self.zh, self.en, self.code = zh, en, code
        super().__init__(f"{zh} / {en}")

    def line(self) -> str:
        return f"jixiao: {self.zh} / {self.en}".replace("\n", " ")


def validate_operator_input(*, workers: int | None = None, year: int | None = None,
                            batch_size: int | None = None, cron: str | None = None,
                            timezone: str | None = None) -> None:
    """Raise OperatorError for the first flag that cannot be right (None = not given)."""
    if workers is not None and workers < 1:
        raise OperatorError(f"--workers 必须是正整数（给出的是 {workers}）",
                            f"--workers must be a positive number (got {workers})")
    if batch_size is not None and batch_size < 1:
        raise OperatorError(f"--batch-size 必须是正整数（给出的是 {batch_size}）",
                            f"--batch-size must be a positive number (got {batch_size})")
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        raise OperatorError(f"--year {year} 不是可能的预算年度（应在 {YEAR_MIN}–{YEAR_MAX} 之间）",
                            f"--year {year} is not a plausible budget year ({YEAR_MIN}-{YEAR_MAX})")
    if cron is not None:
        from cronsim import CronSim, CronSimError  # the parser Prefect's Cron schedules use

        try:
            CronSim(cron, datetime.now())
        except (CronSimError, ValueError, TypeError):
            raise OperatorError(f"--cron “{cron}” 不是有效的 cron 表达式（例如 \"0 2 * * *\"）",
                                f"--cron '{cron}' is not a cron expression (e.g. \"0 2 * * *\")") from None
    if timezone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise OperatorError(f"--timezone “{timezone}” 不是时区名称（例如 Asia/Shanghai）",
                                f"--timezone '{timezone}' is not a time zone (e.g. Asia/Shanghai)") from None


def require_warehouse(db: str | Path) -> Path:
    """The published warehouse a read-only command (summary, export, dashboard, letters) reads."""
    path = Path(db)
    if not path.exists():
        raise OperatorError(f"没有找到仓库文件 {path}，请先运行 jixiao ingest",
                            f"no warehouse at {path}: run `jixiao ingest INBOX --db {path}` first")
    if path.is_dir():
        raise OperatorError(f"{path} 是文件夹，不是仓库文件", f"{path} is a folder, not a warehouse file")
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError as e:
        raise OperatorError(f"无法读取仓库文件 {path}（{e.strerror}）",
                            f"cannot read the warehouse {path} ({e.strerror})") from None
    if head[8:12] != DUCKDB_MAGIC:
        raise OperatorError(f"{path} 不是 DuckDB 仓库文件", f"{path} is not a DuckDB warehouse file")
    return path


def require_writable_dir(folder: str | Path, what: str) -> Path:
    """A folder jixiao must create files in (the --db folder, an export folder)."""
    path = Path(folder)
    probe_dir = path
    while not probe_dir.exists() and probe_dir != probe_dir.parent:
        probe_dir = probe_dir.parent  # it will be created under its nearest existing parent
    if probe_dir.exists() and not probe_dir.is_dir():
        raise OperatorError(f"{what} {path} 不是文件夹", f"{what} {path} is not a folder")
    try:
        with tempfile.TemporaryFile(dir=probe_dir):
            pass
    except OSError as e:
        raise OperatorError(f"无法在 {probe_dir} 中写入文件（{what}；{e.strerror}）",
                            f"cannot write in {probe_dir} ({what}: {e.strerror})") from None
    return path


def report(exc: BaseException) -> int:
    """Print the one line for an operator mistake or an interruption; the exit code."""
    if isinstance(exc, OperatorError):
        print(exc.line(), file=sys.stderr, flush=True)
        return exc.code
    raise exc

