"""Golden test: both seeds, rebuilt as real .docx, ingested through the flow and compared with
exhaustive expected files written from the seed text (every funding line, goal and value)."""
from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest

from flows.ingest import ingest
from jixiao.settings import Settings
from tests.conftest import CASES, place

SEEDS = {
    "seed_000_department_hubei": "2024/鄂州市/鄂州市科学技术局/部门整体绩效目标表.docx",
    # seed 003 states no year: it takes the year of the folder it was filed in
    "seed_003_project_hubei": "2024/湖北省/附表五 综合事务工作专项预算绩效目标.docx",
}
SUBMISSION_FIELDS = ["form_type", "layout", "department", "filer", "phone", "project_name", "project_code",
                     "supervising_department", "executing_unit", "province", "city", "county",
                     "admin_level", "region_code"]
INDICATOR_FIELDS = ["horizon", "goal", "level1", "level2", "name", "basis", "category", "fiscal_year",
                    "is_target", "value_raw", "value_num", "value_num_max", "value_unit", "comparator",
                    "value_kind"]
FUNDING_FIELDS = ["direction", "category", "fiscal_year", "is_total", "amount_wan", "share_pct"]


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("golden") / "inbox"
    for case, rel in SEEDS.items():
        place(inbox, f"{case}.docx", rel)
    db = inbox.parent / "w.duckdb"
    ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省"))
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def _rows(con, sql, params, fields):
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [{f: _plain(dict(zip(names, r))[f]) for f in fields} for r in cur.fetchall()]


def _plain(v):
    return float(v) if isinstance(v, (Decimal, float)) else v


@pytest.mark.parametrize("case", sorted(SEEDS))
def test_seed_matches_expected_exhaustively(warehouse, case):
    expected = json.loads((CASES / f"{case}.expected.json").read_text(encoding="utf-8"))
    path = SEEDS[case]
    (sub,) = _rows(warehouse, "select * from submissions where path = ?", [path],
                   SUBMISSION_FIELDS + ["submission_id", "budget_year", "is_current"])
    sid = sub.pop("submission_id")
    assert sub.pop("budget_year") == expected["budget_year"]
    assert sub.pop("is_current") is True
    assert sub == expected["submission"]

    funding = _rows(warehouse, "select * from funding where submission_id = ? "
                    "order by source_table, source_row, source_col", [sid], FUNDING_FIELDS)
    assert funding == expected["funding"]

    goals = _rows(warehouse, "select * from goals where submission_id = ? order by seq", [sid],
                  ["horizon", "code", "text"])
    assert goals == expected["goals"]

    indicators = _rows(warehouse, "select * from indicators where submission_id = ? "
                       "order by source_table, source_row, source_col", [sid], INDICATOR_FIELDS)
    assert len(indicators) == len(expected["indicators"])
    for got, want in zip(indicators, expected["indicators"]):
        assert got == want


def test_seed_files_load_and_the_department_form_has_no_arithmetic_findings(warehouse):
    statuses = dict(warehouse.execute("select path, status from files").fetchall())
    assert set(statuses) == set(SEEDS.values())
    assert all(s in ("loaded", "loaded_with_warnings") for s in statuses.values())
    checks = warehouse.execute("select distinct \"check\" from quality_issues").fetchall()
    assert not {c for (c,) in checks} & {"funding_sum_mismatch", "funding_share_mismatch",
                                         "funding_income_expenditure_mismatch"}
