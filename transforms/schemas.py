"""pandera models of the frames the normalize stage hands to the loader.

Validated once per batch of files (lazy=True), never per form: pandera's fixed cost per call
is what makes per-form validation slow. Every failure case names its row, so a failure
rejects only the forms it touches.
"""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

FORM_TYPES = ["department", "project"]
ADMIN_LEVELS = ["province", "city", "county"]
HORIZONS = ["long_term", "annual"]
COMPARATORS = ["=", ">=", "<=", ">", "<"]
VALUE_KINDS = ["quantitative", "qualitative", "missing", "compound"]
#: the file formats a form is read from (extractors.dispatch)
SOURCE_FORMATS = ["docx", "doc", "wps", "rtf", "odt", "xlsx", "xls", "et", "ods", "pdf"]
YEAR = {"ge": 1990, "le": 2100}


class Submissions(pa.DataFrameModel):
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    form_index: Series[int] = pa.Field(ge=0)
    submission_id: Series[str] = pa.Field(unique=True)
    form_type: Series[str] = pa.Field(isin=FORM_TYPES)
    layout: Series[str]
    budget_year: Series[int] = pa.Field(**YEAR)
    year_source: Series[str] = pa.Field(isin=["document", "history", "path", "parameter"])
    department: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 120})
    province: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    county: Series[str] = pa.Field(nullable=True)
    admin_level: Series[str] = pa.Field(isin=ADMIN_LEVELS, nullable=True)
    region_code: Series[str] = pa.Field(str_matches=r"^\d{6}$", nullable=True)
    filer: Series[str] = pa.Field(nullable=True)
    phone: Series[str] = pa.Field(nullable=True)
    project_name: Series[str] = pa.Field(nullable=True)
    project_code: Series[str] = pa.Field(nullable=True)
    supervising_department: Series[str] = pa.Field(nullable=True)
    executing_unit: Series[str] = pa.Field(nullable=True)
    implementation_period: Series[str] = pa.Field(nullable=True)  # 实施期限/项目期限 as written
    source_format: Series[str] = pa.Field(isin=SOURCE_FORMATS)  # the file format the form was read from
    long_term_until: Series["Int64"] = pa.Field(nullable=True, **YEAR)
    logical_key: Series[str]

    class Config:
        strict = True
        coerce = True


class Funding(pa.DataFrameModel):
    submission_id: Series[str]
    fiscal_year: Series[int] = pa.Field(**YEAR)
    direction: Series[str] = pa.Field(isin=["income", "expenditure"])
    category: Series[str] = pa.Field(str_length={"min_value": 1})
    is_total: Series[bool]
    amount_wan: Series[float] = pa.Field(nullable=True, ge=-1e12, le=1e12)
    share_pct: Series[float] = pa.Field(nullable=True, ge=0, le=1000)
    source_table: Series[int] = pa.Field(ge=0)
    source_row: Series[int] = pa.Field(ge=0)
    source_col: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        coerce = True
        # one value per cell: a form read twice fails here (its form rejected), not in the loader
        unique = ["submission_id", "source_table", "source_row", "source_col"]


class Goals(pa.DataFrameModel):
    submission_id: Series[str]
    horizon: Series[str] = pa.Field(isin=HORIZONS)
    code: Series[str] = pa.Field(nullable=True)
    seq: Series[int] = pa.Field(ge=0)
    text: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class Tasks(pa.DataFrameModel):
    """年度主要任务 of the national department template: one row per task, money in 万元."""

    submission_id: Series[str]
    seq: Series[int] = pa.Field(ge=0)
    task: Series[str] = pa.Field(str_length={"min_value": 1})
    content: Series[str] = pa.Field(nullable=True)
    amount_total_wan: Series[float] = pa.Field(nullable=True, ge=-1e12, le=1e12)
    amount_fiscal_wan: Series[float] = pa.Field(nullable=True, ge=-1e12, le=1e12)
    amount_other_wan: Series[float] = pa.Field(nullable=True, ge=-1e12, le=1e12)
    source_table: Series[int] = pa.Field(ge=0)
    source_row: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        coerce = True


class Indicators(pa.DataFrameModel):
    submission_id: Series[str]
    horizon: Series[str] = pa.Field(isin=HORIZONS)
    goal: Series[str] = pa.Field(nullable=True)
    level1: Series[str] = pa.Field(nullable=True)
    level2: Series[str] = pa.Field(nullable=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    basis: Series[str] = pa.Field(nullable=True)
    category: Series[str] = pa.Field(nullable=True)
    fiscal_year: Series["Int64"] = pa.Field(nullable=True, **YEAR)
    is_target: Series[bool]
    value_raw: Series[str]
    value_num: Series[float] = pa.Field(nullable=True)
    value_num_max: Series[float] = pa.Field(nullable=True)
    value_unit: Series[str] = pa.Field(nullable=True)
    comparator: Series[str] = pa.Field(isin=COMPARATORS, nullable=True)
    value_kind: Series[str] = pa.Field(isin=VALUE_KINDS)
    source_table: Series[int] = pa.Field(ge=0)
    source_row: Series[int] = pa.Field(ge=0)
    source_col: Series[int] = pa.Field(ge=0)

    @pa.dataframe_check
    @classmethod
    def long_term_has_no_fiscal_year(cls, df) -> Series[bool]:
        return ~((df["horizon"] == "long_term") & df["fiscal_year"].notna())

    @pa.dataframe_check
    @classmethod
    def quantitative_has_number(cls, df) -> Series[bool]:
        return ~((df["value_kind"] == "quantitative") & df["value_num"].isna())

    class Config:
        strict = True
        coerce = True
        unique = ["submission_id", "source_table", "source_row", "source_col"]


class Findings(pa.DataFrameModel):
    sha256: Series[str]
    submission_id: Series[str] = pa.Field(nullable=True)
    severity: Series[str] = pa.Field(isin=["error", "warning"])
    check: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$")
    location: Series[str]
    message: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class Contents(pa.DataFrameModel):
    sha256: Series[str] = pa.Field(unique=True)
    outcome: Series[str] = pa.Field(isin=["ok", "rejected"])
    reason: Series[str] = pa.Field(nullable=True)
    message: Series[str] = pa.Field(nullable=True)
    forms: Series[int] = pa.Field(ge=0)
    source_path: Series[str]

    class Config:
        strict = True
        coerce = True


# frame name in the batch → (model, raw table it loads into)
MODELS = {
    "contents": Contents,
    "raw_submissions": Submissions,
    "raw_funding": Funding,
    "raw_goals": Goals,
    "raw_indicators": Indicators,
    "raw_tasks": Tasks,
    "raw_findings": Findings,
}
