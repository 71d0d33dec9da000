"""The typed rows of the normalize stage: one dataclass per output table.

The pandera models of transforms/schemas.py are the one list of columns: each row class names
its model, its fields are the model's columns in the model's order (checked when this module
is imported, and by tests/transforms/normalize/test_rows.py), and `frame` builds a table's
frame from its rows with exactly those columns.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter

import pandas as pd
import pandera.pandas as pa

from transforms import schemas


@dataclass(slots=True)
class SubmissionRow:
    sha256: str
    form_index: int
    submission_id: str
    form_type: str
    layout: str
    budget_year: int
    year_source: str
    department: str
    province: str | None
    city: str | None
    county: str | None
    admin_level: str | None
    region_code: str | None
    filer: str | None
    phone: str | None
    project_name: str | None
    project_code: str | None
    supervising_department: str | None
    executing_unit: str | None
    implementation_period: str | None  # 实施期限/项目期限 as written: 2024年1月-2026年12月, 3年
    source_format: str  # docx, doc, wps, rtf, odt, xlsx, xls, et, pdf
    long_term_until: int | None
    logical_key: str


@dataclass(slots=True)
class FundingRow:
    submission_id: str
    fiscal_year: int
    direction: str
    category: str
    is_total: bool
    amount_wan: float | None
    share_pct: float | None
    source_table: int
    source_row: int
    source_col: int


@dataclass(slots=True)
class GoalRow:
    submission_id: str
    horizon: str
    code: str | None
    seq: int
    text: str


@dataclass(slots=True)
class TaskRow:
    submission_id: str
    seq: int
    task: str
    content: str | None
    amount_total_wan: float | None
    amount_fiscal_wan: float | None
    amount_other_wan: float | None
    source_table: int
    source_row: int


@dataclass(slots=True)
class IndicatorRow:
    submission_id: str
    horizon: str
    goal: str | None
    level1: str | None
    level2: str | None
    name: str
    basis: str | None
    category: str | None
    fiscal_year: int | None
    is_target: bool
    value_raw: str
    value_num: float | None
    value_num_max: float | None
    value_unit: str | None
    comparator: str | None
    value_kind: str
    source_table: int
    source_row: int
    source_col: int


@dataclass(slots=True)
class FindingRow:
    sha256: str
    submission_id: str | None
    severity: str
    check: str
    location: str
    message: str


@dataclass(slots=True)
class ContentRow:
    sha256: str
    outcome: str  # ok | rejected
    reason: str | None
    message: str | None
    forms: int
    source_path: str


#: raw table name → (row class, pandera model)
TABLES: dict[str, tuple[type, type[pa.DataFrameModel]]] = {
    "contents": (ContentRow, schemas.Contents),
    "raw_submissions": (SubmissionRow, schemas.Submissions),
    "raw_funding": (FundingRow, schemas.Funding),
    "raw_goals": (GoalRow, schemas.Goals),
    "raw_indicators": (IndicatorRow, schemas.Indicators),
    "raw_tasks": (TaskRow, schemas.Tasks),
    "raw_findings": (FindingRow, schemas.Findings),
}


def model_columns(model: type[pa.DataFrameModel]) -> list[str]:
    return list(model.to_schema().columns)


def row_fields(row_class: type) -> list[str]:
    return [f.name for f in fields(row_class)]


def _check_rows_match_models() -> dict[str, list[str]]:
    columns = {}
    for table, (row_class, model) in TABLES.items():
        columns[table] = model_columns(model)
        if row_fields(row_class) != columns[table]:
            raise TypeError(f"{row_class.__name__} fields {row_fields(row_class)} are not the columns "
                            f"of {model.__name__} {columns[table]} (transforms/schemas.py is the one list)")
    return columns


COLUMNS: dict[str, list[str]] = _check_rows_match_models()
_GETTERS = {table: attrgetter(*cols) for table, cols in COLUMNS.items()}


def frame(table: str, rows: list) -> pd.DataFrame:
    """The frame of `table` from its typed rows, with exactly the model's columns."""
    get = _GETTERS[table]
    return pd.DataFrame([get(r) for r in rows], columns=COLUMNS[table])


def empty_frames() -> dict[str, pd.DataFrame]:
    return {table: frame(table, []) for table in TABLES}
