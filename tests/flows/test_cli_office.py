"""`jixiao registry load` and `jixiao export` as an operator runs them (real subprocesses)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl

from tests.conftest import REPO
from tests.support.demo import demo_warehouse

JIXIAO = Path(sys.executable).with_name("jixiao")


def _run(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return subprocess.run([str(JIXIAO), *args], capture_output=True, text=True, env=env, timeout=300)


def test_registry_load_on_a_new_warehouse_then_summary(tmp_path):
    db = tmp_path / "w.duckdb"
    proc = _run(tmp_path, "registry", "load", str(REPO / "samples" / "registry.csv"), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "12 个应报部门" in proc.stdout and "报送情况 submission status 2024" in proc.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM submission_status WHERE status = 'missing'").fetchone()[0] == 12


def test_bad_registry_is_refused_with_every_line_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("department,region_code\n鄂州市财政局,12\n,420700\n", encoding="utf-8")
    proc = _run(tmp_path, "registry", "load", str(bad), "--db", str(tmp_path / "w.duckdb"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "第2行" in proc.stderr and "第3行" in proc.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_export_both_formats(prefect_harness, tmp_path):
    db = demo_warehouse()
    proc = _run(tmp_path, "export", "--db", str(db), "--format", "parquet", str(tmp_path / "pq"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "pq" / "city_rollup.parquet").exists()
    proc = _run(tmp_path, "export", "--db", str(db), "--format", "xlsx", str(tmp_path / "xl"))
    assert proc.returncode == 0, proc.stderr
    assert "审核问题" in openpyxl.load_workbook(tmp_path / "xl" / "jixiao.xlsx").sheetnames
    proc = _run(tmp_path, "export", "--db", str(tmp_path / "none.duckdb"), str(tmp_path / "x"))
    assert proc.returncode == 2 and "no warehouse" in proc.stderr


def test_letters_as_an_operator_runs_them(prefect_harness, tmp_path):
    db = demo_warehouse()
    proc = _run(tmp_path, "letters", "--db", str(db), "--out", str(tmp_path / "letters"), "--year", "2024",
                "--office", "湖北省财政厅")
    assert proc.returncode == 0, proc.stderr
    written = sorted((tmp_path / "letters").glob("*.docx"))
    assert written and "10 份" in proc.stdout


def test_office_commands_answer_operator_mistakes_in_one_line(prefect_harness, tmp_path):
    db = demo_warehouse()
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("not a warehouse", encoding="utf-8")
    a_file = tmp_path / "a_file"
    a_file.write_text("", encoding="utf-8")
    cases = [
        (("letters", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "o")), "no warehouse"),
        (("letters", "--db", str(not_duckdb), "--out", str(tmp_path / "o")), "not a DuckDB"),
        (("letters", "--db", str(db), "--out", str(a_file)), "cannot write"),
        (("dashboard", "--db", str(tmp_path / "none.duckdb")), "no warehouse"),
        (("dashboard", "--db", str(not_duckdb)), "not a DuckDB"),
        (("export", "--db", str(not_duckdb), str(tmp_path / "x")), "not a DuckDB"),
        (("export", "--db", str(db), "--format", "xlsx", str(a_file)), "is not a folder"),  # flows.errors.require_writable_dir
    ]
    for args, says in cases:
        proc = _run(tmp_path, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and says in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
