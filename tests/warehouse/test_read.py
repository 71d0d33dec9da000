"""The summary (`make demo`, `jixiao summary`) and the tables behind the run's artifacts."""
from __future__ import annotations

import pytest

from tests.support.demo import demo_warehouse
from warehouse.read import file_outcomes, findings_by_check, format_summary, problem_files, rollup_markdown, summary


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()


def test_summary_shows_findings_by_check_and_submission_status(db):
    d = summary(db)
    assert d["findings_by_check"]["target_below_prior"] >= 1
    assert d["findings_by_check"]["long_term_below_annual"] >= 1
    st = d["submission_status"][2024]["counts"]
    assert st["missing"] == 2 and st["partial"] == 1 and st["not_in_registry"] == 1
    text = format_summary(d)
    assert "审核问题 findings by check: target_below_prior" in text
    assert "报送情况 submission status 2024:" in text and "未报送 missing 2" in text
    assert "待催报 to chase:" in text and "湖北省教育厅（未报送）" in text


def test_artifact_tables(db):
    outcomes = file_outcomes(db)
    assert {r["status"] for r in outcomes} >= {"loaded_with_warnings", "duplicate", "ignored"}
    assert all(set(r) == {"path", "status", "reason", "forms", "message"} for r in outcomes)
    checks = findings_by_check(db)
    assert checks[0]["findings"] >= checks[-1]["findings"]
    assert {"check", "check_zh", "severity", "findings", "forms", "files"} == set(checks[0])
    md = rollup_markdown(db)
    assert "## 全省汇总 province_rollup" in md and "## 市州汇总 city_rollup" in md
    assert "| 2024 | 湖北省 | 鄂州市 |" in md and "应报" in md


def test_problem_files_are_the_rejected_and_warned_capped_with_a_count(db):
    every = file_outcomes(db)
    problems = [r for r in every if r["status"] in ("rejected", "loaded_with_warnings")]
    rows, rest = problem_files(db)
    assert rest == 0 and sorted(r["path"] for r in rows) == sorted(r["path"] for r in problems)
    assert [r["status"] for r in rows] == sorted((r["status"] for r in rows), key=lambda s: s != "rejected")
    capped, rest = problem_files(db, limit=2)
    assert len(capped) == 2 and rest == len(problems) - 2 and capped == rows[:2]
