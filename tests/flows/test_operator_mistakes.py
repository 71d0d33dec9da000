"""Issue 12.11: every operator mistake is one line (Chinese and English), a non-zero exit, no
traceback, and no flow run left RUNNING in Prefect. Real `jixiao` subprocesses, all talking to
the test harness's Prefect server (except the `serve` that must refuse to run without one)."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path

import openpyxl

from flows.errors import YEAR_MAX, YEAR_MIN
from tests.conftest import REPO
from tests.support.fs import readonly_dir
from tests.support.runs import JIXIAO, env_for, write_forms
from transforms.schemas import YEAR


def _running_flow_runs(api: str) -> int:
    body = json.dumps({"flow_runs": {"state": {"type": {"any_": ["RUNNING", "PENDING"]}}}}).encode()
    req = urllib.request.Request(api + "/flow_runs/filter", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return len(json.load(r))


def _registry_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门名称", "地区代码", "项目表数", "联系人"])
    ws.append(["鄂州市财政局", 420700, 0, "张三"])
    ws.append(["黄石市财政局", None, 2, None])
    wb.save(path)
    return path


def test_every_operator_mistake_is_one_line_a_nonzero_exit_and_no_traceback(prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()
    env = env_for(tmp_path, api_url=api)
    inbox = tmp_path / "inbox"
    write_forms(inbox, ["鄂州市财政局"])
    db = tmp_path / "w.duckdb"
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("这不是仓库 / not a warehouse\n" * 20, encoding="utf-8")
    good = subprocess.run([str(JIXIAO), "registry", "load", str(REPO / "samples" / "registry.csv"), "--db", str(db)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert good.returncode == 0, good.stderr  # a real warehouse for export
    runs_before = _running_flow_runs(api)

    with readonly_dir(tmp_path / "ro") as ro:
        mistakes = {
            "--workers -1": ["ingest", str(inbox), "--db", str(db), "--workers", "-1"],
            "--year 1800": ["ingest", str(inbox), "--db", str(db), "--year", "1800"],
            "--batch-size 0": ["ingest", str(inbox), "--db", str(db), "--batch-size", "0"],
            "--db in a read-only folder": ["ingest", str(inbox), "--db", str(ro / "w.duckdb")],
            "summary of a missing file": ["summary", "--db", str(tmp_path / "missing.duckdb")],
            "summary of a non-DuckDB file": ["summary", "--db", str(not_duckdb)],
            "export to a read-only folder": ["export", "--db", str(db), str(ro / "out")],
            "export of a missing file": ["export", "--db", str(tmp_path / "missing.duckdb"), str(tmp_path / "x")],
            "serve --cron 'not a cron'": ["serve", str(inbox), "--db", str(db), "--cron", "not a cron"],
            "registry load of a missing file": ["registry", "load", str(tmp_path / "nope.csv"), "--db", str(db)],
            "dashboard on a missing db": ["dashboard", "--db", str(tmp_path / "missing.duckdb")],
            "letters on a missing db": ["letters", "--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "l")],
            "unknown option": ["ingest", str(inbox), "--db", str(db), "--wrokers", "2"],
        }
        outcomes = {name: subprocess.run([str(JIXIAO), *argv], env=env, capture_output=True, text=True, timeout=300)
                    for name, argv in mistakes.items()}
        # serve without a Prefect server: refuses instead of serving on a temporary one nobody can reach
        no_server = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        outcomes["serve without a Prefect server"] = subprocess.run(
            [str(JIXIAO), "serve", str(inbox), "--db", str(db)], env=no_server, capture_output=True, text=True,
            timeout=120)
        assert not any(ro.iterdir())  # nothing was written where it could not be

    problems = []
    for name, proc in outcomes.items():
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        if proc.returncode == 0 or "Traceback" in proc.stdout + proc.stderr or len(lines) != 1 \
                or not lines[0].startswith("jixiao: ") or " / " not in lines[0]:
            problems.append(f"{name}: exit {proc.returncode}, stderr {proc.stderr[-600:]!r}")
    assert not problems, "\n".join(problems)
    assert "1800" in outcomes["--year 1800"].stderr and "PREFECT_API_URL" in outcomes["serve without a Prefect server"].stderr
    assert _running_flow_runs(api) == runs_before  # no mistake started (and left) a flow run

    # an .xlsx registry is not a mistake: the workbook is read like the CSV
    xlsx = subprocess.run([str(JIXIAO), "registry", "load", str(_registry_xlsx(tmp_path / "名单.xlsx")),
                           "--db", str(db)], env=env, capture_output=True, text=True, timeout=300)
    assert xlsx.returncode == 0 and "2 个应报部门" in xlsx.stdout, xlsx.stderr


def test_the_year_window_is_the_one_the_schema_accepts():
    assert (YEAR_MIN, YEAR_MAX) == (YEAR["ge"], YEAR["le"])
