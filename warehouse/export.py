"""`jixiao export`: every public view as Parquet (for Evidence and other tools) or one Excel
workbook with a sheet per view (for the office), read from the published file read-only.

Parquet: ``DIR/<view>.parquet``, written by DuckDB's COPY, column names as in the view.
Excel: ``DIR/jixiao.xlsx``: one sheet per view, a Chinese header row (the English column name
in a cell comment), frozen header, filters, widths; the ``files`` and ``quality_issues`` sheets
are laid out for a clerk (status and severity in Chinese, the sentence to act on first-wide,
wrapped). Excel holds at most 1,048,575 data rows per sheet: larger views are cut there and
the sheet says so in its last row.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from jixiao.catalog import CATALOG
from warehouse.read import connect_readonly
from warehouse.store import PUBLIC_VIEWS

WORKBOOK = "jixiao.xlsx"
EXCEL_MAX_ROWS = 1_048_575

SHEET_ZH = {
    "files": "文件", "submissions": "报表", "funding": "资金", "goals": "目标", "indicators": "指标",
    "quality_issues": "审核问题", "submission_status": "报送情况", "city_rollup": "市州汇总",
    "province_rollup": "全省汇总", "tasks": "年度任务",
}
COLUMN_ZH = {
    "path": "文件路径", "sha256": "文件指纹", "size_bytes": "大小（字节）", "modified_at": "修改时间",
    "status": "状态", "reason": "原因代码", "message": "说明", "forms": "表数",
    "submission_id": "报表编号", "form_index": "文件内序号", "form_type": "表类型", "layout": "版式",
    "budget_year": "预算年度", "department": "部门", "province": "省", "city": "市州", "county": "县市区",
    "admin_level": "级次", "region_code": "地区代码", "filer": "填报人", "phone": "联系电话",
    "project_name": "项目名称", "project_code": "项目编码", "supervising_department": "主管部门",
    "executing_unit": "执行单位", "is_current": "是否现行", "warnings": "警告数", "year_source": "年度来源",
    "long_term_until": "长期目标截止年", "logical_key": "逻辑键", "superseded_by": "被取代于",
    "fiscal_year": "数据年度", "direction": "收支", "category": "类别", "is_total": "是否合计",
    "amount_wan": "金额（万元）", "share_pct": "占比（%）", "source_table": "表序号", "source_row": "行",
    "source_col": "列", "horizon": "期限", "code": "目标编号", "text": "目标内容", "seq": "顺序",
    "goal": "所属目标", "level1": "一级指标", "level2": "二级指标", "name": "指标名称", "basis": "确定依据",
    "is_target": "是否目标值", "value_raw": "指标值（原文）", "value_num": "数值", "value_unit": "单位",
    "comparator": "比较符", "value_kind": "指标值类型", "value_num_max": "数值上限", "severity": "严重程度",
    "check": "检查代码", "location": "位置", "check_zh": "检查项", "status_zh": "状态（中文）",
    "in_registry": "在名单内", "expected_department_form": "应报部门整体表",
    "expected_project_forms": "应报项目表数", "department_forms": "部门整体表数", "project_forms": "项目表数",
    "findings": "审核问题数", "rejected_files": "退回文件数", "last_modified_at": "最近报送时间",
    "paths": "文件", "rejected_paths": "退回文件", "contact": "联系人",
    "departments": "部门整体表数", "projects": "项目表数", "income_total_wan": "收入合计（万元）",
    "expenditure_total_wan": "支出合计（万元）", "indicators": "指标数", "target_values": "目标值数",
    "quantitative_targets": "量化目标值数", "quantitative_share": "量化占比", "cities": "市州数",
    "provincial_departments": "省直部门数", "expected": "应报部门数", "submitted": "已报部门数",
    "missing": "未报部门数",
}
FILE_STATUS_ZH = {"loaded": "已入库", "loaded_with_warnings": "已入库（有警告）", "superseded": "已被新版本取代",
                  "duplicate": "重复文件", "rejected": "退回", "ignored": "忽略"}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}
CHECK_ZH = {c.code: c.name_zh for c in CATALOG.values()}

# clerk layouts: (sql, widths); the sentence to act on is wide and wrapped
CLERK_SQL = {
    "files": """
        SELECT path, status, message, forms, reason, modified_at, size_bytes, sha256
        FROM files ORDER BY CASE status WHEN 'rejected' THEN 0 WHEN 'loaded_with_warnings' THEN 1 ELSE 2 END, path""",
    "quality_issues": """
        SELECT q.path, s.department, s.project_name, q.severity, q."check", q.location, q.message, q.submission_id
        FROM quality_issues AS q LEFT JOIN submissions AS s USING (submission_id)
        ORDER BY q.path, q.severity, q."check", q.location""",
}
WIDE = {"message": 80, "path": 48, "paths": 48, "rejected_paths": 40, "text": 80, "value_raw": 24, "name": 28,
        "department": 24, "project_name": 28, "location": 22, "contact": 24}


def export(db_path: str | Path, out_dir: str | Path, fmt: str) -> list[Path]:
    if fmt == "parquet":
        return export_parquet(db_path, out_dir)
    if fmt == "xlsx":
        return [export_xlsx(db_path, out_dir)]
    raise ValueError(f"unknown export format {fmt!r} (parquet | xlsx)")


def export_parquet(db_path: str | Path, out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with connect_readonly(db_path) as con:
        for view in PUBLIC_VIEWS:
            target = out / f"{view}.parquet"
            tmp = target.with_name(target.name + ".tmp")
            con.execute(f"COPY (SELECT * FROM \"{view}\") TO '{_sql_path(tmp)}' (FORMAT parquet)")
            tmp.replace(target)
            written.append(target)
    return written


def _sql_path(p: Path) -> str:
    return str(p.absolute()).replace("'", "''")


def _cell(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)
    return v


def export_xlsx(db_path: str | Path, out_dir: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    with connect_readonly(db_path) as con:
        for view in PUBLIC_VIEWS:
            cur = con.execute(CLERK_SQL.get(view, f'SELECT * FROM "{view}"'))
            cols = [d[0] for d in cur.description]
            rows = cur.fetchmany(EXCEL_MAX_ROWS)
            if view == "quality_issues":  # the check's Chinese name beside its code
                cols.insert(5, "check_zh")
                rows = [r[:5] + (CHECK_ZH.get(r[4], r[4]),) + r[5:] for r in rows]
            cut = cur.fetchone() is not None
            ws = wb.create_sheet(SHEET_ZH.get(view, view)[:31])
            ws.append([COLUMN_ZH.get(c, c) for c in cols])
            for i, c in enumerate(cols, start=1):
                cell = ws.cell(row=1, column=i)
                cell.font, cell.fill = head_font, head_fill
                cell.comment = Comment(f"{view}.{c}", "jixiao")
            for r in rows:
                values = [_cell(v) for v in r]
                if view == "files":
                    values[1] = FILE_STATUS_ZH.get(values[1], values[1])
                elif view == "quality_issues":
                    values[3] = SEVERITY_ZH.get(values[3], values[3])
                ws.append(values)
            if cut:
                ws.append([f"（仅导出前{EXCEL_MAX_ROWS}行，完整数据请用 Parquet 导出）"])
            ws.freeze_panes = "A2"
            if rows:
                ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
            for i, c in enumerate(cols, start=1):
                ws.column_dimensions[get_column_letter(i)].width = WIDE.get(c, max(10, len(COLUMN_ZH.get(c, c)) * 2 + 2))
            if view in CLERK_SQL:
                for i, c in enumerate(cols, start=1):
                    if c in ("message", "path"):
                        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                            cell.alignment = wrap
    target = out / WORKBOOK
    tmp = target.with_name(target.name + ".tmp")
    wb.save(tmp)
    tmp.replace(target)
    return target
