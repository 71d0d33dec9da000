"""The normalize stage: a batch of inbox files → validated frames for the loader.

Per file: extract (extractors.read_docx), read its forms (transforms.reader), resolve the
budget year and region, parse values. Per batch: build one frame per raw table and validate
it with pandera once. Nothing here raises for bad input: an unreadable file becomes a
rejected `contents` row with a finding; a form that fails its checks is dropped and named in
an error finding; the other forms and files go on.
"""
from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import PurePosixPath

import pandas as pd
import pandera.errors

from extractors.docx_reader import MAX_FILE_BYTES, read_docx_bytes
from extractors.errors import ExtractError
from transforms import checks, review
from transforms.reader import read_forms
from transforms.records import Finding, FormRecord
from transforms.regions import infer_region
from transforms.schemas import MODELS
from transforms.values import parse_value
from transforms.years import fiscal_year, resolve_year

log = logging.getLogger(__name__)

COMPARATOR_WORDS = {
    "=": "=", "＝": "=", "等于": "=", ">=": ">=", "≥": ">=", "≧": ">=", "大于等于": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "小于等于": "<=", ">": ">", "大于": ">", "<": "<", "小于": "<",
}


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # relative to the inbox, POSIX separators
    abs_path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    default_year: int | None = None
    default_province: str | None = None
    review: review.ReviewConfig = field(default_factory=review.ReviewConfig)


@dataclass
class StageTimes:
    extract_s: float = 0.0
    normalize_s: float = 0.0
    validate_s: float = 0.0


#: files that changed or vanished between the scan and their reading: (path, sha256 or None
#: when vanished, size_bytes, modified_at); the flow corrects the scan with them
INBOX_UPDATES = "inbox_updates"
INBOX_UPDATE_COLUMNS = ["path", "sha256", "size_bytes", "modified_at"]
_EPOCH = datetime(1970, 1, 1)


@dataclass
class _Rows:
    tables: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in MODELS})
    inbox_updates: list[dict] = field(default_factory=list)

    def add(self, table: str, row: dict) -> None:
        self.tables[table].append(row)


def normalize_files(files: list[SourceFile], options: NormalizeOptions,
                    times: StageTimes | None = None) -> dict[str, pd.DataFrame]:
    """Frames of the raw tables for `files`, plus INBOX_UPDATES: the files whose content is no
    longer what the scan hashed (changed: processed as they are now; vanished: left out)."""
    times = times or StageTimes()
    rows = _Rows()
    done: set[str] = set()
    for f in files:
        t0 = time.perf_counter()
        data, f = _read_source(rows, f)
        if f is None or f.sha256 in done:
            times.extract_s += time.perf_counter() - t0
            continue  # vanished, or changed into a content this batch already holds
        done.add(f.sha256)
        if data is None:
            _reject(rows, f, "too_large", "文件过大，不像是绩效目标表，请检查后重新提交。")
            times.extract_s += time.perf_counter() - t0
            continue
        try:
            doc = read_docx_bytes(data, source=f.abs_path)
        except ExtractError as e:
            _reject(rows, f, e.code, e.message)
            times.extract_s += time.perf_counter() - t0
            continue
        except Exception as e:  # noqa: BLE001 - one broken file must not stop the batch
            log.exception("extract failed for %s", f.path)
            _reject(rows, f, "corrupt", f"文件无法解析（{type(e).__name__}），请用Word重新保存为.docx后提交。")
            times.extract_s += time.perf_counter() - t0
            continue
        finally:
            del data
        t1 = time.perf_counter()
        times.extract_s += t1 - t0
        try:
            _normalize_document(rows, f, doc, options)
        except Exception as e:  # noqa: BLE001
            log.exception("normalize failed for %s", f.path)
            _reject(rows, f, "unreadable_form", f"表格结构无法识别（内部错误：{type(e).__name__}），请联系财政局处理。")
        times.normalize_s += time.perf_counter() - t1
    t2 = time.perf_counter()
    frames = validate(_frames(rows))
    times.validate_s += time.perf_counter() - t2
    frames[INBOX_UPDATES] = pd.DataFrame(rows.inbox_updates, columns=INBOX_UPDATE_COLUMNS)
    return frames


