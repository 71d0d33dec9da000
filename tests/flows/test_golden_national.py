"""Golden test of the national templates: one .docx per layout (tests/cases/national_*.docx,
rebuilt by testkit/build_cases.py) ingested through the flow, every view row compared
with its expected file — tasks and the 金额合计 funding lines included."""
from __future__ import annotations

import json

import duckdb
import pytest

from flows.ingest import ingest
from jixiao.settings import Settings
from tests.conftest import CASES, place
from tests.flows.test_golden_seeds import FUNDING_FIELDS, INDICATOR_FIELDS, SUBMISSION_FIELDS, _rows

CASES_AT = {
    "national_department": "2024/鄂州市/鄂州市财政局 部门（单位）整体支出绩效目标申报表.docx",
    "national_project": "2024/黄石市/黄石市教育局 教师培训项目支出绩效目标申报表.docx",
}
TASK_FIELDS = ["task", "content", "amount_total_wan", "amount_fiscal_wan", "amount_other_wan"]


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("national") / "inbox"
    for case, rel in CASES_AT.items():
        place(inbox, f"{case}.docx", rel)
    db = inbox.parent / "w.duckdb"
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("case", sorted(CASES_AT))
def test_national_layout_matches_expected_exhaustively(warehouse, case):
    expected = json.loads((CASES / f"{case}.expected.json").read_text(encoding="utf-8"))
    (sub,) = _rows(warehouse, "select * from submissions where path = ?", [CASES_AT[case]],
                   SUBMISSION_FIELDS + ["submission_id", "budget_year", "is_current", "year_source"])
    sid = sub.pop("submission_id")
    assert sub.pop("budget_year") == expected["budget_year"]
    assert sub.pop("year_source") == "document"  # the title states （2024年度）
    assert sub.pop("is_current") is True
    assert sub == expected["submission"]
    assert _rows(warehouse, "select * from funding where submission_id = ? order by source_table, source_row, "
                 "source_col", [sid], FUNDING_FIELDS) == expected["funding"]
    assert _rows(warehouse, "select * from goals where submission_id = ? order by seq", [sid],
                 ["horizon", "code", "text"]) == expected["goals"]
    assert _rows(warehouse, "select * from tasks where submission_id = ? order by seq", [sid],
                 TASK_FIELDS) == expected["tasks"]
    indicators = _rows(warehouse, "select * from indicators where submission_id = ? "
                       "order by source_table, source_row, source_col", [sid], INDICATOR_FIELDS)
    assert len(indicators) == len(expected["indicators"])
    for got, want in zip(indicators, expected["indicators"]):
        assert got == want


def test_the_continued_grid_and_the_money_checks(warehouse):
    # the department grid continues in a second table after a page break
    tables = warehouse.execute("select count(distinct source_table) from indicators i join submissions s "
                               "using (submission_id) where s.layout = 'national_department'").fetchone()[0]
    assert tables == 2
    # 年度资金总额 = 财政拨款 + 其他资金 and the 金额合计 row add up: no arithmetic warning
    checks = {c for (c,) in warehouse.execute("select distinct \"check\" from quality_issues").fetchall()}
    assert "funding_sum_mismatch" not in checks


def test_tasks_show_only_the_current_version(prefect_harness, tmp_path):
    import os
    from dataclasses import replace

    from testkit.docx_builder import save
    from testkit.forms import Task, national_department_document
    from testkit.make_samples import EZHOU_FINANCE_NATIONAL

    inbox = tmp_path / "inbox"
    old = place(inbox, "national_department.docx", "2024/鄂州市/旧版.docx")
    newer = replace(EZHOU_FINANCE_NATIONAL, tasks=[Task("预算编制与执行", "修订后的内容", "1300", "1250", "50")])
    new = inbox / "2024/鄂州市/新版.docx"
    save(national_department_document(newer), new)
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_600, 1_700_000_600))  # the later file supersedes the earlier one
    db = tmp_path / "w.duckdb"
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select t.task, t.content, t.amount_total_wan from tasks t "
                           "join submissions s using (submission_id) order by seq").fetchall()
        raw = con.execute("select count(*) from raw.raw_tasks").fetchone()[0]
    assert [(task, content, float(total)) for task, content, total in rows] == [("预算编制与执行", "修订后的内容", 1300.0)]
    assert raw == 4  # the superseded version's three tasks stay in the base table
