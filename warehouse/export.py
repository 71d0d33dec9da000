"""`jixiao export`: every public view as Parquet (for Evidence and other tools) or one Excel
workbook with a sheet per view (for the office), read from the published file read-only.

Parquet: ``DIR/<view>.parquet``, written by DuckDB's COPY, column names as in the view.
Excel: ``DIR/jixiao.xlsx``: one sheet per view, a Chinese header row (the English column name
in a cell comment), frozen header, filters, widths; the ``files`` and ``quality_issues`` sheets
are laid out for a clerk (status and severity in Chinese, the sentence to act on first-wide,
wrapped). Money (万元, columns ``*_wan``) is written as numbers formatted ``#,##0.00``; shares as
percentages (``0.00%``: 量化占比 0.625 shows 62.50%, 占比 45.3 shows 45.30%); every coded column
(``direction``, ``horizon``, ``value_kind``, ``status`` …) has its Chinese ``<col>_zh`` beside
it, from the one mapping in warehouse/labels.py. Excel holds at most 1,048,575 data rows per sheet: larger views are cut there and
the sheet says so in its last row.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from warehouse.labels import CHECK_ZH, CODE_ZH, COLUMN_ZH, FILE_STATUS_ZH, SEVERITY_ZH, column_zh
from warehouse.read import connect_readonly
from warehouse.store import PUBLIC_VIEWS

__all__ = ["export", "export_parquet", "export_xlsx", "COLUMN_ZH", "SHEET_ZH", "CHECK_ZH", "FILE_STATUS_ZH",
           "SEVERITY_ZH", "MONEY_FORMAT", "PERCENT_FORMAT"]

WORKBOOK = "jixiao.xlsx"
EXCEL_MAX_ROWS = 1_048_575
MONEY_FORMAT = "#,##0.00"  # 万元, two decimals, thousands separators
PERCENT_FORMAT = "0.00%"

SHEET_ZH = {
    "files": "文件", "submissions": "报表", "funding": "资金", "goals": "目标", "indicators": "指标",
    "quality_issues": "审核问题", "submission_status": "报送情况", "city_rollup": "市州汇总",
    "province_rollup": "全省汇总", "tasks": "主要任务",
}
#: percentage columns: name → divisor that makes the stored value a fraction for Excel's % format
PERCENT_COLUMNS = {"quantitative_share": 1, "share_pct": 100}


def _is_money(column: str) -> bool:
    return column.endswith("_wan")


# clerk layouts: (sql, widths); the sentence to act on is wide and wrapped
CLERK_SQL = {
    "files": """
        SELECT path, status, message, forms, warnings, findings, reason, modified_at, size_bytes, sha256
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


def _sheet_columns(view: str, cols: list[str]) -> list[tuple[str, object]]:
    """The sheet's columns as (name, value of a row): the view's columns, each coded column
    followed by its Chinese ``<col>_zh`` (unless the view has one); the clerk sheets show status
    and severity in Chinese in place and the check's name beside its code."""
    out: list[tuple[str, object]] = []
    for i, c in enumerate(cols):
        if view == "files" and c == "status":
            out.append((c, lambda r, i=i: FILE_STATUS_ZH.get(r[i], r[i])))
            continue
        if view == "quality_issues" and c == "severity":
            out.append((c, lambda r, i=i: SEVERITY_ZH.get(r[i], r[i])))
            continue
        out.append((c, lambda r, i=i: r[i]))
        if c in CODE_ZH and f"{c}_zh" not in cols:
            table = CODE_ZH[c]
            out.append((f"{c}_zh", lambda r, i=i, t=table: None if r[i] is None else t.get(r[i], r[i])))
    return out


def _number_format(column: str) -> str | None:
    if _is_money(column):
        return MONEY_FORMAT
    if column in PERCENT_COLUMNS:
        return PERCENT_FORMAT
    return None


def _as_fraction(v, divisor: int):
    if v is None:
        return None
    return float(Decimal(str(v)) / divisor)  # 86.12 → 0.8612 exactly, not 0.8612000000000001


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
            spec = _sheet_columns(view, [d[0] for d in cur.description])
            cols = [name for name, _ in spec]
            rows = cur.fetchmany(EXCEL_MAX_ROWS)
            cut = cur.fetchone() is not None
            ws = wb.create_sheet(SHEET_ZH.get(view, view)[:31])
            ws.append([column_zh(c) for c in cols])
            for i, c in enumerate(cols, start=1):
                cell = ws.cell(row=1, column=i)
                cell.font, cell.fill = head_font, head_fill
                cell.comment = Comment(f"{view}.{c}", "jixiao")
            percent = {i: PERCENT_COLUMNS[c] for i, c in enumerate(cols) if c in PERCENT_COLUMNS}
            for r in rows:
                values = [_cell(get(r)) for _, get in spec]
                for i, divisor in percent.items():
                    values[i] = _as_fraction(values[i], divisor)
                ws.append(values)
            for i, c in enumerate(cols, start=1):
                fmt = _number_format(c)
                if fmt and rows:
                    for (cell,) in ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=i, max_col=i):
                        cell.number_format = fmt
            if cut:
                ws.append([f"（仅导出前{EXCEL_MAX_ROWS}行，完整数据请用 Parquet 导出）"])
            ws.freeze_panes = "A2"
            if rows:
                ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
            for i, c in enumerate(cols, start=1):
                ws.column_dimensions[get_column_letter(i)].width = WIDE.get(c, max(10, len(column_zh(c)) * 2 + 2))
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
