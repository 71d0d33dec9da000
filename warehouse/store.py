"""The single writer of the warehouse.

One ingestion run = one :class:`Warehouse`:

* ``open`` takes an exclusive ``fcntl.flock`` on ``<db>.lock`` for the whole run (a second run
  waits, or raises :class:`WarehouseBusy` with ``wait=False``), deletes leftovers of a killed run
  and copies the published file (if any) to a private ``<db>.building``; the run writes only there.
* ``record_scan`` / ``append`` write the raw tables of ``sql/00_raw.sql`` with bulk
  ``INSERT ... BY NAME`` from pandas frames.
* ``publish`` (re)creates the views of ``sql/10..30``, marks the run completed in ``runs``,
  checkpoints, closes, fsyncs and ``os.replace``-s the private file onto the published path.
* ``abort`` (or leaving the ``with`` block without ``publish``) deletes the private file.

So a run killed at any moment leaves the published file untouched, and readers
(``duckdb.connect(db, read_only=True)``) never meet the writer's DuckDB lock: the writer never
opens the published file. A reader that is open while a run publishes keeps the previous state
until it reconnects. Only the lock file stays next to the database (never delete it by hand
while a run is active).
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
import pandas as pd

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).with_name("sql")
RAW_SQL = "00_raw.sql"
VIEW_SQL = ("10_staging.sql", "20_marts.sql", "25_status.sql", "30_rollups.sql")
#: run after the staging views are materialised: the rollups and status become tables too
PUBLISH_SQL = "40_publish.sql"
#: the views analysts, dashboards and exports read (CONTRACT.md, plus submission_status)
PUBLIC_VIEWS = ("files", "submissions", "funding", "goals", "indicators", "quality_issues",
                "submission_status", "city_rollup", "province_rollup", "tasks")

#: keys of ``Warehouse.append``; order = insert order (deletes go in reverse)
APPEND_TABLES = ("contents", "raw_submissions", "raw_funding", "raw_goals", "raw_indicators", "raw_tasks",
                 "raw_findings")
CHILD_TABLES = ("raw_funding", "raw_goals", "raw_indicators", "raw_tasks")
SCAN_COLUMNS = ("path", "sha256", "size_bytes", "modified_at", "kind", "ignore_reason")
COUNT_KEYS = ("files_seen", "files_processed", "forms_loaded", "findings")
#: staging views computed once at publish into ``mat_<view>`` tables (dependency order), the
#: view then reading its table: the contract views and rollups stay views, but no longer redo
#: the window functions and joins of the whole warehouse on every query.
MATERIALIZED_VIEWS = ("stg_inbox_files", "stg_contents", "stg_findings", "stg_submissions",
                      "stg_content_status", "stg_file_status", "stg_submission_measures")


class WarehouseBusy(Exception):
    """Another ingestion run holds the warehouse lock (raised by ``open(..., wait=False)``)."""


def sql_text(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def submission_id(sha256: str, form_index: int) -> str:
    """``sha256[:16] || '-' || form_index`` — the id of form ``form_index`` of a content."""
    return f"{sha256[:16]}-{int(form_index)}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _naive_utc(s: pd.Series) -> pd.Series:
    """Timestamps for a TIMESTAMP column: aware values → UTC without zone; numbers = epoch
    seconds (os.stat().st_mtime); naive datetimes are kept as given."""
    if pd.api.types.is_datetime64_any_dtype(s):
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            return s.dt.tz_convert("UTC").dt.tz_localize(None)
        return s
    if pd.api.types.is_numeric_dtype(s):
        return pd.to_datetime(s, unit="s", utc=True).dt.tz_localize(None)
    if s.isna().all():
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    return pd.to_datetime(s, utc=True, format="mixed").dt.tz_localize(None)


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


def _wal(path: Path) -> Path:
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


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:  # no transaction open (BEGIN itself failed)
        pass


def _release_lock(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view from the SQL files (the views read the raw tables directly)."""
    # drop every view first: the SQL files alone define the view set
    for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary "
        "AND schema_name = 'main'"
    ).fetchall():
        con.execute(f'DROP VIEW IF EXISTS "{name}"')
    for name in VIEW_SQL:
        con.execute(sql_text(name))


