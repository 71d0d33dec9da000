"""The run's Prefect artifacts: file outcomes, findings by check, the rollups in markdown."""
from __future__ import annotations

import json

from prefect.client.orchestration import get_client

from tests.support.demo import demo_warehouse

KEYS = ["ingest-files", "ingest-summary", "ingest-file-outcomes", "ingest-findings-by-check", "ingest-rollups"]


def _latest(client, key) -> dict:
    # A raw POST: the 3.8.8 client (read_artifacts, Artifact.get) sends null flow_runs / task_runs /
    # offset, which this server rejects with 422; omitting the keys is accepted.
    r = client._client.post("/artifacts/filter", json={"artifacts": {"key": {"any_": [key]}},
                                                       "sort": "CREATED_DESC", "limit": 1, "offset": 0})
    r.raise_for_status()
    (art,) = r.json()
    return art


def test_each_run_publishes_outcomes_findings_and_rollups(prefect_harness):
    demo_warehouse()  # at least one ingestion run under this harness
    with get_client(sync_client=True) as client:
        arts = {k: _latest(client, k) for k in KEYS}
    assert {k: a["type"] for k, a in arts.items()} == {
        "ingest-files": "table", "ingest-summary": "markdown", "ingest-file-outcomes": "table",
        "ingest-findings-by-check": "table", "ingest-rollups": "markdown"}
    outcomes = json.loads(arts["ingest-file-outcomes"]["data"])
    assert outcomes and {"path", "status", "reason", "forms", "message"} <= set(outcomes[0])
    # sized for a province: only rejected and warned files, never every loaded one
    assert {r["status"] for r in outcomes} <= {"rejected", "loaded_with_warnings"}
    by_check = json.loads(arts["ingest-findings-by-check"]["data"])
    assert any(r["check"] == "target_below_prior" for r in by_check)
    assert "市州汇总" in arts["ingest-rollups"]["data"] and "全省汇总" in arts["ingest-rollups"]["data"]
    summary = arts["ingest-summary"]["data"]
    assert "文件 files:" in summary and "审核问题 findings by check" in summary


def test_the_per_file_table_is_capped_with_a_row_counting_the_rest(prefect_harness, monkeypatch):
    import flows.ingest as flow_module
    from tests.support.demo import demo_warehouse as build
    from warehouse.read import problem_files, summary

    db = build()
    _, none_left = problem_files(db)
    monkeypatch.setattr(flow_module, "ARTIFACT_FILES", 1)
    from prefect import flow

    @flow
    def publish_only():
        flow_module._publish_artifacts(summary(db), db)

    publish_only()
    with get_client(sync_client=True) as client:
        rows = json.loads(_latest(client, "ingest-file-outcomes")["data"])
    total = len(problem_files(db, limit=10_000)[0])
    assert none_left == 0 and total >= 2
    assert len(rows) == 2 and rows[-1]["path"].startswith(f"…另有 {total - 1} 个文件未列出")
