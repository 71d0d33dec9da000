"""Scan: every entry under the inbox, with its content hash and what to do with it.

Re-runs are cheap: a path whose size and modification time match the last scan keeps its
known sha256 without being read again; only new or changed files are hashed. File names are
walked as bytes, so a GBK name from a Windows zip never stops the scan; symlinks to files and
folders are followed, with loop protection.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

# Files we try to read as Word documents. .doc/.wps are read far enough to tell the clerk
# to save them as .docx (legacy_format) rather than being silently ignored.
#: what may hold a form (the format itself is told by content, extractors.dispatch)
DOCUMENT_SUFFIXES = {".docx", ".docm", ".dotx", ".doc", ".wps", ".dot", ".rtf", ".odt",
                     ".xlsx", ".xlsm", ".xls", ".et", ".ods", ".pdf"}
EPOCH = datetime(1970, 1, 1)
SCAN_COLUMNS = ["path", "sha256", "size_bytes", "modified_at", "kind", "ignore_reason"]


def mtime_of(st: os.stat_result) -> datetime:
    """The modification time as a naive UTC datetime, exact to the µs (the one epoch conversion)."""
    return EPOCH + timedelta(microseconds=st.st_mtime_ns // 1000)


def micros(values: pd.Series) -> pd.Series:
    """µs since the epoch of naive UTC timestamps (to compare with mtime_of)."""
    return pd.to_datetime(values).astype("datetime64[us]").astype("int64")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class ScannedFile:
    path: str  # relative to the inbox, POSIX separators, decoded for people
    abs_path: str  # openable (undecodable bytes kept by surrogateescape)
    size_bytes: int | None
    modified_at: datetime | None
    sha256: str | None  # None when the file could not be read
    kind: str  # document | ignored
    ignore_reason: str | None
    #: path-level findings: (catalog code, detail), e.g. ("file_name_not_utf8", "GBK")
    notes: tuple[tuple[str, str], ...] = ()


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


def decode_name(raw: bytes) -> tuple[str, str | None]:
    """A file-name component for people, and the encoding used when it was not UTF-8."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    for encoding in ("gbk", "gb18030"):
        try:
            return raw.decode(encoding), encoding.upper()
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace"), "unknown"


def scan_inbox(inbox: str | Path, known: pd.DataFrame | None = None,
               started_at: datetime | None = None) -> list[ScannedFile]:
    """Walk the inbox (sorted, so every run sees files in the same order).

    ``started_at`` (naive UTC, default now): an mtime later than the run's start counts as
    the start (a clock-skewed PC must not pin its version as the newest for good), and a path
    already scanned with that content keeps the time recorded when it was first seen."""
    started_at = started_at or utcnow()
    cache: dict[str, tuple[int, int, str, object]] = {}
    if known is not None and len(known):
        # rows without a size or time (broken links, non-regular entries) have nothing to reuse
        known = known[known["size_bytes"].notna() & known["modified_at"].notna()]
        us = micros(known["modified_at"])
        cache = dict(zip(known["path"].tolist(),
                         zip(known["size_bytes"].astype("int64").tolist(), us.tolist(),
                             known["sha256"].tolist(), known["modified_at"].tolist())))
    out: list[ScannedFile] = []
    seen: set[str] = set()
    root = os.fsencode(os.path.abspath(inbox))
    st = os.stat(root)
    _walk(root, (), {(st.st_dev, st.st_ino)}, cache, started_at, out, seen)
    return out


def _walk(folder: bytes, parts: tuple[tuple[str, str | None], ...], ancestors: set,
          cache: dict, started_at: datetime, out: list[ScannedFile], seen: set[str]) -> None:
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return  # vanished while walking
    except OSError:
        return  # an unreadable folder: its files cannot be listed (nor lost: never seen)
    for raw in names:
        full = os.path.join(folder, raw)
        here = parts + (decode_name(raw),)
        try:
            lst = os.lstat(full)
        except FileNotFoundError:
            continue  # vanished between listing and stat: no longer in the inbox
        target = lst
        link_problem = None
        if stat.S_ISLNK(lst.st_mode):
            try:
                target = os.stat(full)
            except FileNotFoundError:
                link_problem = "broken_symlink"
            except OSError as e:
                link_problem = "symlink_loop" if e.errno == errno.ELOOP else "broken_symlink"
        if link_problem is None and stat.S_ISDIR(target.st_mode):
            key = (target.st_dev, target.st_ino)
            if key in ancestors:  # a link back up the tree
                link_problem = "symlink_loop"
            else:
                _walk(full, here, ancestors | {key}, cache, started_at, out, seen)
                continue
        rel = _unique("/".join(p for p, _ in here), raw, seen)
        notes = tuple(("file_name_not_utf8", enc) for enc in dict.fromkeys(e for _, e in here if e))
        abs_path = os.fsdecode(full)
        if link_problem:
            out.append(ScannedFile(rel, abs_path, None, None, None, "ignored", link_problem, notes))
            continue
        if not stat.S_ISREG(target.st_mode):
            out.append(ScannedFile(rel, abs_path, None, None, None, "ignored", "not_a_regular_file", notes))
            continue
        scanned = _file(rel, abs_path, here[-1][0], target, cache, started_at, notes)
        if scanned is not None:  # None: vanished while being hashed
            out.append(scanned)


def _unique(rel: str, raw: bytes, seen: set[str]) -> str:
    # a decoded GBK name may equal a UTF-8 name beside it: the escaped form keeps paths unique
    if rel in seen:
        rel = rel.rsplit("/", 1)[0] + "/" + raw.decode("utf-8", "backslashreplace") if "/" in rel \
            else raw.decode("utf-8", "backslashreplace")
    while rel in seen:
        rel += "~"
    seen.add(rel)
    return rel


def _file(rel: str, abs_path: str, name: str, st: os.stat_result, cache: dict,
          started_at: datetime, notes: tuple) -> ScannedFile | None:
    mtime = mtime_of(st)
    us = st.st_mtime_ns // 1000
    future = mtime > started_at
    if future:
        notes = notes + (("future_mtime", mtime.isoformat(sep=" ")),)
    kind, reason = classify(name)
    hit = cache.get(rel)
    if not future and hit and hit[0] == st.st_size and hit[1] == us and isinstance(hit[2], str):
        digest = hit[2]
    else:
        try:
            digest = sha256_of(abs_path)
        except FileNotFoundError:
            return None
        except OSError:  # no read permission, locked by another program, I/O error
            # still accounted for in `files` (ignored, reason unreadable); read next run
            return ScannedFile(rel, abs_path, st.st_size, min(mtime, started_at), None, "ignored", "unreadable", notes)
    if future:
        # the same content seen before keeps its first (clamped) time; a new one gets this run's start
        same = hit and hit[0] == st.st_size and hit[2] == digest and hit[3] is not None
        mtime = pd.Timestamp(hit[3]).to_pydatetime() if same else started_at
    return ScannedFile(rel, abs_path, st.st_size, mtime, digest, kind, reason, notes)


def scan_frame(files: list[ScannedFile | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f.path, f.sha256, f.size_bytes, f.modified_at, f.kind, f.ignore_reason) for f in files if f],
        columns=SCAN_COLUMNS,
    )
