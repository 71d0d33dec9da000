"""Reading a file's bytes for the normalize stage, every outcome a value (never an exception).

This is the seam to intake: intake.read_source(SourceFile) answers the same question with the
same kinds of value; at merge `read_source` below is replaced by it and this module goes.
"""
from __future__ import annotations

import hashlib
import logging
import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from extractors.docx_reader import MAX_FILE_BYTES
from transforms.normalize.model import SourceFile

log = logging.getLogger(__name__)
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class SourceBytes:
    """The bytes hash to the sha256 the scan recorded."""

    file: SourceFile
    data: bytes


@dataclass(frozen=True, slots=True)
class Changed:
    """Rewritten (or copied in while the run scanned): read as it is now, under its new sha256
    (`file.sha256`); size and time are those of the stat before reading, so any later write
    makes the next scan hash it again."""

    file: SourceFile
    data: bytes
    size_bytes: int
    modified_at: datetime


@dataclass(frozen=True, slots=True)
class Vanished:
    file: SourceFile


@dataclass(frozen=True, slots=True)
class TooLarge:
    """Far larger than a form: not read at all."""

    file: SourceFile
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Unreadable:
    """No read permission, locked, an I/O error: read again by the next run."""

    file: SourceFile
    error: str


Source = SourceBytes | Changed | Vanished | TooLarge | Unreadable


def read_source(f: SourceFile) -> Source:
    """The file's bytes, read once, or why there are none."""
    try:
        st = os.stat(f.abs_path)
        if not stat.S_ISREG(st.st_mode):
            return Vanished(f)
        if st.st_size > MAX_FILE_BYTES:
            return TooLarge(f, st.st_size)
        with open(f.abs_path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        log.warning("%s vanished after the scan; it is no longer in the inbox", f.path)
        return Vanished(f)
    except OSError as e:
        log.warning("%s could not be read (%s); the next run reads it again", f.path, e)
        return Unreadable(f, type(e).__name__)
    if len(data) > MAX_FILE_BYTES:
        return TooLarge(f, len(data))
    digest = hashlib.sha256(data).hexdigest()
    if digest != f.sha256:
        log.warning("%s changed after the scan; reading it as it is now", f.path)
        return Changed(replace(f, sha256=digest), data, len(data),
                       _EPOCH + timedelta(microseconds=st.st_mtime_ns // 1000))
    return SourceBytes(f, data)
