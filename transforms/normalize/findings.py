"""raw_findings rows: every finding of a file or form, its sentence naming the file."""
from __future__ import annotations

from pathlib import PurePosixPath

import pandas as pd

from jixiao.catalog import code, sentence
from transforms.normalize.model import SourceFile
from transforms.normalize.rows import FindingRow
from transforms.records import Finding

FILE_LOCATION = "文件"


def file_name(path: str) -> str:
    return PurePosixPath(path).name


def named(path: str, message: str) -> str:
    """`message` with 《file name》 in front: every sentence names its file for the clerk."""
    return message if message.startswith("《") else f"《{file_name(path)}》{message}"


def finding_row(f: SourceFile, sid: str | None, finding: Finding) -> FindingRow:
    return FindingRow(f.sha256, sid, finding.severity, finding.check, finding.location, named(f.path, finding.message))


def file_error(f: SourceFile, check: str, message: str, location: str = FILE_LOCATION) -> FindingRow:
    """The error finding of a file (or a form) that does not load: code `check`, its sentence."""
    return FindingRow(f.sha256, None, code(check).severity, check, location, named(f.path, message))


def catalog_sentence(f: SourceFile, check: str, variant: str | None = None, **fields) -> str:
    return named(f.path, sentence(check, variant, **fields))


def with_intake_findings(frames: dict, findings: pd.DataFrame) -> None:
    """Add to a batch's raw_findings the path-level intake findings (non-UTF-8 name, future
    mtime; intake.plan) of the contents this batch holds."""
    if not len(findings) or "contents" not in frames:
        return
    mine = findings[findings["sha256"].isin(set(frames["contents"]["sha256"]))]
    if len(mine):
        frames["raw_findings"] = pd.concat([frames["raw_findings"], mine], ignore_index=True)
