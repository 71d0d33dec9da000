"""The one writer of the raw tables: bulk replace, declared per table in models/raw/tables.toml.

``replace(con, frames, run_id=...)`` deletes, in one transaction, the rows the frames replace
(by content, by the forms of those contents, by path, by run, or the whole table) and appends
every frame with DuckDB's ``INSERT ... BY NAME`` from the frame (pandas through Arrow). So
re-processing a content replaces its rows in every table, never doubles them.

The frames arrive validated (pandera, transforms/schemas.py); the writer checks only what
replacing needs: every row names a content (or form) of this write, so none is left behind
by the delete.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.models import raw_tables

CONTENT, SUBMISSION, PATH, RUN, ALL = "content", "submission", "path", "run", "all"


def _delete_sql(table: str, how: str) -> str:
    return {
        CONTENT: f"DELETE FROM raw.{table} WHERE sha256 IN (SELECT key FROM _jx_content)",
        SUBMISSION: f"""DELETE FROM raw.{table} WHERE submission_id IN (
                            SELECT submission_id FROM raw.raw_submissions
                            WHERE sha256 IN (SELECT key FROM _jx_content))""",
        PATH: f"DELETE FROM raw.{table} WHERE path IN (SELECT key FROM _jx_path)",
        RUN: f"DELETE FROM raw.{table} WHERE run_id = $run",
        ALL: f"DELETE FROM raw.{table}",
    }[how]


def _keys(frames: dict[str, pd.DataFrame], decl: dict, delete: dict[str, set]) -> dict[str, set]:
    keys = {CONTENT: set(delete.get(CONTENT, ())), PATH: set(delete.get(PATH, ()))}
    if "contents" in frames:
        keys[CONTENT] |= set(frames["contents"]["sha256"].astype(str))
    for table, frame in frames.items():
        if decl[table]["replace_by"] == PATH:
            keys[PATH] |= set(frame["path"].astype(str))
    return keys


def _check_rows_belong(frames: dict[str, pd.DataFrame], decl: dict, contents: set[str]) -> None:
    forms = set(frames["raw_submissions"]["submission_id"].astype(str)) if "raw_submissions" in frames else set()
    for table, frame in frames.items():
        how = decl[table]["replace_by"]
        if how == CONTENT and table != "contents" and len(frame):
            stray = set(frame["sha256"].astype(str)) - contents
        elif how == SUBMISSION and len(frame):
            stray = set(frame["submission_id"].astype(str)) - forms
        else:
            continue
        if stray:
            raise ValueError(f"load: {table} has rows of contents not in this append: {sorted(stray)[:3]}")


def _kept(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """The frame with the ``keep`` columns an earlier row of the same sha256 already holds."""
    cols = ", ".join(keep)
    con.register("_jx_keep_keys", pd.DataFrame({"key": frame["sha256"].astype(str).unique()}, dtype=object))
    try:
        old = con.execute(f"SELECT sha256, {cols} FROM raw.{table} "
                          "WHERE sha256 IN (SELECT key FROM _jx_keep_keys)").df()
    finally:
        con.unregister("_jx_keep_keys")
    frame = frame.copy()
    for col in keep:
        earlier = dict(zip(old["sha256"], old[col]))
        frame[col] = [earlier.get(k) if isinstance(earlier.get(k), str) else v
                      for k, v in zip(frame["sha256"], frame[col])]
    return frame


def _columns_lacking(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> list[str]:
    have = {r[0] for r in con.execute(f"DESCRIBE raw.{table}").fetchall()}
    return [c for c in frame.columns if c not in have]


def replace(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame | None], *, run_id: str,
            delete: dict[str, set] | None = None) -> None:
    """Replace the rows ``frames`` (raw table → rows) stand for, in one transaction.
    ``delete`` adds keys whose rows go without a replacement ({"path": {...}}: vanished files)."""
    decl = raw_tables()
    unknown = set(frames) - set(decl)
    if unknown:
        raise ValueError(f"load: unknown tables {sorted(unknown)}")
    frames = {t: f for t, f in frames.items() if f is not None}
    keys = _keys(frames, decl, delete or {})
    _check_rows_belong(frames, decl, keys[CONTENT])
    for table, stamps in ((t, decl[t].get("stamp", {})) for t in list(frames)):
        if stamps and len(frames[table]):
            frames[table] = frames[table].assign(**{col: run_id for col in stamps})
            if decl[table].get("keep"):
                frames[table] = _kept(con, table, frames[table], decl[table]["keep"])

    registered: list[str] = []

    def register(name: str, frame: pd.DataFrame) -> None:
        con.register(name, frame)
        registered.append(name)

    try:
        con.execute("BEGIN TRANSACTION")
        register("_jx_content", pd.DataFrame({"key": sorted(keys[CONTENT])}, dtype=object))
        register("_jx_path", pd.DataFrame({"key": sorted(keys[PATH])}, dtype=object))
        # rows of a content are always written with its contents row: contents never seen before
        # have nothing to delete, so skip the deletes that scan the large child tables
        seen = bool(keys[CONTENT]) and con.execute(
            "SELECT EXISTS (SELECT 1 FROM raw.contents WHERE sha256 IN (SELECT key FROM _jx_content))"
        ).fetchall()[0][0]
        for table in reversed(list(decl)):  # children before the forms they name
            how = decl[table]["replace_by"]
            if how in (CONTENT, SUBMISSION):
                if seen:
                    con.execute(_delete_sql(table, how))
            elif how == PATH:
                if keys[PATH]:
                    con.execute(_delete_sql(table, how))
            elif table in frames:
                con.execute(_delete_sql(table, how), {"run": run_id} if how == RUN else {})
        for table in decl:
            frame = frames.get(table)
            if frame is None:
                continue
            # INSERT BY NAME would drop a column the table lacks without a word
            lacking = _columns_lacking(con, table, frame)
            if lacking:
                raise ValueError(f"load: {table} has columns the table lacks: {lacking}")
            if not len(frame):
                continue
            register(f"_jx_{table}", frame)
            con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM _jx_{table}")
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:  # no transaction open (BEGIN itself failed)
            pass
        raise
    finally:
        for name in registered:
            con.unregister(name)
