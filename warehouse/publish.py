"""Crash-safe private copy and atomic publish of one DuckDB file. Knows no table.

* ``PrivateCopy.open`` takes an exclusive ``fcntl.flock`` on ``<db>.lock`` for the whole run (a
  second run waits, or raises :class:`WarehouseBusy` with ``wait=False``), deletes leftovers of a
  killed run and copies the published file (if any) to a private
  ``<db>.building-<pid>-<run_id>`` (a per-run name: a second run after a deleted lock can never
  take over this one's copy); the run writes only there. ``--db`` given as a symlink publishes
  to its target. A WAL beside the published file is a foreign read-write connection's: it is set
  aside, never replayed (``set_aside_foreign_wal``).
* The private copy is written in the storage format of ``STORAGE_VERSION``, so DuckDB releases
  older than the one writing can open the published file (dashboard drivers bundle them). A
  published file in another format is not copied byte for byte: the copy starts empty in the
  target format with the published file attached read-only as ``previous``, and the caller
  carries over what it needs (``carry_over``), then calls ``drop_previous``.
* ``publish`` checkpoints, closes, fsyncs and ``os.replace``-s the private file onto the published
  path, after re-checking that the lock file is still the one it locked (same inode; else
  :class:`LockLost` and nothing is published); ``abort`` deletes it.

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
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from jixiao import catalog

log = logging.getLogger(__name__)

#: the storage format of the published file: DuckDB 1.0 and later open it (issue 11; every public
#: view was read with DuckDB 1.0.0, 1.1.3, 1.2.2 and 1.3.2 from such a file)
STORAGE_VERSION = "v1.0.0"
PREVIOUS = "previous"


class WarehouseBusy(Exception):
    """Another run holds the warehouse lock (raised by ``open(..., wait=False)``)."""


class LockLost(RuntimeError):
    """The lock file was deleted or replaced during the run: another run may be writing (12.4)."""


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


# ----------------------------------------------------------------- issue 12.4, 12.6, 12.7
def resolve_db_path(db_path: str | Path) -> Path:
    """--db may be a symlink (a share, a dashboard's path): lock, build and publish at its
    target, so the publish replaces the target and the link keeps pointing at it (12.6)."""
    return Path(os.path.realpath(Path(db_path).absolute()))


def still_owns_lock(fd: int, lock_path: Path) -> bool:
    """The lock file at `lock_path` is still the one this run locked (same inode): nobody
    deleted or replaced it, so no second run can be writing beside us (12.4)."""
    try:
        held, now = os.fstat(fd), os.stat(lock_path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


#: private copies of runs open in this process (several runs share a process in tests)
_OPEN_COPIES: set[Path] = set()


def private_copy_name(db_path: Path, run_id: str) -> Path:
    """The run's private copy: its own name, so a second run (after a deleted lock) can never
    take over or delete the copy a first run is writing (12.4)."""
    return db_path.with_name(f"{db_path.name}.building-{os.getpid()}-{run_id}")


def remove_leftover_copies(db_path: Path) -> None:
    """Private copies of killed runs (and of the old shared ``<db>.building`` name); a copy
    whose run's process is still alive is left alone."""
    import glob

    for prefix in (db_path.name + ".building", db_path.name + ".previous"):
        for path in db_path.parent.glob(glob.escape(prefix) + "*"):
            rest = path.name[len(prefix):].removesuffix(".wal")
            pid = rest[1:].split("-", 1)[0] if rest.startswith("-") else ""
            if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
                continue
            if path in _OPEN_COPIES or path.with_name(path.name.removesuffix(".wal")) in _OPEN_COPIES:
                continue
            _remove(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_lock_holder(db_path: Path) -> int | None:
    """Pid of a process holding DuckDB's write lock on `db_path` (a read-write connection)."""
    import struct

    try:
        fd = os.open(db_path, os.O_RDONLY)
    except OSError:
        return None
    try:
        probe = struct.pack("hhqqi", fcntl.F_RDLCK, 0, 0, 0, 0)
        l_type, _, _, _, pid = struct.unpack("hhqqi", fcntl.fcntl(fd, fcntl.F_GETLK, probe))
        return pid if l_type == fcntl.F_WRLCK else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _who(pid: int | None, wal_path: Path) -> str:
    parts = []
    if pid is not None:
        try:
            import psutil

            proc = psutil.Process(pid)
            parts.append(f"pid {pid} {proc.name()} ({proc.username()})")
        except Exception:  # noqa: BLE001 - best effort: the name is for the sentence only
            parts.append(f"pid {pid}")
    try:
        import pwd

        st = wal_path.stat()
        owner = pwd.getpwuid(st.st_uid).pw_name
        when = datetime.fromtimestamp(st.st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        parts.append(f"user {owner}, last write {when}")
    except (OSError, KeyError):
        pass
    return "; ".join(parts) or "unknown writer"


def set_aside_foreign_wal(db_path: Path) -> str | None:
    """A WAL beside the published file is never ours (runs never write the published file):
    a read-write connection wrote it. It is renamed aside, never replayed into a run's copy
    nor left to break readers of the next published file (12.7). Returns the sentence saying
    whose writes were not kept (None: there was no WAL)."""
    path = wal(db_path)
    if not path.exists():
        return None
    who = _who(write_lock_holder(db_path), path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.foreign-{stamp}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:  # its writer checkpointed and removed it meanwhile
        return None
    sentence = (catalog.sentence("foreign_wal", who=who, aside=aside.name) + " / "
                f"a read-write connection wrote to the published warehouse ({who}); its writes were not kept "
                f"(WAL set aside as {aside.name})")
    log.warning("%s", sentence)
    if not log.hasHandlers():
        print(f"jixiao: {sentence}", file=sys.stderr, flush=True)
    return sentence


def storage_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The storage format of the connection's database, as DuckDB tags it ('v1.0.0+')."""
    row = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchall()
    return row[0][0] if row else None


def _matches(tag: str | None, version: str) -> bool:
    return (tag or "").rstrip("+") == version


class PrivateCopy:
    """One run's exclusive private copy of ``db_path``. ``con`` writes the copy."""

    def __init__(self, db_path: Path, run_id: str, lock_fd: int, building: Path,
                 con: duckdb.DuckDBPyConnection, previous: Path | None, foreign_wal: str | None = None):
        self.db_path = db_path
        self.lock_path = db_path.with_name(db_path.name + ".lock")
        #: the sentence of a foreign WAL set aside at open (whose writes were not kept), or None
        self.foreign_wal = foreign_wal
        self.run_id = run_id
        self.building = building
        self._lock_fd: int | None = lock_fd
        self._con: duckdb.DuckDBPyConnection | None = con
        self._previous = previous
        self.published = False

    @classmethod
    def open(cls, db_path: Path, run_id: str, wait: bool = True,
             version: str = STORAGE_VERSION) -> "PrivateCopy":
        from warehouse import recovery

        db_path = resolve_db_path(db_path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = _acquire_lock(db_path.with_name(db_path.name + ".lock"), run_id, wait)
        building = private_copy_name(db_path, run_id)
        previous = building.with_name(building.name.replace(".building", ".previous", 1))
        con = None
        foreign = None
        try:
            remove_leftover_copies(db_path)  # of killed runs: never reused
            foreign = set_aside_foreign_wal(db_path)
            existed = db_path.exists()
            _OPEN_COPIES.add(building)
            if existed:
                recovery.check_published(db_path)  # issue 12.10: damaged → one sentence, before any copy
                shutil.copyfile(db_path, building)
            try:
                con = duckdb.connect(str(building), config={"storage_compatibility_version": version})
                tag = storage_version(con)
            except duckdb.Error as e:
                if not existed:
                    raise
                raise recovery.corrupt(db_path, e) from None  # issue 12.10: one sentence
            if existed and not _matches(tag, version):
                # DuckDB keeps an existing file's format: start a new file in the target format
                # and let the caller carry the previous contents over
                log.warning("%s is in storage format %s; rewriting it as %s", db_path, tag, version)
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
            _OPEN_COPIES.discard(building)
            _release_lock(lock_fd)
            raise
        return cls(db_path, run_id, lock_fd, building, con, previous, foreign)

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
            set_aside_foreign_wal(self.db_path)  # a WAL of the old file must never meet the new one
            if not still_owns_lock(self._lock_fd, self.lock_path):
                raise LockLost(f"{self.lock_path} was deleted or replaced during this run; not published "
                               "(another run may be writing) / 锁文件在运行中被删除或替换，本次未发布")
            os.replace(self.building, self.db_path)
            _fsync_dir(self.db_path.parent)
        except BaseException:
            self.abort()
            raise
        self.published = True
        _OPEN_COPIES.discard(self.building)
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
        _OPEN_COPIES.discard(self.building)
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
