"""The same inbox through every runner gives the same warehouse: the local process pool
(default), no pool (workers=1), and Dask workers on a LocalCluster (prefect-dask)."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from flows.ingest import configured, ingest
from jixiao.settings import Settings
from tests.conftest import SAMPLES
from tests.flows.test_ingest import snapshot


@pytest.fixture
def sample_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox)
    return inbox


def _settings(inbox, db, **kw) -> Settings:
    return Settings(inbox=str(inbox), db=str(db), province="湖北省", batch_size=4, **kw)


def _ingest(flow, inbox, db, **kw):
    return flow(_settings(inbox, db, **kw))


def test_process_pool_matches_in_process(prefect_harness, sample_inbox, tmp_path):
    one = _ingest(ingest, sample_inbox, tmp_path / "one.duckdb", workers=1)
    two = _ingest(configured(Settings(workers=2)), sample_inbox, tmp_path / "two.duckdb", workers=2)
    assert one["files_by_status"] == two["files_by_status"]
    assert snapshot(tmp_path / "one.duckdb") == snapshot(tmp_path / "two.duckdb")
    with duckdb.connect(str(tmp_path / "two.duckdb"), read_only=True) as con:
        stats = dict(con.execute("SELECT key, coalesce(CAST(value AS VARCHAR), text) FROM raw.run_stats").fetchall())
    assert stats["runner"] == "processes" and float(stats["workers"]) == 2
    assert {"extract", "normalize", "validate", "load", "scan", "open"} <= set(stats)


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_dask_local_cluster_matches_default_runner(prefect_harness, sample_inbox, tmp_path, processes):
    default = _ingest(ingest, sample_inbox, tmp_path / "default.duckdb", workers=1)
    flow = configured(Settings(runner="dask", workers=2), dask_processes=processes)
    dask = _ingest(flow, sample_inbox, tmp_path / "dask.duckdb", workers=2, runner="dask")
    assert dask["files_by_status"] == default["files_by_status"]
    assert snapshot(tmp_path / "dask.duckdb") == snapshot(tmp_path / "default.duckdb")
    # a re-run on Dask over the unchanged inbox reads nothing and changes nothing
    again = _ingest(flow, sample_inbox, tmp_path / "dask.duckdb", workers=2, runner="dask")
    assert again["runs"] == 2
    assert snapshot(tmp_path / "dask.duckdb") == snapshot(tmp_path / "default.duckdb")
