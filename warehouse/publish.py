"""Crash-safe private copy and atomic publish of one DuckDB file. Knows no table.

* ``PrivateCopy.open`` takes an exclusive ``fcntl.flock`` on ``<db>.lock`` for the whole run (a
  second run waits, or raises :class:`WarehouseBusy` with ``wait=False``), deletes leftovers of a
  killed run and copies the published file (if any) to a private ``<db>.building``; the run
  writes only there.
* The private copy is written in the storage format of ``STORAGE_VERSION``, so DuckDB releases
  older than the one writing can open the published file (dashboard drivers bundle them). A
  published file in another format is not copied byte for byte: the copy starts empty in the
  target format with the published file attached read-only as ``previous``, and the caller
  carries over what it needs (``carry_over``), then calls ``drop_previous``.
* ``publish`` checkpoints, closes, fsyncs and ``os.replace``-s the private file onto the published
  path; ``abort`` deletes it.

So a run killed at any moment leaves the published file untouched, and readers
(``duckdb.connect(db, read_only=True)``) never meet the writer's DuckDB lock: the writer never
opens the published file for writing. A reader open while a run publishes keeps the previous
state until it reconnects. Only the lock file stays next to the database (never delete it by
hand while a run is active).
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sys
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

#: the storage format of the published file: DuckDB 1.3 and later open it (issue 11)
STORAGE_VERSION = "v1.3.0"
PREVIOUS = "previous"


class WarehouseBusy(Exception):
    """Another run holds the warehouse lock (raised by ``open(..., wait=False)``)."""


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _acquire_lock(lock_path: Path, run_id: str, wait: bool) -> int:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            if not wait:
                raise WarehouseBusy(
                    f"another ingestion run holds {lock_path} ({holder}); 另一个入库任务正在运行"
                ) from None
            msg = f"waiting for the ingestion run holding {lock_path} ({holder}) / 等待另一个入库任务结束…"
            log.warning(msg)
            if not log.hasHandlers():
                print(msg, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} run {run_id}\n".encode(), 0)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _release_lock(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def storage_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The storage format of the connection's database, as DuckDB tags it ('v1.3.0+')."""
    row = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchall()
    return row[0][0] if row else None


def _matches(tag: str | None, version: str) -> bool:
    return (tag or "").rstrip("+") == version


class PrivateCopy:
    """One run's exclusive private copy of ``db_path``. ``con`` writes the copy."""

    def __init__(self, db_path: Path, run_id: str, lock_fd: int, building: Path,
                 con: duckdb.DuckDBPyConnection, previous: Path | None):
        self.db_path = db_path
        self.run_id = run_id
        self.building = building
        self._lock_fd: int | None = lock_fd
        self._con: duckdb.DuckDBPyConnection | None = con
        self._previous = previous
        self.published = False

    @classmethod
    def open(cls, db_path: Path, run_id: str, wait: bool = True,
             version: str = STORAGE_VERSION) -> "PrivateCopy":
        db_path = Path(db_path).absolute()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = _acquire_lock(db_path.with_name(db_path.name + ".lock"), run_id, wait)
        building = db_path.with_name(db_path.name + ".building")
        previous = db_path.with_name(db_path.name + ".previous")
        con = None
        try:
            for leftover in (building, wal(building), previous, wal(previous)):  # of a killed run
                _remove(leftover)
            if db_path.exists():
                shutil.copyfile(db_path, building)
                if wal(db_path).exists():  # someone wrote the published file directly
                    log.warning("%s has a WAL file; carrying it into this run", db_path)
                    shutil.copyfile(wal(db_path), wal(building))
            con = duckdb.connect(str(building), config={"storage_compatibility_version": version})
            if db_path.exists() and not _matches(storage_version(con), version):
                # DuckDB keeps an existing file's format: start a new file in the target format
                # and let the caller carry the previous contents over
                log.warning("%s is in storage format %s; rewriting it as %s", db_path, storage_version(con), version)
                con.close()
                con = None
                os.replace(building, previous)
                if wal(building).exists():
                    os.replace(wal(building), wal(previous))
                con = duckdb.connect(str(building), config={"storage_compatibility_version": version})
                con.execute(f"ATTACH '{_sql_str(previous)}' AS {PREVIOUS} (READ_ONLY)")
            else:
                previous = None
        except BaseException:
            if con is not None:
                con.close()
            for path in (building, wal(building), previous, wal(previous)):
                if path is not None:
                    _remove(path)
            _release_lock(lock_fd)
            raise
        return cls(db_path, run_id, lock_fd, building, con, previous)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("this run is finished (published or aborted)")
        return self._con

    @property
    def previous(self) -> str | None:
        """Catalog name of the published file attached read-only when its storage format
        differs (carry its contents over, then ``drop_previous``); None when copied as is."""
        return PREVIOUS if self._previous is not None else None

    def drop_previous(self) -> None:
        if self._previous is None:
            return
        self.con.execute(f"DETACH {PREVIOUS}")
        _remove(self._previous)
        _remove(wal(self._previous))
        self._previous = None

    def publish(self) -> None:
        """Checkpoint and close the private copy, then atomically replace the published file."""
        try:
            self.drop_previous()
            con = self.con
            con.execute("CHECKPOINT")
            con.close()
            self._con = None
            if wal(self.building).exists():  # CHECKPOINT + close leave none; be sure
                raise RuntimeError(f"{wal(self.building)} remained after checkpoint")
            _fsync_file(self.building)
            _remove(wal(self.db_path))  # a WAL of the old file must never meet the new one
            os.replace(self.building, self.db_path)
            _fsync_dir(self.db_path.parent)
        except BaseException:
            self.abort()
            raise
        self.published = True
        self._unlock()

    def abort(self) -> None:
        """Discard this run: the published file stays as it was."""
        if self._con is not None:
            try:
                self._con.close()
            except duckdb.Error:  # pragma: no cover
                pass
            self._con = None
        if not self.published:
            for path in (self.building, wal(self.building)):
                _remove(path)
        if self._previous is not None:
            _remove(self._previous)
            _remove(wal(self._previous))
            self._previous = None
        self._unlock()

    @property
    def finished(self) -> bool:
        return self._con is None and self._lock_fd is None

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            _release_lock(fd)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")
