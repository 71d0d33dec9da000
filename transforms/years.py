"""Budget year resolution: the document first, then the path, then the run's --year.

The budget year is the year being budgeted, not the year of filing. A document states it in
a title (（2024年度）) or implies it by its history columns (2022年/2023年 beside the
current-year column make 2024). Disagreeing sources are a warning; none at all rejects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from transforms.records import Finding, FormRecord, Period, finding

_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|(?!\d))")


@dataclass(frozen=True, slots=True)
class YearResolution:
    year: int | None
    source: str | None  # document | history | path | parameter
    findings: tuple[Finding, ...] = ()


def year_from_path(rel_path: str) -> int | None:
    """The year held by the file name or the nearest folder above it (inbox/2024/…)."""
    parts = PurePosixPath(rel_path).parts
    for part in reversed(parts):
        m = _YEAR_IN_NAME.search(part)
        if m:
            return int(m.group(1))
    return None


def resolve_year(form: FormRecord, rel_path: str, default_year: int | None) -> YearResolution:
    findings: list[Finding] = []
    doc_year, source = form.stated_year, "document"
    if form.history_year is not None:
        if doc_year is None:
            doc_year, source = form.history_year, "history"
        elif form.history_year != doc_year:
            findings.append(finding("year_conflict", "标题与历史年度列", stated=doc_year, other=form.history_year))
    path_year = year_from_path(rel_path)
    if doc_year is not None:
        if path_year is not None and path_year != doc_year:
            findings.append(finding("year_conflict", "文件路径", "path", stated=doc_year, other=path_year))
        return YearResolution(doc_year, source, tuple(findings))
    if path_year is not None:
        return YearResolution(path_year, "path", tuple(findings))
    if default_year is not None:
        return YearResolution(default_year, "parameter", tuple(findings))
    return YearResolution(None, None, tuple(findings))


def fiscal_year(period: Period, budget_year: int) -> int | None:
    kind, n = period
    if kind == "year":
        return n
    if kind == "offset":
        return budget_year + n
    return None  # long-term targets have no single fiscal year
