"""One ingestion run's view of the warehouse: what the flow asks (intake state) and hands over
(a scan, a normalized batch, stage times), on top of three parts that each do one job:

* warehouse/publish.py — the private copy, lock and atomic publish (knows no table);
* warehouse/writer.py — the one bulk replace-by-content writer of every raw table;
* warehouse/models/ — the SQL layers, built at publish by ``models.build``.

Tables live out of the default schema (``raw``, ``staging``, ``intermediate``, ``rollups``);
``main`` holds only the public views (docs/contract.md).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from intake.plan import PATH_FINDINGS, IntakeState
from intake.scan import SCAN_COLUMNS
from transforms.normalize import CORRECTION_COLUMNS
from warehouse import models, writer
from warehouse.publish import LockLost, PrivateCopy, WarehouseBusy  # noqa: F401 - re-exported

log = logging.getLogger(__name__)

PUBLIC_VIEWS = tuple(m.name for m in models.public_models())
#: content tables of a normalized batch, in write order
CONTENT_TABLES = tuple(t for t, d in models.raw_tables().items() if d["replace_by"] in ("content", "submission"))
APPEND_TABLES = CONTENT_TABLES  # the keys of NormalizedBatch.frames
COUNT_KEYS = ("files_seen", "files_processed", "forms_loaded", "findings")


def submission_id(sha256: str, form_index: int) -> str:
    """``sha256[:16] || '-' || form_index`` — the id of form ``form_index`` of a content."""
    return f"{sha256[:16]}-{int(form_index)}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def naive_utc(s: pd.Series) -> pd.Series:
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


class BatchLike(Protocol):
    """What ``Warehouse.load`` reads of a transforms.normalize NormalizedBatch."""
    frames: dict[str, pd.DataFrame]
    inbox_corrections: pd.DataFrame | None


def _carry_over(con: duckdb.DuckDBPyConnection, catalog: str, drop: bool) -> None:
    """Copy the raw tables found in ``catalog`` (schema raw, or main as before the schemas)
    into this file's raw schema; ``drop`` removes the old main-schema tables and views."""
    found = dict(con.execute(
        "SELECT table_name, schema_name FROM duckdb_tables() WHERE database_name = ? AND NOT internal "
        "AND schema_name IN ('raw', 'main') ORDER BY schema_name = 'raw'", [catalog]).fetchall())
    old_layout = [t for t, s in found.items() if s == "main" and t in models.raw_tables()]
    if catalog == con.execute("SELECT current_database()").fetchall()[0][0] and not old_layout:
        return
    if drop:
        for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE database_name = ? AND NOT internal "
                                   "AND schema_name = 'main'", [catalog]).fetchall():
            con.execute(f'DROP VIEW main."{name}"')
    for table in models.raw_tables():
        schema = found.get(table)
        if schema is None or (drop and schema == "raw"):
            continue
        con.execute(f'INSERT INTO raw.{table} BY NAME SELECT * FROM "{catalog}".{schema}.{table}')
    if drop:
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND NOT internal "
                                   "AND schema_name = 'main'", [catalog]).fetchall():
            con.execute(f'DROP TABLE main."{name}"')


