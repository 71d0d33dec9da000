"""Worksheets: merged ranges as spans, what the sheet shows, hostile workbooks."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from extractors.dispatch import read_document
from extractors.errors import ExtractError
from extractors.sheet import shown_text
from tests.extractors.formats_support import FORMATS, docx_forms, forms_of


@pytest.mark.parametrize("value,fmt,shown", [
    (1, "0%", "100%"), (0.955, "0.0%", "95.5%"), (1036.0599999, "0.00", "1036.06"),
    (1036.0599999, "General", "1036.06"), (21500.0, "General", "21500"), (21500, "#,##0.00", "21,500.00"),
    (dt.datetime(2024, 3, 1), "yyyy-mm-dd", "2024-03-01"),
    (dt.datetime(2024, 3, 1), 'yyyy"年"m"月"d"日"', "2024年3月1日"), ("文本", "@", "文本"), (None, "General", ""),
])
def test_cell_text_is_what_the_sheet_shows(value, fmt, shown):
    assert shown_text(value, fmt) == shown


def _workbook(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_merged_ranges_are_spans_and_cells_keep_their_address():
    def build(ws):
        ws.title = "目标表"
        ws["A1"] = "部门整体支出绩效目标表"
        ws["A2"], ws["B2"] = "部门名称", "鄂州市教育局"
        ws.merge_cells("B2:D2")
        ws["A3"], ws["B3"], ws["C3"], ws["D3"] = "指标", "一级", "二级", "值"
        ws["A4"] = "年度绩效指标"
        ws.merge_cells("A4:A6")
        ws["D4"], ws["D4"].number_format = 1, "0%"
    doc = read_document(_workbook(build), "a.xlsx")
    assert doc.source_format == "xlsx"
    assert doc.blocks[0].kind == "paragraph" and doc.blocks[0].text == "部门整体支出绩效目标表"
    t = doc.tables[0]
    assert t.origin == "目标表" and (t.n_rows, t.n_cols) == (5, 4)
    dept = t.at(0, 2)
    assert (dept.text, dept.col, dept.col_span, dept.ref) == ("鄂州市教育局", 1, 3, "目标表!B2")
    label = t.at(4, 0)
    assert (label.text, label.row, label.row_span) == ("年度绩效指标", 2, 3)
    assert t.at(2, 3).text == "100%" and t.at(2, 3).ref == "目标表!D4"


def test_laid_out_with_merged_cells_reads_as_the_docx():
    doc = read_document((FORMATS / "seed_000_department_hubei.xlsx").read_bytes(), "a.xlsx")
    assert forms_of(doc) == docx_forms("seed_000_department_hubei")


def test_a_worksheet_with_no_form():
    def build(ws):
        for r in range(1, 20):
            ws.cell(r, 1, r)
            ws.cell(r, 2, r * 1.5)
    with pytest.raises(ExtractError) as e:
        read_document(_workbook(build), "数据.xlsx")
    assert e.value.code == "unrecognized_form" and "工作表" in e.value.message


def test_an_empty_workbook_has_no_tables():
    with pytest.raises(ExtractError) as e:
        read_document(_workbook(lambda ws: None), "空.xlsx")
    assert e.value.code == "no_tables"


def test_xlsx_zip_bomb():
    good = (FORMATS / "national_project.xlsx").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/worksheets/sheet9.xml", b"<a>" + b"0" * (80 * 1024 * 1024) + b"</a>")
    with pytest.raises(ExtractError) as e:
        read_document(buf.getvalue(), "炸弹.xlsx")
    assert e.value.code == "too_large"


def test_truncated_xlsx():
    data = (FORMATS / "national_project.xlsx").read_bytes()
    with pytest.raises(ExtractError) as e:
        read_document(data[: len(data) // 2], "半截.xlsx")
    assert e.value.code in ("corrupt", "not_a_docx")


def test_xls_through_libreoffice(converter, tmp_path):
    from testkit.formats import convert_files
    src = tmp_path / "a.xlsx"
    src.write_bytes((FORMATS / "national_project.xlsx").read_bytes())
    for fmt in ("xls", "et"):
        out = convert_files([src], fmt, tmp_path / fmt)[0]
        doc = read_document(out.read_bytes(), out.name, converter)
        assert doc.source_format == fmt
        assert forms_of(doc) == docx_forms("national_project")


def _with_filepass(xls: bytes) -> bytes:
    """The same workbook marked password-protected: the first record after the globals' BOF
    retyped as FILEPASS (0x002F), as Excel writes it for an encrypted .xls (same size, so the
    OLE stream is rewritten in place)."""
    import olefile
    import struct

    buf = io.BytesIO(xls)
    with olefile.OleFileIO(buf, write_mode=True) as ole:
        name = "Workbook" if ole.exists("Workbook") else "Book"
        stream = bytearray(ole.openstream(name).read())
        _, bof_size = struct.unpack_from("<HH", stream, 0)
        struct.pack_into("<H", stream, 4 + bof_size, 0x002F)
        ole.write_stream(name, bytes(stream))
    return buf.getvalue()


def test_encrypted_workbooks_are_encrypted_never_converted(converter, tmp_path):
    from testkit.formats import convert_files
    from testkit.hostile import encrypted_docx

    # an Office-encrypted .xlsx is the same OLE container as an encrypted .docx
    with pytest.raises(ExtractError) as e:
        read_document(encrypted_docx(), "预算.xlsx", converter)
    assert e.value.code == "encrypted"
    src = tmp_path / "a.xlsx"
    src.write_bytes((FORMATS / "national_project.xlsx").read_bytes())
    for fmt in ("xls", "et"):
        plain = convert_files([src], fmt, tmp_path / fmt)[0].read_bytes()
        with pytest.raises(ExtractError) as e:
            read_document(_with_filepass(plain), f"密码.{fmt}", converter)
        assert e.value.code == "encrypted" and "密码" in e.value.message, fmt
