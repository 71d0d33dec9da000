"""Plan: which contents this run reads, and the scan frame to record. Pure: no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pandas as pd

from intake.read import SourceFile
from intake.scan import ScannedFile, scan_frame
from jixiao.catalog import sentence

FINDING_COLUMNS = ["sha256", "submission_id", "severity", "check", "location", "message"]
#: intake codes that become findings of the content a path holds
PATH_FINDINGS = ("file_name_not_utf8", "future_mtime")


@dataclass(frozen=True)
class IntakeState:
    """What the warehouse knows: the last scan (path, sha256, size_bytes, modified_at), the
    processed contents, the contents rejected for lack of a year, and the intake findings
    stored per content."""
    known: pd.DataFrame
    processed: frozenset[str] = frozenset()
    missing_year: frozenset[str] = frozenset()
    flagged: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class IntakePlan:
    files: list[SourceFile]  # one per content to read (its first path)
    scan: pd.DataFrame  # SCAN_COLUMNS, for Warehouse.record_scan
    findings: pd.DataFrame  # FINDING_COLUMNS: path-level findings of the contents read


def plan(scan: list[ScannedFile], state: IntakeState, settings=None, *,
         run_started_at=None) -> IntakePlan:
    """``settings``: anything with ``.year`` (None: no --year, contents missing a year stay)."""
    year = getattr(settings, "year", None)
    notes: dict[str, list[tuple[ScannedFile, str, str]]] = {}
    for f in scan:
        if f.sha256 and f.kind == "document":
            for code, detail in f.notes:
                notes.setdefault(f.sha256, []).append((f, code, detail))
    todo: dict[str, SourceFile] = {}
    for f in scan:
        if f.kind != "document" or f.sha256 in todo:
            continue
        if f.sha256 in state.processed:
            retry_year = year is not None and f.sha256 in state.missing_year
            codes_now = frozenset(c for _, c, _ in notes.get(f.sha256, ()))
            if not retry_year and codes_now == state.flagged.get(f.sha256, frozenset()):
                continue
        todo[f.sha256] = SourceFile(f.path, f.abs_path, f.sha256)
    rows = []
    for sha in todo:
        for f, code, detail in notes.get(sha, ()):
            name = PurePosixPath(f.path).name
            if code == "file_name_not_utf8":
                msg = f"《{f.path}》" + sentence(code, encoding=detail)
                where = "文件名"
            else:
                msg = f"《{name}》" + sentence(code, modified_at=detail,
                               run_started_at=str(run_started_at or f.modified_at))
                where = "修改时间"
            rows.append((sha, None, "warning", code, where, msg))
    return IntakePlan(list(todo.values()), scan_frame(scan), pd.DataFrame(rows, columns=FINDING_COLUMNS))
