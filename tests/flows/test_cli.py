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


def test_serve_builds_a_nightly_cron_deployment_of_the_ingest_flow(tmp_path, monkeypatch):
    from flows.cli import _parser, _settings, nightly_deployment
    from flows.ingest import ingest
    from jixiao.settings import Settings

    monkeypatch.chdir(tmp_path)
    args = _parser().parse_args(["serve", str(tmp_path), "--db", str(tmp_path / "w.duckdb"),
                                 "--cron", "30 1 * * *", "--year", "2025", "--workers", "3", "--batch-size", "20",
                                 "--runner", "processes"])
    settings = _settings(args)
    deployment = nightly_deployment(settings, args.name)
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 1 * * *", "Asia/Shanghai")
    assert list(deployment.parameters) == ["settings"]  # one typed parameter, shown whole in the UI
    assert deployment.flow_name == "ingest"
    # what the scheduled run is called with is the same Settings again
    (got,) = ingest.validate_parameters(deployment.parameters).values()
    assert isinstance(got, Settings) and got == settings
    assert (got.workers, got.batch_size, got.year, got.province) == (3, 20, 2025, "湖北省")


def test_ingest_and_serve_share_one_option_group():
    from flows.cli import _parser

    sub = next(a for a in _parser()._actions if a.dest == "command").choices

    def options(name):
        (group,) = [g for g in sub[name]._action_groups if g.title == "settings"]
        return {a.dest for a in group._group_actions}

    assert options("ingest") == options("serve")
    assert {"workers", "runner", "batch_size", "config", "review_config"} <= options("serve")