def _read_source(rows: _Rows, f: SourceFile) -> tuple[bytes | None, SourceFile | None]:
    """The file's bytes, read once, and the SourceFile naming their actual sha256.

    A file that vanished since the scan gives (None, None) and an update removing its path; a
    file whose bytes no longer hash to the scanned sha256 (rewritten, or copied in while the
    run scanned) is processed as it is now, under its new sha256, with an update of its scan
    row. A file too large to be a form gives (None, f) without being read."""
    try:
        st = os.stat(f.abs_path)
        if not stat.S_ISREG(st.st_mode):
            raise FileNotFoundError(f.abs_path)
        if st.st_size > MAX_FILE_BYTES:
            return None, f
        with open(f.abs_path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        log.warning("%s vanished after the scan; it is no longer in the inbox", f.path)
        rows.inbox_updates.append({"path": f.path, "sha256": None, "size_bytes": None, "modified_at": None})
        return None, None
    if len(data) > MAX_FILE_BYTES:
        return None, f
    digest = hashlib.sha256(data).hexdigest()
    if digest != f.sha256:
        log.warning("%s changed after the scan; reading it as it is now", f.path)
        # the size and time of the stat before reading: any later write makes the next scan re-hash
        rows.inbox_updates.append({"path": f.path, "sha256": digest, "size_bytes": len(data),
                                   "modified_at": _EPOCH + timedelta(microseconds=st.st_mtime_ns // 1000)})
        f = replace(f, sha256=digest)
    return data, f


def _reject(rows: _Rows, f: SourceFile, code: str, message: str, forms: int = 0) -> None:
    rows.add("contents", {"sha256": f.sha256, "outcome": "rejected", "reason": code,
                          "message": f"《{_name(f)}》{message}", "forms": forms, "source_path": f.path})
    rows.add("raw_findings", {"sha256": f.sha256, "submission_id": None, "severity": "error",
                              "check": code, "location": "文件", "message": f"《{_name(f)}》{message}"})


def _name(f: SourceFile) -> str:
    return PurePosixPath(f.path).name


def _normalize_document(rows: _Rows, f: SourceFile, doc, options: NormalizeOptions) -> None:
    if not doc.tables:
        _reject(rows, f, "no_tables", "文档中没有表格，不是绩效目标表，请核对后重新提交。")
        return
    forms = read_forms(doc)
    target_forms = [x for x in forms if x.form_type and not x.not_target_form]
    if not target_forms:
        other = next((x.not_target_form for x in forms if x.not_target_form), None)
        if other:
            _reject(rows, f, "not_a_target_form",
                    f"表格含有“{other}”等栏目，是绩效自评表或其他表格，不是绩效目标表，未入库。")
        else:
            seen = "、".join(dict.fromkeys(lab for x in forms for lab in x.labels_seen[:12])) or "无"
            _reject(rows, f, "unrecognized_form",
                    f"未能识别为绩效目标表：找到的栏目有“{seen[:200]}”，应有“部门（单位）名称”或“项目名称”以及一级/二级/三级指标表。")
        return
    accepted, first_error = 0, None
    for form in target_forms:
        error = _normalize_form(rows, f, form, options)
        if error is None:
            accepted += 1
        elif first_error is None:
            first_error = error
    if accepted:
        rows.add("contents", {"sha256": f.sha256, "outcome": "ok", "reason": None, "message": None,
                              "forms": accepted, "source_path": f.path})
    else:
        code, message = first_error
        rows.add("contents", {"sha256": f.sha256, "outcome": "rejected", "reason": code,
                              "message": message, "forms": 0, "source_path": f.path})


def _normalize_form(rows: _Rows, f: SourceFile, form: FormRecord, options: NormalizeOptions):
    """Add one form's rows; return (code, message) when the form must be rejected."""
    where = f"第{form.form_index + 1}张表"
    fields = form.fields
    department = fields.get("department")
    if not department:
        msg = f"《{_name(f)}》{where}缺少“部门（单位）名称”，无法确定填报部门，请补填后重新提交。"
        rows.add("raw_findings", _finding(f, None, Finding("error", "missing_department", where, msg)))
        return "missing_department", msg
    year = resolve_year(form, f.path, options.default_year)
    if year.year is None:
        msg = (f"《{_name(f)}》{where}（{department}）没有写明预算年度，文件夹和文件名中也没有年份，"
               "请在标题中注明年度（如“2024年度”）或放入年度文件夹后重新提交。")
        rows.add("raw_findings", _finding(f, None, Finding("error", "missing_year", where, msg)))
        return "missing_year", msg
    budget_year = year.year
    sid = f"{f.sha256[:16]}-{form.form_index}"
    hints = list(reversed(PurePosixPath(f.path).parts))
    region = infer_region(department, hints=hints, default_province=options.default_province)
    findings: list[Finding] = list(year.findings)
    if region is None:
        findings.append(Finding("warning", "region_unknown", "部门名称",
                                f"无法从部门名称“{department}”或文件夹名判断所属地区，请在名称中写明省/市/县。"))
    project_key = fields.get("project_code") or fields.get("project_name") or ""
    rows.add("raw_submissions", {
        "sha256": f.sha256, "form_index": form.form_index, "submission_id": sid,
        "form_type": form.form_type, "layout": form.layout, "budget_year": budget_year,
        "year_source": year.source, "department": department,
        "province": region.province if region else None, "city": region.city if region else None,
        "county": region.county if region else None,
        "admin_level": region.admin_level if region else None,
        "region_code": region.region_code if region else None,
        "filer": fields.get("filer"), "phone": fields.get("phone"),
        "project_name": fields.get("project_name"), "project_code": fields.get("project_code"),
        "supervising_department": fields.get("supervising_department"),
        "executing_unit": fields.get("executing_unit"),
        "long_term_until": form.long_term_until,
        "logical_key": "|".join([form.form_type, department, str(budget_year),
                                 project_key if form.form_type == "project" else ""]),
    })
    for line in form.funding:
        amount = checks.amount(line.amount_raw)
        share = checks.amount(line.share_raw)
        location = f"表{line.table + 1} 第{line.row + 1}行 第{line.col + 1}列"
        if line.amount_raw.strip() and amount is None:
            findings.append(Finding("warning", "funding_value_unparsed", location,
                                    f"资金“{line.category}”的金额“{line.amount_raw.strip()}”不是数字，未计入。"))
        rows.add("raw_funding", {
            "submission_id": sid, "fiscal_year": fiscal_year(line.period, budget_year),
            "direction": line.direction, "category": line.category, "is_total": line.category == "合计",
            "amount_wan": None if amount is None else round(amount * form.money_factor, 4),
            "share_pct": share, "source_table": line.table, "source_row": line.row, "source_col": line.col,
        })
    for seq, goal in enumerate(form.goals):
        rows.add("raw_goals", {"submission_id": sid, "horizon": goal.horizon, "code": goal.code,
                               "seq": seq, "text": goal.text})
    for seq, task in enumerate(form.tasks):
        rows.add("raw_tasks", _task_row(sid, seq, task, form.money_factor))
    first_indicator = len(rows.tables["raw_indicators"])
    for cell in form.indicators:
        value = parse_value(cell.value_raw)
        unit, comparator = value.unit, value.comparator
        if value.kind == "quantitative":
            unit = unit or cell.unit_hint
            hinted = COMPARATOR_WORDS.get(cell.comparator_hint or "")
            if hinted and comparator in (None, "="):
                comparator = hinted
        fy = fiscal_year(cell.period, budget_year)
        rows.add("raw_indicators", {
            "submission_id": sid, "horizon": cell.horizon, "goal": cell.goal,
            "level1": cell.level1 or None, "level2": cell.level2 or None, "name": cell.name,
            "basis": cell.basis, "category": cell.category, "fiscal_year": fy,
            "is_target": cell.horizon == "long_term" or fy == budget_year,
            "value_raw": cell.value_raw, "value_num": value.num, "value_num_max": value.num_max,
            "value_unit": unit, "comparator": comparator, "value_kind": value.kind,
            "source_table": cell.table, "source_row": cell.row, "source_col": cell.col,
        })
    findings.extend(checks.form_findings(form, budget_year))
    findings.extend(review.review_form(form, rows.tables["raw_indicators"][first_indicator:], budget_year,
                                       options.review))
    for finding in findings + form.findings:
        rows.add("raw_findings", _finding(f, sid, finding))
    return None


def _task_row(sid: str, seq: int, task, money_factor: float) -> dict:
    def wan(category: str):
        amount = checks.amount(task.amounts_raw.get(category, ""))
        return None if amount is None else round(amount * money_factor, 4)
    return {"submission_id": sid, "seq": seq, "task": task.task, "content": task.content or None,
            "amount_total_wan": wan("合计"), "amount_fiscal_wan": wan("财政拨款"),
            "amount_other_wan": wan("其他资金"), "source_table": task.table, "source_row": task.row}


def _finding(f: SourceFile, sid: str | None, finding: Finding) -> dict:
    message = finding.message
    if not message.startswith("《"):  # every message names the file for the clerk
        message = f"《{_name(f)}》{message}"
    return {"sha256": f.sha256, "submission_id": sid, "severity": finding.severity,
            "check": finding.check, "location": finding.location, "message": message}


# -- frames and validation ------------------------------------------------------------------

def _frames(rows: _Rows) -> dict[str, pd.DataFrame]:
    frames = {}
    for name, model in MODELS.items():
        columns = list(model.to_schema().columns)
        frames[name] = pd.DataFrame(rows.tables[name], columns=columns)
    return frames


def validate(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Validate every frame of the batch at once. Rows that fail take their form (or, for
    file-level rows, their file) out of the batch, named in an error finding; the rest load."""
    bad_forms: dict[str, str] = {}
    bad_files: dict[str, str] = {}
    valid: dict[str, pd.DataFrame] = {}
    for name, model in MODELS.items():
        try:
            valid[name] = model.validate(frames[name], lazy=True)
        except pandera.errors.SchemaErrors as err:
            df = frames[name]
            for case in err.failure_cases.to_dict("records"):
                idx = case.get("index")
                if idx is None or pd.isna(idx):
                    raise  # a whole-column failure is a bug in this module, not bad input
                row = df.iloc[int(idx)]
                what = f"{case.get('column') or name}：{case.get('check')}（{case.get('failure_case')}）"
                sid = row.get("submission_id")
                if isinstance(sid, str):
                    bad_forms.setdefault(sid, what)
                else:
                    bad_files.setdefault(row["sha256"], what)
    if not (bad_forms or bad_files):
        return valid  # the common case: every frame passed, validated once
    frames = _drop(frames, bad_forms, bad_files)
    return {name: model.validate(frames[name], lazy=True) for name, model in MODELS.items()}


def _drop(frames: dict[str, pd.DataFrame], bad_forms: dict[str, str],
          bad_files: dict[str, str]) -> dict[str, pd.DataFrame]:
    subs = frames["raw_submissions"]
    # a file whose rows fail loses all its forms
    bad = set(bad_forms) | set(subs.loc[subs["sha256"].isin(bad_files), "submission_id"])
    new_findings = []
    for s in subs[subs["submission_id"].isin(bad)].to_dict("records"):
        why = bad_forms.get(s["submission_id"]) or bad_files.get(s["sha256"], "")
        where = f"第{int(s['form_index']) + 1}张表"
        new_findings.append({
            "sha256": s["sha256"], "submission_id": None, "severity": "error", "check": "schema_invalid",
            "location": where,
            "message": f"{where}（{s['department']}）有不符合入库规则的内容：{why}。该表未入库，请核对后重新提交。"})
    out = {}
    for name, df in frames.items():
        keep = pd.Series(True, index=df.index)
        if "submission_id" in df.columns:
            keep &= ~df["submission_id"].isin(bad)
        if name == "raw_findings":
            keep &= ~df["sha256"].isin(bad_files) | df["submission_id"].isna()
        out[name] = df[keep].reset_index(drop=True)
    out["raw_findings"] = pd.concat(
        [out["raw_findings"], pd.DataFrame(new_findings, columns=frames["raw_findings"].columns)],
        ignore_index=True)
    # contents: recount forms; a content left without forms is rejected
    contents = out["contents"].copy()
    counts = out["raw_submissions"].groupby("sha256").size()
    ok = contents["outcome"].eq("ok")
    contents.loc[ok, "forms"] = contents.loc[ok, "sha256"].map(counts).fillna(0).astype(int).to_numpy()
    lost = ok & contents["forms"].eq(0)
    contents.loc[lost, "outcome"] = "rejected"
    contents.loc[lost, "reason"] = "schema_invalid"
    contents.loc[lost, "message"] = "表格内容未通过入库校验，未入库，请核对后重新提交。"
    out["contents"] = contents
    return out
