"""The demo warehouse (what `make demo` builds): the sample registry loaded, then the sample
inbox ingested through the Prefect flow. Built once per test session (callers must hold the
prefect_harness fixture) into a temporary folder; open it read-only."""
from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from tests.conftest import REPO, SAMPLES

REGISTRY = REPO / "samples" / "registry.csv"


@functools.cache
def demo_warehouse() -> Path:
    from flows.ingest import ingest
    from jixiao.settings import Settings
    from warehouse.registry import load_registry

    db = Path(tempfile.mkdtemp(prefix="jixiao-demo-")) / "warehouse.duckdb"
    load_registry(db, REGISTRY)
    ingest(Settings(inbox=str(SAMPLES), db=str(db), province="湖北省"))
    return db
