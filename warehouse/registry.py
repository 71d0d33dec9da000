"""`jixiao registry load FILE`: replace the registry of expected submitters in a warehouse.

The write goes through the single writer (warehouse/store.py): the same lock as an ingestion
run, a private copy, an atomic publish that also re-materialises submission_status and the
rollups. It adds no row to ``runs``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from transforms.registry import read_registry
from warehouse.store import Warehouse


def load_registry(db_path: str | Path, csv_path: str | Path, province: str | None = "湖北省",
                  wait: bool = True) -> int:
    """Read the CSV (raises transforms.registry.RegistryError on bad lines) and publish it.
    Returns the number of registry rows."""
    frame = read_registry(csv_path, default_province=province)
    run_id = "registry-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    with Warehouse.open(Path(db_path), run_id, inbox=None, year_default=None, wait=wait,
                        record_run=False) as wh:
        wh.replace_registry(frame)
        wh.publish()
    from warehouse.recovery import remember_registry_source

    remember_registry_source(wh.db_path, csv_path, province)  # for `jixiao ingest --rebuild` (12.10)
    return len(frame)
