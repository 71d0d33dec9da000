"""`jixiao export`: Parquet read back with DuckDB, the workbook opened with openpyxl."""
from __future__ import annotations

import duckdb
import openpyxl
import pytest

from tests.support.demo import demo_warehouse
from warehouse.export import COLUMN_ZH, SHEET_ZH, export
from warehouse.store import PUBLIC_VIEWS


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()


def test_parquet_every_view_reads_back_identical(db, tmp_path):
    written = export(db, tmp_path / "out", "parquet")
    assert sorted(p.name for p in written) == sorted(f"{v}.parquet" for v in PUBLIC_VIEWS)
    with duckdb.connect(str(db), read_only=True) as con:
        for view in PUBLIC_VIEWS:
            path = tmp_path / "out" / f"{view}.parquet"
            want = con.execute(f"SELECT * FROM {view}").fetchall()
            got = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
            assert sorted(map(repr, got)) == sorted(map(repr, want)), view
            cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
            assert cols == [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]


def test_workbook_has_a_sheet_per_view_with_chinese_headers(db, tmp_path):
    (path,) = export(db, tmp_path, "xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET_ZH[v] for v in PUBLIC_VIEWS]
    with duckdb.connect(str(db), read_only=True) as con:
        for view in PUBLIC_VIEWS:
            ws = wb[SHEET_ZH[view]]
            header = [c.value for c in ws[1]]
            assert all(h and not h.isascii() for h in header), (view, header)
            n = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
            assert ws.max_row == n + 1, view
            assert ws.freeze_panes == "A2"
    rollup = wb[SHEET_ZH["city_rollup"]]
    assert [c.value for c in rollup[1]][:3] == [COLUMN_ZH["budget_year"], COLUMN_ZH["province"], COLUMN_ZH["city"]]
    assert rollup.cell(row=1, column=1).comment.text == "city_rollup.budget_year"


def test_files_and_quality_issues_sheets_are_laid_out_for_a_clerk(db, tmp_path):
    (path,) = export(db, tmp_path, "xlsx")
    wb = openpyxl.load_workbook(path)
    files = wb["文件"]
    assert [c.value for c in files[1]][:3] == ["文件路径", "状态", "说明"]
    statuses = {files.cell(row=r, column=2).value for r in range(2, files.max_row + 1)}
    assert statuses <= {"已入库", "已入库（有警告）", "已被新版本取代", "重复文件", "退回", "忽略"} and "忽略" in statuses
    assert files.column_dimensions["C"].width >= 60 and files.cell(row=2, column=3).alignment.wrap_text
    issues = wb["审核问题"]
    head = [c.value for c in issues[1]]
    assert head[:7] == ["文件路径", "部门", "项目名称", "严重程度", "检查代码", "检查项", "位置"]
    rows = list(issues.iter_rows(min_row=2, values_only=True))
    assert any(r[4] == "target_below_prior" and r[5] == "目标值低于上年" and "核心技术攻关" in r[7] for r in rows)
    assert {r[3] for r in rows} <= {"错误", "警告"}
