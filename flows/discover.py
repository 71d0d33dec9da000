"""Discover: every regular file under the inbox, with its content hash and what to do with it.

Re-runs are cheap: a path whose size and modification time match the last scan keeps its
known sha256 without being read again; only new or changed files are hashed.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

# Files we try to read as Word documents. .doc/.wps are read far enough to tell the clerk
# to save them as .docx (legacy_format) rather than being silently ignored.
DOCUMENT_SUFFIXES = {".docx", ".docm", ".dotx", ".doc", ".wps", ".dot"}
EPOCH = datetime(1970, 1, 1)
SCAN_COLUMNS = ["path", "sha256", "size_bytes", "modified_at", "kind", "ignore_reason"]


@dataclass(frozen=True, slots=True)
class ScannedFile:
    path: str  # relative to the inbox, POSIX separators
    abs_path: str
    sha256: str | None  # None when the file could not be read
    size_bytes: int
    modified_at: datetime
    kind: str  # document | ignored
    ignore_reason: str | None


def classify(name: str) -> tuple[str, str | None]:
    if name.startswith("~$"):
        return "ignored", "word_lock_file"
    if name.startswith(".") or Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
        return "ignored", "not_a_document"
    return "document", None


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scan_inbox(inbox: str | Path, known: pd.DataFrame | None = None) -> list[ScannedFile]:
    """Walk the inbox (sorted, so every run sees files in the same order)."""
    inbox = Path(inbox)
    cache: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime in µs since the epoch, sha256)
    if known is not None and len(known):
        micros = pd.to_datetime(known["modified_at"]).astype("datetime64[us]").astype("int64")
        # a file not read last time (unreadable, no sha256) is hashed again: see the isinstance check below
        cache = dict(zip(known["path"].tolist(),
                         zip(known["size_bytes"].astype("int64").tolist(), micros.tolist(), known["sha256"].tolist())))
    out: list[ScannedFile] = []
    for root, dirs, files in os.walk(inbox):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            try:
                st = os.stat(full, follow_symlinks=False)
            except FileNotFoundError:
                continue  # vanished between listing and stat: it is no longer in the inbox
            if not stat.S_ISREG(st.st_mode):
                continue
            rel = Path(full).relative_to(inbox).as_posix()
            micros = st.st_mtime_ns // 1000
            mtime = EPOCH + timedelta(microseconds=micros)  # naive UTC, exact to the µs
            kind, reason = classify(name)
            hit = cache.get(rel)
            if hit and hit[0] == st.st_size and hit[1] == micros and isinstance(hit[2], str):
                digest = hit[2]
            else:
                try:
                    digest = sha256_of(full)
                except FileNotFoundError:
                    continue  # vanished while being hashed: no longer in the inbox
                except OSError:  # no read permission, locked by another program, I/O error
                    # still accounted for in `files` (ignored, reason unreadable); read next run
                    out.append(ScannedFile(rel, full, None, st.st_size, mtime, "ignored", "unreadable"))
                    continue
            out.append(ScannedFile(rel, full, digest, st.st_size, mtime, kind, reason))
    return out


def scan_frame(files: list[ScannedFile]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f.path, f.sha256, f.size_bytes, f.modified_at, f.kind, f.ignore_reason) for f in files],
        columns=SCAN_COLUMNS,
    )
