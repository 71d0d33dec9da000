"""A damaged published warehouse, and the way back (issue 12.10).

* :func:`check_published` (the CLI, before a run starts) and :func:`corrupt` (``Warehouse.open``,
  when DuckDB cannot open the run's copy) turn DuckDB's raw error — which names the private
  ``.building`` copy — into :class:`WarehouseCorrupt`: one sentence naming the published file
  and ``jixiao ingest --rebuild``.
* :func:`set_aside_for_rebuild` (``jixiao ingest --rebuild``), under the warehouse lock, renames
  the file (and a WAL beside it) to ``<db>.damaged-<UTC timestamp>`` and returns where the
  registry was last loaded from, so the CLI reloads it before the inbox is ingested again.
* :func:`remember_registry_source` (``jixiao registry load``) keeps that path in a sidecar
  ``<db>.registry-source`` (JSON): the ``registry`` table stores only the file name, and a
  damaged file may not be readable at all.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import duckdb

SIDECAR_SUFFIX = ".registry-source"
HEADER_BYTES = 3 * 4096  # DuckDB's file header and two database headers, before the first block


class WarehouseCorrupt(Exception):
    """The published warehouse file cannot be read; ``zh`` / ``en``: the one line for the operator."""

    def __init__(self, db_path: Path, detail: str):
        self.db_path, self.detail = Path(db_path), detail
        self.zh = (f"仓库文件 {self.db_path} 已损坏，无法读取（{detail}）；"
                   f"运行 jixiao ingest 收件箱 --db {self.db_path} --rebuild 可将其移到一旁并从收件箱重建")
        self.en = (f"the warehouse file {self.db_path} is damaged and cannot be read ({detail}); "
                   f"`jixiao ingest INBOX --db {self.db_path} --rebuild` sets it aside and rebuilds it from the inbox")
        super().__init__(self.en)


def _detail(error: BaseException) -> str:
    # DuckDB's first line, without the private copy's name (the operator never chose that file)
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text.replace(".building", "")[:160]


def corrupt(db_path: Path, error: BaseException) -> WarehouseCorrupt:
    return WarehouseCorrupt(db_path, _detail(error))


def check_published(db_path: str | Path) -> None:
    """Raise WarehouseCorrupt if the published file exists and DuckDB cannot read its runs."""
    path = Path(db_path)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            # used blocks, not total: DuckDB trims free blocks off the end of the file
            block_size, blocks = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchone()
            expected = HEADER_BYTES + int(block_size) * int(blocks)
            if path.stat().st_size < expected:  # DuckDB reads lazily: a cut-off file opens fine
                raise WarehouseCorrupt(path, f"file is {path.stat().st_size} bytes, its blocks need {expected}; "
                                             f"文件被截断 / truncated")
            # raw tables live in schema raw (in main in files made before the schemas)
            tables = dict(con.execute("SELECT table_name, schema_name FROM duckdb_tables() "
                                      "WHERE table_name IN ('runs', 'inbox_files')").fetchall())
            if "runs" in tables:
                con.execute(f"SELECT count(*), max(finished_at) FROM {tables['runs']}.runs").fetchall()
            if "inbox_files" in tables:
                con.execute(f"SELECT count(*) FROM {tables['inbox_files']}.inbox_files").fetchall()
    except duckdb.Error as e:
        if "lock" in str(e).lower() and "conflicting" in str(e).lower():
            return  # a read-write holder (careless notebook): readable, handled by the publish
        raise corrupt(path, e) from None


def sidecar(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SIDECAR_SUFFIX)


def remember_registry_source(db_path: str | Path, source: str | Path, province: str | None) -> None:
    db_path = Path(db_path).absolute()
    data = {"path": str(Path(source).resolve()), "province": province,
            "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    tmp = sidecar(db_path).with_name(sidecar(db_path).name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, sidecar(db_path))


def registry_source(db_path: str | Path, damaged: Path | None = None) -> dict | None:
    """Where the registry was last loaded from: the sidecar, else the damaged file's registry
    table (its source_file, found next to the warehouse or in the working folder)."""
    db_path = Path(db_path).absolute()
    try:
        return json.loads(sidecar(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    if damaged is None:
        return None
    try:
        with duckdb.connect(str(damaged), read_only=True) as con:
            found = con.execute("SELECT schema_name FROM duckdb_tables() WHERE table_name = 'registry'").fetchall()
            if not found:
                return None
            row = con.execute("SELECT any_value(source_file), any_value(province) "
                              f"FROM {found[0][0]}.registry").fetchone()
    except duckdb.Error:
        return None
    if not row or not row[0]:
        return None
    for folder in (db_path.parent, Path.cwd()):
        if (folder / row[0]).is_file():
            return {"path": str((folder / row[0]).resolve()), "province": None}
    return None


def set_aside_for_rebuild(db_path: Path) -> tuple[Path | None, dict | None]:
    """Rename the published file (and its WAL) aside under the warehouse lock; return the new
    name (None: there was no file) and the registry source to reload."""
    from warehouse.publish import _acquire_lock, _release_lock, resolve_db_path

    db_path = resolve_db_path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire_lock(db_path.with_name(db_path.name + ".lock"), "rebuild", wait=True)
    try:
        if not db_path.exists():
            return None, registry_source(db_path)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
        os.replace(db_path, aside)
        wal = db_path.with_name(db_path.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        return aside, registry_source(db_path, aside)
    finally:
        _release_lock(fd)