class Warehouse:
    """One ingestion run's exclusive, crash-safe writer. Use as a context manager; leaving the
    block without :meth:`publish` (or on an exception) aborts the run."""

    def __init__(self, copy: PrivateCopy, record_run: bool):
        self._copy = copy
        self._record_run = record_run
        self.run_id = copy.run_id
        self.db_path = copy.db_path
        self.building = copy.building

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def open(cls, db_path: Path, run_id: str, inbox: str | None, year_default: int | None,
             wait: bool = True, record_run: bool = True) -> "Warehouse":
        """``record_run=False``: a write that is not an ingestion run (``jixiao registry load``);
        it takes the same lock and publishes the same way, but adds no row to ``runs``."""
        copy = PrivateCopy.open(Path(db_path), run_id, wait)
        try:
            wh = cls(copy, record_run)
            con = copy.con
            try:
                con.execute(models.RAW_DDL.read_text(encoding="utf-8"))
            except duckdb.Error as e:  # issue 12.10: a damaged published file, in one sentence
                from warehouse import recovery

                raise recovery.corrupt(copy.db_path, e) from None
            if copy.previous:  # the published file was in another storage format
                _carry_over(con, copy.previous, drop=False)
                copy.drop_previous()
            else:  # a file of the layout before the schemas: raw tables in main
                _carry_over(con, con.execute("SELECT current_database()").fetchall()[0][0], drop=True)
            if record_run:
                con.execute("DELETE FROM raw.runs WHERE run_id = ? AND status <> 'completed'", [run_id])
                started = con.execute("SELECT started_at FROM raw.runs WHERE run_id = ?", [run_id]).fetchall()
                wh._write_run(status="running", started_at=started[0][0] if started else _utcnow(),
                              inbox=None if inbox is None else str(inbox), year_default=year_default)
                if copy.foreign_wal:
                    wh.record_stages({})  # the foreign WAL's sentence, also if the run records no stages
        except BaseException:
            copy.abort()
            raise
        return wh

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not self._copy.finished:
            self.abort()
        return False

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self._copy.con

    @property
    def published(self) -> bool:
        return self._copy.published

    def _replace(self, frames: dict[str, pd.DataFrame | None], **kw) -> None:
        writer.replace(self.con, frames, run_id=self.run_id, **kw)

    def _write_run(self, **values) -> None:
        row = {"run_id": self.run_id, **values}
        self._replace({"runs": pd.DataFrame([row])})

    # ----------------------------------------------------------------- reads for the flow
    def intake_state(self) -> IntakeState:
        """What intake needs to plan a run, in one query: the known files of the latest scan,
        the processed contents, the contents rejected for a missing budget year (a run given
        --year reads them again) and the path-level findings stored per content."""
        marks = ", ".join("?" for _ in PATH_FINDINGS)
        rows = self.con.execute(
            f"""SELECT 'file' AS kind, path, sha256, size_bytes, modified_at, NULL AS reason
                FROM raw.inbox_files
                UNION ALL
                SELECT 'content', NULL, sha256, NULL, NULL, reason FROM raw.contents
                UNION ALL
                SELECT DISTINCT 'flag', NULL, sha256, NULL, NULL, "check" FROM raw.raw_findings
                WHERE "check" IN ({marks})
                ORDER BY kind DESC, path""", list(PATH_FINDINGS)).df()
        files = rows["kind"] == "file"
        known = rows.loc[files, ["path", "sha256", "size_bytes", "modified_at"]].reset_index(drop=True)
        known["size_bytes"] = known["size_bytes"].astype("Int64")
        contents = rows.loc[rows["kind"] == "content"]
        flagged: dict[str, set[str]] = {}
        for sha, check in rows.loc[rows["kind"] == "flag", ["sha256", "reason"]].itertuples(index=False):
            flagged.setdefault(sha, set()).add(check)
        return IntakeState(known=known, processed=frozenset(contents["sha256"]),
                           missing_year=frozenset(contents.loc[contents["reason"] == "missing_year", "sha256"]),
                           flagged={k: frozenset(v) for k, v in flagged.items()})

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
        frame["modified_at"] = naive_utc(frame["modified_at"])
        first = dict(self.con.execute("SELECT path, first_seen_run FROM raw.inbox_files").fetchall())
        frame["first_seen_run"] = [first.get(p) or self.run_id for p in frame["path"]]
        frame["last_seen_run"] = self.run_id
        gone = set(first) - set(frame["path"])
        self._replace({"inbox_files": frame}, delete={"path": gone})

    def load(self, batch: BatchLike) -> None:
        """Load a normalized batch: every frame by the one replace-by-content writer (re-processing
        a content replaces its rows, never doubles them), then the inbox corrections."""
        frames = dict(batch.frames)
        if frames.get("contents") is None and any(f is not None and len(f) for f in frames.values()):
            raise ValueError("load: rows without a 'contents' frame naming their sha256")
        if frames.get("contents") is not None and len(frames["contents"]):
            self._replace(frames)
        elif set(frames) - set(CONTENT_TABLES):
            raise ValueError(f"load: unknown tables {sorted(set(frames) - set(CONTENT_TABLES))}")
        self._correct_scan(getattr(batch, "inbox_corrections", None))

    def _correct_scan(self, updates: pd.DataFrame | None) -> None:
        """Files that changed or vanished between the scan and their reading: a row with a
        sha256 replaces the path's sha256/size/modified_at, a row without one (vanished)
        removes the path, so ``files`` shows what the inbox holds when the run ends."""
        if updates is None or not len(updates):
            return
        frame = updates.reindex(columns=list(CORRECTION_COLUMNS)).copy()
        frame["modified_at"] = naive_utc(frame["modified_at"])
        self.con.register("_jx_corrections", frame)
        try:
            changed = self.con.execute(
                """SELECT i.* REPLACE (u.sha256 AS sha256, u.size_bytes AS size_bytes, u.modified_at AS modified_at)
                   FROM raw.inbox_files AS i JOIN _jx_corrections AS u USING (path)
                   WHERE u.sha256 IS NOT NULL""").df()
        finally:
            self.con.unregister("_jx_corrections")
        vanished = set(frame.loc[frame["sha256"].isna(), "path"])
        self._replace({"inbox_files": changed}, delete={"path": vanished})

    def replace_registry(self, frame: pd.DataFrame) -> None:
        """Replace the registry of expected submitters (transforms/registry.py builds the frame)."""
        self._replace({"registry": frame})

    def record_stages(self, seconds: dict[str, float], settings: dict | None = None) -> None:
        """Stage timings and settings of this run into run_stats (replacing any of this run)."""
        rows = [(self.run_id, k, float(v), None) for k, v in seconds.items()]
        for k, v in (settings or {}).items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                rows.append((self.run_id, k, float(v), None))
            else:
                rows.append((self.run_id, k, None, None if v is None else str(v)))
        if self._copy.foreign_wal:  # issue 12.7: whose writes were not kept
            rows.append((self.run_id, "foreign_wal", None, self._copy.foreign_wal))
        frame = pd.DataFrame(rows, columns=["run_id", "key", "value", "text"])
        frame["value"] = frame["value"].astype("float64")
        frame["text"] = frame["text"].astype(object)
        self._replace({"run_stats": frame})

    # ----------------------------------------------------------------- end of the run
    def publish(self, counts: dict | None = None) -> None:
        """Write the catalog, build the models, mark the run completed, and atomically replace
        the published file."""
        from jixiao.catalog import catalog_rows

        counts = dict(counts or {})
        unknown = set(counts) - set(COUNT_KEYS)
        if unknown:
            log.warning("publish: ignoring unknown counts %s", sorted(unknown))
        try:
            con = self.con
            self._replace({"catalog": pd.DataFrame(catalog_rows(),
                                                   columns=["code", "stage", "severity", "name_zh", "template",
                                                            "affects_status"])})
            models.build(con)
            pending = con.execute("SELECT count(*) FROM staging.stg_file_status WHERE status IS NULL").fetchall()[0][0]
            if pending:
                log.warning("publish: %d inbox document(s) have no processed content; "
                            "the files view does not show them", pending)
            if self._record_run:
                defaults = con.execute(
                    """SELECT
                        (SELECT count(*) FROM raw.inbox_files),
                        (SELECT count(*) FROM raw.contents WHERE processed_run = $run),
                        (SELECT count(*) FROM raw.raw_submissions WHERE run_id = $run),
                        (SELECT count(*) FROM raw.raw_findings f JOIN raw.contents c USING (sha256)
                         WHERE c.processed_run = $run)""", {"run": self.run_id}).fetchall()[0]
                values = {k: int(counts.get(k, d)) for k, d in zip(COUNT_KEYS, defaults)}
                run = con.execute("SELECT started_at, inbox, year_default FROM raw.runs WHERE run_id = ?",
                                  [self.run_id]).fetchall()[0]
                self._write_run(status="completed", started_at=run[0], finished_at=_utcnow(), inbox=run[1],
                                year_default=run[2], **values)
        except BaseException:
            self.abort()
            raise
        self._copy.publish()

    def abort(self) -> None:
        """Discard this run: the published file stays as it was."""
        self._copy.abort()
