"""What the normalize stage takes (SourceFile, NormalizeOptions) and hands to the loader
(NormalizedBatch)."""
from __future__ import annotations


from dataclasses import dataclass, field

import pandas as pd

from intake.read import SourceFile  # noqa: F401 - what the stage reads, planned by intake

from transforms.review import ReviewConfig

#: inbox_corrections columns: files that changed or vanished between the scan and their
#: reading (sha256 None = vanished); the loader corrects the scan with them
CORRECTION_COLUMNS = ["path", "sha256", "size_bytes", "modified_at"]
#: stage_seconds keys
STAGES = ("extract", "normalize", "validate")


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    default_year: int | None = None
    default_province: str | None = None
    review: ReviewConfig = field(default_factory=ReviewConfig)
    #: converted .docx of .doc/.wps/.xls/… cached by source sha256 (next to the warehouse); None: temporary
    convert_cache_dir: str | None = None
    soffice: str | None = None  # LibreOffice's soffice; None: found on PATH
    convert_timeout_s: float = 120.0  # per file
    direct_readers: bool = True  # False: .doc/.wps/.xls/.et all through LibreOffice


@dataclass
class NormalizedBatch:
    """The hand-off of one batch to the loader, like a dlt load package: validated frames per
    raw table (columns exactly the pandera models'), the scan corrections and stage times."""

    run_id: str
    frames: dict[str, pd.DataFrame]  # raw table name → frame (contents, raw_submissions, ...)
    inbox_corrections: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CORRECTION_COLUMNS))
    stage_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def contents(self) -> pd.DataFrame:
        return self.frames["contents"]
