"""Read-only queries over the published warehouse for the dashboard and the letters.

A publish replaces the file atomically (rename), so a query opens the file anew each time and
closes it: the next query after a publish sees the new run without a restart. ``stamp()`` (inode,
mtime, size) names the published file a result came from; the dashboard keys its cache on it.
DuckDB shares one database instance per path inside a process, and an instance opened before a
publish would keep answering from the replaced file; one lock keeps a single connection open at
a time, so every query opens the file that is on disk now.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.read import connect_readonly

DB_ENV = "JIXIAO_DASHBOARD_DB"  # the dashboard server tells its pages the warehouse path here
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of a DuckDB database file
_ONE_CONNECTION = threading.Lock()


class OfficeError(Exception):
    """An operator mistake (no warehouse, not a DuckDB file, a folder that cannot be written):
    the CLI prints it as one line and exits non-zero."""


def check_warehouse(db_path: str | Path) -> Path:
    """The path, if it is a published DuckDB warehouse that opens read-only; else OfficeError."""
    path = Path(db_path)
    if not path.exists():
        raise OfficeError(f"没有这个仓库文件 / no warehouse at {path}: run `jixiao ingest INBOX --db {path}` first")
    if not path.is_file():
        raise OfficeError(f"不是文件 / {path} is not a file (give the .duckdb file of `--db`)")
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError as e:
        raise OfficeError(f"无法读取 / cannot read {path}: {e.strerror}") from None
    if head[8:12] != DUCKDB_MAGIC:
        raise OfficeError(f"不是 DuckDB 仓库文件 / {path} is not a DuckDB warehouse file")
    try:
        with _ONE_CONNECTION, connect_readonly(path) as con:
            con.execute("SELECT count(*) FROM submissions").fetchone()
    except duckdb.Error as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise OfficeError(f"仓库无法打开 / cannot open warehouse {path}: {first}") from None
    return path


def stamp(db_path: str | Path) -> tuple[int, int, int]:
    """(inode, mtime ns, size) of the published file: changes with every publish."""
    st = os.stat(db_path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def query(db_path: str | Path, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """One query on a fresh read-only connection to the file on disk now."""
    with _ONE_CONNECTION, connect_readonly(db_path) as con:
        return con.execute(sql, list(params)).df()


def rows(db_path: str | Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    with _ONE_CONNECTION, connect_readonly(db_path) as con:
        return con.execute(sql, list(params)).fetchall()


LOCATION_SQL = r"""
    TRY_CAST(regexp_extract(location, '表(\d+)', 1) AS INTEGER) AS "table",
    TRY_CAST(regexp_extract(location, '第(\d+)行', 1) AS INTEGER) AS "row",
    TRY_CAST(regexp_extract(location, '第(\d+)列', 1) AS INTEGER) AS "column"
"""


def findings_sql(where: str = "TRUE") -> str:
    """Findings with the form they belong to and the cell split into table / row / column (as the
    form counts them, from 1; a header field such as 填报人 keeps only its location)."""
    return f"""
        SELECT q.path, s.department, s.project_name, s.form_type, s.budget_year, s.city,
               q.severity, q."check", q.location, {LOCATION_SQL}, q.message, q.submission_id
        FROM quality_issues AS q LEFT JOIN submissions AS s USING (submission_id)
        WHERE {where}
        ORDER BY s.department NULLS LAST, q.path, q.severity, q."check", q.location"""
