"""Read a planned file's bytes safely: every outcome is a value, never an exception."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime

from intake.scan import mtime_of

#: a form is a few hundred KB; far larger is not a form (extractors keep the same bound)
MAX_SOURCE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # relative to the inbox, POSIX separators
    abs_path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class SourceBytes:
    file: SourceFile
    data: bytes


@dataclass(frozen=True, slots=True)
class Changed:
    """Rewritten since the scan: read as it is now, under its new sha256."""
    file: SourceFile  # with the new sha256
    data: bytes
    size_bytes: int
    modified_at: datetime  # of the stat before reading: a later write makes the next scan re-hash


@dataclass(frozen=True, slots=True)
class Vanished:
    file: SourceFile


@dataclass(frozen=True, slots=True)
class TooLarge:
    file: SourceFile
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Unreadable:
    file: SourceFile
    error: str


def read_source(f: SourceFile) -> SourceBytes | Changed | Vanished | TooLarge | Unreadable:
    try:
        st = os.stat(f.abs_path)
        if not stat.S_ISREG(st.st_mode):
            return Vanished(f)
        if st.st_size > MAX_SOURCE_BYTES:
            return TooLarge(f, st.st_size)
        with open(f.abs_path, "rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)
    except FileNotFoundError:
        return Vanished(f)
    except OSError as e:  # permission, lock, I/O error
        return Unreadable(f, f"{type(e).__name__}: {e.strerror or e}")
    if len(data) > MAX_SOURCE_BYTES:
        return TooLarge(f, len(data))
    digest = hashlib.sha256(data).hexdigest()
    if digest != f.sha256:
        return Changed(replace(f, sha256=digest), data, len(data), mtime_of(st))
    return SourceBytes(f, data)