def materialize_views(con: duckdb.DuckDBPyConnection) -> None:
    """Compute the MATERIALIZED_VIEWS into mat_* tables and point the views at them
    (call right after create_views, when the raw tables hold what is to be published)."""
    for view in MATERIALIZED_VIEWS:
        comment = con.execute("SELECT comment FROM duckdb_views() WHERE schema_name = 'main' "
                              "AND view_name = ?", [view]).fetchall()
        con.execute(f"CREATE OR REPLACE TABLE mat_{view} AS SELECT * FROM {view}")
        con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM mat_{view}")
        if comment and comment[0][0]:
            text = comment[0][0] + " (materialized at publish into mat_" + view + ")"
            con.execute(f"COMMENT ON VIEW {view} IS '" + text.replace("'", "''") + "'")
    con.execute(sql_text(PUBLISH_SQL))  # rollups computed once, from the materialised staging


class Warehouse:
    """One ingestion run's exclusive, crash-safe writer. Use as a context manager; leaving the
    block without :meth:`publish` (or on an exception) aborts the run."""

    def __init__(self, db_path: Path, run_id: str, lock_fd: int, building: Path,
                 con: duckdb.DuckDBPyConnection):
        self.db_path = db_path
        self.run_id = run_id
        self.building = building
        self._lock_fd: int | None = lock_fd
        self._con: duckdb.DuckDBPyConnection | None = con
        self.published = False

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def open(cls, db_path: Path, run_id: str, inbox: str, year_default: int | None,
             wait: bool = True, record_run: bool = True) -> "Warehouse":
        """``record_run=False``: a write that is not an ingestion run (``jixiao registry load``);
        it takes the same lock and publishes the same way, but adds no row to ``runs``."""
        db_path = Path(db_path).absolute()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = _acquire_lock(db_path.with_name(db_path.name + ".lock"), run_id, wait)
        building = db_path.with_name(db_path.name + ".building")
        con = None
        try:
            # leftovers of a killed run: never reused, always rebuilt from the published file
            _remove(building)
            _remove(_wal(building))
            if db_path.exists():
                shutil.copyfile(db_path, building)
                if _wal(db_path).exists():  # someone wrote the published file directly
                    log.warning("%s has a WAL file; carrying it into this run", db_path)
                    shutil.copyfile(_wal(db_path), _wal(building))
            con = duckdb.connect(str(building))
            con.execute(sql_text(RAW_SQL))
            if not record_run:
                return cls(db_path, run_id, lock_fd, building, con)
            con.execute("DELETE FROM runs WHERE run_id = ? AND status <> 'completed'", [run_id])
            known = con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchone()[0]
            if known:
                con.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE run_id = ?", [run_id])
            else:
                con.execute(
                    "INSERT INTO runs (run_id, started_at, status, inbox, year_default) "
                    "VALUES (?, ?, 'running', ?, ?)",
                    [run_id, _utcnow(), None if inbox is None else str(inbox), year_default],
                )
        except BaseException:
            if con is not None:
                con.close()
            _remove(building)
            _remove(_wal(building))
            _release_lock(lock_fd)
            raise
        return cls(db_path, run_id, lock_fd, building, con)

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._con is not None or self._lock_fd is not None:
            self.abort()
        return False

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("this Warehouse run is finished (published or aborted)")
        return self._con

    # ----------------------------------------------------------------- reads for the flow
    def known_files(self) -> pd.DataFrame:
        """path, sha256, size_bytes, modified_at of the latest scan (to skip re-hashing)."""
        return self.con.execute(
            "SELECT path, sha256, size_bytes, modified_at FROM inbox_files ORDER BY path"
        ).df()

    def processed_contents(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT sha256 FROM contents").fetchall()}

    def missing_year_contents(self) -> set[str]:
        """Contents rejected for lack of a budget year: a run given --year reads them again."""
        sql = "SELECT sha256 FROM contents WHERE reason = 'missing_year'"
        return {r[0] for r in self.con.execute(sql).fetchall()}

    # ----------------------------------------------------------------- writes
    def record_scan(self, scan: pd.DataFrame) -> None:
        """Replace inbox_files with this scan. Keeps first_seen_run of known paths; new paths get
        this run; every row gets last_seen_run = this run."""
        unknown = [c for c in scan.columns if c not in SCAN_COLUMNS]
        if unknown or "path" not in scan.columns:
            raise ValueError(f"scan frame: unknown columns {unknown}, expected {list(SCAN_COLUMNS)}")
        frame = scan.reindex(columns=list(SCAN_COLUMNS)).copy()
        if frame["path"].isna().any():
            raise ValueError("scan frame: path must not be NULL")
        dup = frame["path"][frame["path"].duplicated()]
        if len(dup):
            raise ValueError(f"scan frame: duplicate paths {sorted(dup.unique())[:5]}")
        frame["modified_at"] = _naive_utc(frame["modified_at"])
        con = self.con
        con.register("_jx_scan", frame)
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE _jx_scan_rows AS
                SELECT s.*, coalesce(o.first_seen_run, $run) AS first_seen_run, $run AS last_seen_run
                FROM _jx_scan AS s LEFT JOIN inbox_files AS o ON o.path = s.path
                """,
                {"run": self.run_id},
            )
            con.execute("DELETE FROM inbox_files")
            con.execute("INSERT INTO inbox_files BY NAME SELECT * FROM _jx_scan_rows")
            con.execute("DROP TABLE _jx_scan_rows")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.unregister("_jx_scan")

    def correct_scan(self, updates: pd.DataFrame) -> None:
        """Files that changed or vanished between the scan and their reading: a row with a
        sha256 replaces the path's sha256/size/modified_at, a row without one (vanished)
        removes the path, so ``files`` shows what the inbox holds when the run ends."""
        if updates is None or not len(updates):
            return
        frame = updates.reindex(columns=["path", "sha256", "size_bytes", "modified_at"]).copy()
        frame["modified_at"] = _naive_utc(frame["modified_at"])
        con = self.con
        con.register("_jx_updates", frame)
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM inbox_files WHERE path IN "
                        "(SELECT path FROM _jx_updates WHERE sha256 IS NULL)")
            con.execute(
                """UPDATE inbox_files AS i SET sha256 = u.sha256, size_bytes = u.size_bytes,
                          modified_at = u.modified_at
                   FROM _jx_updates AS u WHERE u.path = i.path AND u.sha256 IS NOT NULL""")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.unregister("_jx_updates")

    def append(self, tables: dict[str, pd.DataFrame]) -> None:
        """Load the rows of some processed contents. For every sha256 of ``tables['contents']``
        its rows in every raw table are deleted first, so re-processing replaces, never doubles."""
        unknown = set(tables) - set(APPEND_TABLES)
        if unknown:
            raise ValueError(f"append: unknown tables {sorted(unknown)}")
        contents = tables.get("contents")
        if contents is None:
            if any(len(f) for f in tables.values()):
                raise ValueError("append: rows without a 'contents' frame naming their sha256")
            return
        frames = self._prepare(tables)
        if not len(frames["contents"]):
            return
        con = self.con
        keys = pd.DataFrame({"sha256": frames["contents"]["sha256"].astype(str)})
        keys["sid_prefix"] = keys["sha256"].str.slice(0, 16)
        registered = ["_jx_keys"]
        con.register("_jx_keys", keys)
        try:
            con.execute("BEGIN TRANSACTION")
            # Rows of a content are written (and deleted) with its contents row in one
            # transaction, so contents never seen before have no rows to replace: skip the
            # deletes, which scan the large child tables (quadratic over a big first load).
            seen = con.execute(
                """SELECT EXISTS (SELECT 1 FROM contents WHERE sha256 IN (SELECT sha256 FROM _jx_keys))
                       OR EXISTS (SELECT 1 FROM raw_submissions WHERE sha256 IN (SELECT sha256 FROM _jx_keys))
                       OR EXISTS (SELECT 1 FROM raw_findings WHERE sha256 IN (SELECT sha256 FROM _jx_keys))"""
            ).fetchall()[0][0]
            for table in CHILD_TABLES if seen else ():
                con.execute(
                    f"""DELETE FROM {table}
                    WHERE left(submission_id, 16) IN (SELECT sid_prefix FROM _jx_keys)
                       OR submission_id IN (SELECT submission_id FROM raw_submissions
                                            WHERE sha256 IN (SELECT sha256 FROM _jx_keys))"""
                )
            for table in ("raw_findings", "raw_submissions", "contents") if seen else ():
                con.execute(f"DELETE FROM {table} WHERE sha256 IN (SELECT sha256 FROM _jx_keys)")
            for table in APPEND_TABLES:
                frame = frames.get(table)
                if frame is None or not len(frame):
                    continue
                name = f"_jx_{table}"
                con.register(name, frame)
                registered.append(name)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        finally:
            for name in registered:
                con.unregister(name)

    def replace_registry(self, frame: pd.DataFrame) -> None:
        """Replace the registry of expected submitters (transforms/registry.py builds the frame)."""
        con = self.con
        con.register("_jx_registry", frame)
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM registry")
            if len(frame):
                con.execute("INSERT INTO registry BY NAME SELECT * FROM _jx_registry")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.unregister("_jx_registry")

    def _columns(self, table: str) -> list[str]:
        cache = self.__dict__.setdefault("_column_cache", {})  # the raw tables do not change in a run
        if table not in cache:
            cache[table] = [r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]
            ).fetchall()]
        return cache[table]

    def _prepare(self, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Check the frames against the raw tables and each other; stamp the run id."""
        frames: dict[str, pd.DataFrame] = {}
        for table, frame in tables.items():
            if frame is None:
                continue
            have = set(self._columns(table))
            extra = [c for c in frame.columns if c not in have]
            if extra:
                raise ValueError(f"append: {table} has columns the table lacks: {extra}")
            frames[table] = frame.copy()

        contents = frames["contents"]
        if "sha256" not in contents.columns or contents["sha256"].isna().any():
            raise ValueError("append: contents.sha256 is required")
        if contents["sha256"].duplicated().any():
            raise ValueError("append: contents has a sha256 twice")
        contents["processed_run"] = self.run_id
        shas = set(contents["sha256"].astype(str))
        prefixes = {s[:16] for s in shas}

        subs = frames.get("raw_submissions")
        if subs is not None and len(subs):
            for col in ("sha256", "form_index"):
                if col not in subs.columns or subs[col].isna().any():
                    raise ValueError(f"append: raw_submissions.{col} is required")
            expected = [submission_id(s, i) for s, i in zip(subs["sha256"], subs["form_index"])]
            if "submission_id" not in subs.columns:
                subs["submission_id"] = expected
            elif list(subs["submission_id"].astype(str)) != expected:
                raise ValueError("append: raw_submissions.submission_id must be sha256[:16]-form_index")
            if subs["submission_id"].duplicated().any():
                raise ValueError("append: raw_submissions has a (sha256, form_index) twice")
            stray = set(subs["sha256"].astype(str)) - shas
            if stray:
                raise ValueError(f"append: raw_submissions of contents not in this append: {sorted(stray)[:3]}")
            subs["run_id"] = self.run_id

        for table in (*CHILD_TABLES, "raw_findings"):
            frame = frames.get(table)
            if frame is None or not len(frame):
                continue
            if table == "raw_findings":
                if "sha256" not in frame.columns or frame["sha256"].isna().any():
                    raise ValueError("append: raw_findings.sha256 is required")
                stray = set(frame["sha256"].astype(str)) - shas
                if stray:
                    raise ValueError(f"append: raw_findings of contents not in this append: {sorted(stray)[:3]}")
                ids = frame["submission_id"].dropna() if "submission_id" in frame.columns else pd.Series([], dtype=str)
            else:
                if "submission_id" not in frame.columns or frame["submission_id"].isna().any():
                    raise ValueError(f"append: {table}.submission_id is required")
                ids = frame["submission_id"]
            stray = {i for i in ids.astype(str) if i[:16] not in prefixes}
            if stray:
                raise ValueError(f"append: {table} rows of forms not in this append: {sorted(stray)[:3]}")
        return frames

    def record_stages(self, seconds: dict[str, float], settings: dict | None = None) -> None:
        """Stage timings and settings of this run into run_stats (replacing any of this run)."""
        rows = [(self.run_id, k, float(v), None) for k, v in seconds.items()]
        for k, v in (settings or {}).items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                rows.append((self.run_id, k, float(v), None))
            else:
                rows.append((self.run_id, k, None, None if v is None else str(v)))
        frame = pd.DataFrame(rows, columns=["run_id", "key", "value", "text"])
        con = self.con
        con.execute("DELETE FROM run_stats WHERE run_id = ?", [self.run_id])
        con.register("_jx_stats", frame)
        try:
            con.execute("INSERT INTO run_stats BY NAME SELECT * FROM _jx_stats")
        finally:
            con.unregister("_jx_stats")

    # ----------------------------------------------------------------- end of the run
    def publish(self, counts: dict | None = None) -> None:
        """Create the views, mark the run completed, and atomically replace the published file."""
        counts = dict(counts or {})
        unknown = set(counts) - set(COUNT_KEYS)
        if unknown:
            log.warning("publish: ignoring unknown counts %s", sorted(unknown))
        con = self.con
        try:
            self._create_views()
            self._materialize()
            pending = con.execute("SELECT count(*) FROM stg_file_status WHERE status IS NULL").fetchone()[0]
            if pending:
                log.warning("publish: %d inbox document(s) have no processed content; "
                            "the files view does not show them", pending)
            defaults = con.execute(
                """
                SELECT
                    (SELECT count(*) FROM inbox_files),
                    (SELECT count(*) FROM contents WHERE processed_run = $run),
                    (SELECT count(*) FROM raw_submissions WHERE run_id = $run),
                    (SELECT count(*) FROM raw_findings f JOIN contents c USING (sha256)
                     WHERE c.processed_run = $run)
                """,
                {"run": self.run_id},
            ).fetchone()
            values = {k: int(counts.get(k, d)) for k, d in zip(COUNT_KEYS, defaults)}
            con.execute(
                """UPDATE runs SET status = 'completed', finished_at = $now,
                       files_seen = $files_seen, files_processed = $files_processed,
                       forms_loaded = $forms_loaded, findings = $findings
                   WHERE run_id = $run""",
                {"now": _utcnow(), "run": self.run_id, **values},
            )
            con.execute("CHECKPOINT")
            con.close()
            self._con = None
            if _wal(self.building).exists():  # CHECKPOINT + close leave none; be sure
                raise RuntimeError(f"{_wal(self.building)} remained after checkpoint")
            _fsync_file(self.building)
            _remove(_wal(self.db_path))  # a WAL of the old file must never meet the new one
            os.replace(self.building, self.db_path)
            _fsync_dir(self.db_path.parent)
        except BaseException:
            self.abort()
            raise
        self.published = True
        self._unlock()

    def _create_views(self) -> None:
        create_views(self.con)

    def _materialize(self) -> None:
        materialize_views(self.con)

    def abort(self) -> None:
        """Discard this run: the published file stays as it was."""
        if self._con is not None:
            try:
                self._con.close()
            except duckdb.Error:  # pragma: no cover
                pass
            self._con = None
        if not self.published:
            _remove(self.building)
            _remove(_wal(self.building))
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            _release_lock(fd)
