"""raw_submissions rows: one per target form, its header fields, budget year and region."""
from __future__ import annotations

from transforms.normalize.model import SourceFile
from transforms.normalize.rows import SubmissionRow
from transforms.records import FormRecord
from transforms.regions import Region
from transforms.years import YearResolution


def submission_id(f: SourceFile, form: FormRecord) -> str:
    return f"{f.sha256[:16]}-{form.form_index}"


def logical_key(form: FormRecord, department: str, budget_year: int) -> str:
    """Versions of one logical submission share it: type, department, year (and project)."""
    project = form.fields.get("project_code") or form.fields.get("project_name") or ""
    return "|".join([form.form_type, department, str(budget_year), project if form.form_type == "project" else ""])


def submission(f: SourceFile, form: FormRecord, sid: str, department: str, year: YearResolution,
               region: Region | None) -> SubmissionRow:
    fields = form.fields
    return SubmissionRow(
        sha256=f.sha256, form_index=form.form_index, submission_id=sid, form_type=form.form_type,
        layout=form.layout, budget_year=year.year, year_source=year.source, department=department,
        province=region.province if region else None, city=region.city if region else None,
        county=region.county if region else None, admin_level=region.admin_level if region else None,
        region_code=region.region_code if region else None,
        filer=fields.get("filer"), phone=fields.get("phone"), project_name=fields.get("project_name"),
        project_code=fields.get("project_code"), supervising_department=fields.get("supervising_department"),
        executing_unit=fields.get("executing_unit"), implementation_period=fields.get("implementation_period"),
        source_format=form.source_format,
        long_term_until=form.long_term_until, logical_key=logical_key(form, department, year.year),
    )
