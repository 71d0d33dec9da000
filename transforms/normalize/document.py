"""One document's forms → typed rows of every table (the per-file part of the stage).

Nothing here raises for bad input: a document that holds no target form is a rejected content
with an error finding; a form without department or budget year is dropped, named in an error
finding, and the other forms of the file go on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from extractors.model import ExtractedDocument
from transforms import checks, review
from transforms.normalize import contents, findings
from transforms.normalize.funding import funding
from transforms.normalize.goals import goals
from transforms.normalize.indicators import indicators
from transforms.normalize.model import NormalizeOptions, SourceFile
from transforms.normalize.rows import ContentRow, FindingRow, FundingRow, GoalRow, IndicatorRow, SubmissionRow, TaskRow
from transforms.normalize.submissions import submission, submission_id
from transforms.normalize.tasks import tasks
from transforms.reader import read_forms
from transforms.records import FormRecord, finding
from transforms.regions import infer_region
from transforms.years import resolve_year


@dataclass
class BatchRows:
    """The typed rows of a batch, per raw table."""

    contents: list[ContentRow] = field(default_factory=list)
    raw_submissions: list[SubmissionRow] = field(default_factory=list)
    raw_funding: list[FundingRow] = field(default_factory=list)
    raw_goals: list[GoalRow] = field(default_factory=list)
    raw_indicators: list[IndicatorRow] = field(default_factory=list)
    raw_tasks: list[TaskRow] = field(default_factory=list)
    raw_findings: list[FindingRow] = field(default_factory=list)

    def reject(self, f: SourceFile, code: str, message: str) -> None:
        """The file does not load: a rejected content and its error finding (`message` is the
        catalog sentence of `code`; the file's name is put in front)."""
        message = findings.named(f.path, message)
        self.contents.append(contents.rejected(f, code, message))
        self.raw_findings.append(findings.file_error(f, code, message))


def normalize_document(rows: BatchRows, f: SourceFile, doc: ExtractedDocument, options: NormalizeOptions) -> None:
    if not doc.tables:
        rows.reject(f, "no_tables", findings.catalog_sentence(f, "no_tables"))
        return
    forms = read_forms(doc)
    for form in forms:
        form.source_format = doc.source_format
    target_forms = [x for x in forms if x.form_type and not x.not_target_form]
    if not target_forms:
        other = next((x.not_target_form for x in forms if x.not_target_form), None)
        if other:
            rows.reject(f, "not_a_target_form", findings.catalog_sentence(f, "not_a_target_form", label=other))
        else:
            seen = "、".join(dict.fromkeys(lab for x in forms for lab in x.labels_seen[:12])) or "无"
            rows.reject(f, "unrecognized_form", findings.catalog_sentence(f, "unrecognized_form", seen=seen[:200]))
        return
    accepted, first_error = 0, None
    for form in target_forms:
        error = normalize_form(rows, f, form, options)
        if error is None:
            accepted += 1
        elif first_error is None:
            first_error = error
    if accepted:
        rows.contents.append(contents.accepted(f, accepted))
    else:
        rows.contents.append(contents.rejected(f, *first_error))


def normalize_form(rows: BatchRows, f: SourceFile, form: FormRecord,
                   options: NormalizeOptions) -> tuple[str, str] | None:
    """Add one form's rows; return (code, message) when the form must be rejected."""
    where = f"第{form.form_index + 1}张表"
    department = form.fields.get("department")
    if not department:
        message = findings.catalog_sentence(f, "missing_department", where=where)
        rows.raw_findings.append(findings.file_error(f, "missing_department", message, where))
        return "missing_department", message
    year = resolve_year(form, f.path, options.default_year)
    if year.year is None:
        message = findings.catalog_sentence(f, "missing_year", where=where, department=department)
        rows.raw_findings.append(findings.file_error(f, "missing_year", message, where))
        return "missing_year", message
    sid = submission_id(f, form)
    hints = list(reversed(PurePosixPath(f.path).parts))
    region = infer_region(department, hints=hints, default_province=options.default_province)
    found = list(year.findings)
    if region is None:
        found.append(finding("region_unknown", "部门名称", department=department))
    rows.raw_submissions.append(submission(f, form, sid, department, year, region))
    funding_rows, funding_findings = funding(sid, form, year.year)
    rows.raw_funding.extend(funding_rows)
    found.extend(funding_findings)
    rows.raw_goals.extend(goals(sid, form))
    rows.raw_tasks.extend(tasks(sid, form))
    indicator_rows = indicators(sid, form, year.year)
    rows.raw_indicators.extend(indicator_rows)
    found.extend(checks.form_findings(form, year.year))
    found.extend(review.review_form(form, indicator_rows, year.year, options.review))
    rows.raw_findings.extend(findings.finding_row(f, sid, x) for x in found + form.findings)
    return None
