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


def test_tasks_is_exported_in_both_formats(db, tmp_path):
    import pyarrow.parquet as pq

    export(db, tmp_path / "pq", "parquet")
    assert pq.read_table(tmp_path / "pq" / "tasks.parquet").num_rows == 3
    (path,) = export(db, tmp_path / "xl", "xlsx")
    ws = openpyxl.load_workbook(path)[SHEET_ZH["tasks"]]
    assert ws.max_row == 4 and "主要任务" in [c.value for c in ws[1]]


def _sheet(path, view):
    ws = openpyxl.load_workbook(path)[SHEET_ZH[view]]
    names = [c.comment.text.split(".", 1)[1] for c in ws[1]]
    return ws, names


def test_money_has_two_decimals_and_thousands_separators(db, tmp_path):
    (path,) = export(db, tmp_path, "xlsx")
    for view, col in (("funding", "amount_wan"), ("city_rollup", "income_total_wan"),
                      ("province_rollup", "expenditure_total_wan"), ("tasks", "amount_total_wan")):
        ws, names = _sheet(path, view)
        i = names.index(col) + 1
        cells = [ws.cell(row=r, column=i) for r in range(2, ws.max_row + 1)]
        assert cells and all(c.number_format == "#,##0.00" for c in cells), (view, col)
        assert all(isinstance(c.value, (int, float)) for c in cells if c.value is not None)


def test_shares_are_percentages(db, tmp_path):
    (path,) = export(db, tmp_path, "xlsx")
    ws, names = _sheet(path, "city_rollup")
    i = names.index("quantitative_share") + 1
    city = {(ws.cell(row=r, column=1).value, ws.cell(row=r, column=3).value): ws.cell(row=r, column=i)
            for r in range(2, ws.max_row + 1)}
    assert city[(2024, "鄂州市")].value == 0.625 and city[(2024, "鄂州市")].number_format == "0.00%"
    ws, names = _sheet(path, "funding")
    i = names.index("share_pct") + 1
    with duckdb.connect(str(db), read_only=True) as con:
        want = [float(v) / 100 for (v,) in con.execute("SELECT share_pct FROM funding WHERE share_pct IS NOT NULL")
                .fetchall()]
    got = sorted(ws.cell(row=r, column=i).value for r in range(2, ws.max_row + 1)
                 if ws.cell(row=r, column=i).value is not None)
    assert len(got) == len(want) and all(abs(g - w) < 1e-9 for g, w in zip(got, sorted(want)))
    assert all(ws.cell(row=r, column=i).number_format == "0.00%" for r in range(2, ws.max_row + 1))


def test_coded_values_have_chinese_beside_them(db, tmp_path):
    from warehouse.labels import CODE_ZH

    (path,) = export(db, tmp_path, "xlsx")
    pairs = {("funding", "direction"): {"income": "收入", "expenditure": "支出"},
             ("goals", "horizon"): {"long_term": "长期", "annual": "年度"},
             ("indicators", "value_kind"): {"quantitative": "定量"},
             ("submissions", "form_type"): {"department": "部门整体", "project": "项目"}}
    for (view, col), some in pairs.items():
        ws, names = _sheet(path, view)
        i = names.index(col)
        assert names[i + 1] == f"{col}_zh", (view, names)
        assert ws.cell(row=1, column=i + 2).value.endswith("（中文）")
        seen = {ws.cell(row=r, column=i + 1).value: ws.cell(row=r, column=i + 2).value
                for r in range(2, ws.max_row + 1)}
        assert all(seen[k] == v for k, v in some.items() if k in seen) and seen, (view, seen)
        assert all(CODE_ZH[col].get(k, k) == v for k, v in seen.items())
    ws, names = _sheet(path, "submission_status")  # the view's own status_zh, not a second one
    assert names.count("status_zh") == 1 and names[names.index("status") + 1] == "status_zh"
