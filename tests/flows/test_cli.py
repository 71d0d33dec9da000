"""The `jixiao` command as an operator runs it: a real subprocess, a temporary Prefect server."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import REPO, SAMPLES

JIXIAO = Path(sys.executable).with_name("jixiao")
CHECK_CONTRACT = REPO / "warehouse" / "contract.py"  # the contract check of the project


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env


def test_ingest_sample_inbox_prints_summary_without_traceback_and_holds_the_contract(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    proc = subprocess.run([str(JIXIAO), "ingest", str(SAMPLES), "--db", str(db)],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert "files:" in proc.stdout and "findings" in proc.stdout

    check = subprocess.run([sys.executable, str(CHECK_CONTRACT), str(db)], capture_output=True, text=True)
    assert check.returncode == 0 and "contract holds" in check.stdout, check.stdout

    expected = json.loads((REPO / "tests" / "cases" / "sample_inbox.expected.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = dict(con.execute("select path, status from files").fetchall())
        formats = dict(con.execute("select path, source_format from submissions").fetchall())
    on_disk = {p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*") if p.is_file()}
    assert set(statuses) == on_disk  # every file accounted for
    # exact (issue 13.10): a file with only review findings is loaded, not loaded_with_warnings
    assert {f["path"]: statuses[f["path"]] for f in expected["files"]} == {f["path"]: f["expect"] for f in expected["files"]}
    for f in expected["files"]:  # .doc, .wps, .xlsx, .et and PDF samples say what they were sent as
        if "source_format" in f:
            assert formats[f["path"]] == f["source_format"], f["path"]


def test_missing_inbox_is_a_clear_error(tmp_path):
    proc = subprocess.run([str(JIXIAO), "ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert proc.returncode == 2
    assert "not a folder" in proc.stderr and "Traceback" not in proc.stderr


def test_serve_builds_a_nightly_cron_deployment_of_the_ingest_flow(tmp_path):
    from flows.cli import _parser, nightly_deployment

    args = _parser().parse_args(["serve", str(tmp_path), "--db", str(tmp_path / "w.duckdb"),
                                 "--cron", "30 1 * * *", "--year", "2025"])
    deployment = nightly_deployment(args)
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 1 * * *", "Asia/Shanghai")
    assert deployment.parameters == {"inbox": str(tmp_path), "db": str(tmp_path / "w.duckdb"),
                                     "year": 2025, "province": "湖北省", "review_config": None,
                                     "quantitative_share_min": None}
    assert deployment.flow_name == "ingest"
