"""What the form reader hands to the batch normalizer: one FormRecord per form found.

Periods stay symbolic here ("the budget year", "two years before", "2022") because the
budget year is only known once the whole document and its path have been seen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from jixiao import catalog

# A value column's period: ("year", 2022) | ("offset", -2) | ("long_term", 0)
Period = tuple[str, int]


@dataclass(slots=True)
class Finding:
    severity: str  # error | warning
    check: str  # stable code
    location: str  # where a clerk finds it, e.g. 表1 第5行 第3列
    message: str  # Chinese sentence


def finding(check: str, location: str, variant: str | None = None, **fields) -> Finding:
    """The finding of catalog code `check`: its severity and sentence come from jixiao.catalog."""
    entry = catalog.code(check)
    return Finding(entry.severity, check, location, entry.sentence(variant, **fields))


@dataclass(slots=True)
class FundingLine:
    direction: str  # income | expenditure
    category: str
    period: Period
    amount_raw: str
    share_raw: str
    table: int
    row: int
    col: int


@dataclass(slots=True)
class Goal:
    horizon: str  # long_term | annual
    code: str | None
    text: str


@dataclass(slots=True)
class IndicatorCell:
    horizon: str
    goal: str | None
    level1: str
    level2: str
    name: str
    basis: str | None
    category: str | None
    period: Period
    value_raw: str
    unit_hint: str | None  # from a 计量单位 column
    comparator_hint: str | None  # from a 计算符号 column
    table: int
    row: int
    col: int


@dataclass(slots=True)
class TaskLine:
    """One row of 年度主要任务 (national department template)."""

    task: str
    content: str
    amounts_raw: dict[str, str]  # 合计 | 财政拨款 | 其他资金 → cell text
    table: int
    row: int


@dataclass
class FormRecord:
    form_index: int
    form_type: str | None = None  # department | project
    layout: str = "unknown"
    source_format: str = "docx"  # the file format it was read from (docx, doc, wps, xlsx, pdf, …)
    titles: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    stated_year: int | None = None  # a year the document states for itself (title)
    history_year: int | None = None  # the year implied by history columns (2022年/2023年 → 2024)
    long_term_until: int | None = None  # 长期目标（截止2025年）
    money_factor: float = 1.0  # 1 for 万元, 0.0001 for 元
    funding: list[FundingLine] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[IndicatorCell] = field(default_factory=list)
    tasks: list[TaskLine] = field(default_factory=list)
    blocks: set[str] = field(default_factory=set)  # blocks found: funding_grid, tasks, project_funding, goal_pair
    findings: list[Finding] = field(default_factory=list)
    labels_seen: list[str] = field(default_factory=list)
    not_target_form: str | None = None  # the label that shows this is another kind of form
