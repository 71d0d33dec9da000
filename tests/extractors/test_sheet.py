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
from tests.extractors.formats_support import STEMS, FORMATS, docx_forms, forms_of


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


@pytest.fixture(scope="module")
def legacy_workbooks(tmp_path_factory):
    """The four .xlsx cases and a workbook of typed numbers (a percent, 0.00, a date, a boolean, an
    error, thousands, a merged row), as .xls and .et written by LibreOffice."""
    import datetime

    import openpyxl

    from testkit.formats import convert_files

    tmp = tmp_path_factory.mktemp("legacy-sheets")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标"
    for r in (("项目名称", "指标", "指标值"), ("满意度", "百分比", 1), ("金额", "两位", 1036.0599999),
              ("日期", "日", datetime.date(2024, 3, 5)), ("布尔", "是否", True), ("整数", "个", 1200),
              ("千分", "元", 1234567.891), ("错误", "除零", "=1/0")):
        ws.append(r)
    for ref, fmt in (("C2", "0%"), ("C3", "0.00"), ("C4", "yyyy-mm-dd"), ("C7", "#,##0.00")):
        ws[ref].number_format = fmt
    ws.merge_cells("A9:C9")
    ws["A9"] = "合并的一行"
    wb.save(tmp / "numbers.xlsx")
    sources = [FORMATS / f"{s}.xlsx" for s in STEMS] + [tmp / "numbers.xlsx"]
    return {fmt: convert_files(sources, fmt, tmp / fmt) for fmt in ("xls", "et")}


@pytest.mark.parametrize("fmt", ["xls", "et"])
def test_xls_and_et_read_directly_as_libreoffice_reads_them(fmt, legacy_workbooks, converter):
    from extractors.dispatch import needs_conversion
    from extractors.sheet import read_legacy_sheet, read_xls_direct

    for path in legacy_workbooks[fmt]:
        data = path.read_bytes()
        assert not needs_conversion(data, path.name), path.name
        direct = read_xls_direct(data, path.name)
        assert direct is not None, path.name
        assert direct.to_dict() == read_legacy_sheet(data, fmt, path.name, converter).to_dict(), path.name
        doc = read_document(data, path.name, converter)
        assert doc.source_format == fmt
        if path.stem in STEMS:
            assert forms_of(doc) == docx_forms(path.stem)
    numbers = read_xls_direct(legacy_workbooks[fmt][-1].read_bytes())
    assert [c.text for c in numbers.tables[0].cells if c.col == 2][1:8] == \
        ["100%", "1036.06", "2024-03-05", "TRUE", "1200", "1,234,567.89", "#DIV/0!"]
    assert numbers.tables[0].cells[-1].text == "合并的一行" and numbers.tables[0].cells[-1].col_span == 3
    assert numbers.tables[0].cells[0].ref == "绩效目标!A1"


def test_a_damaged_xls_goes_to_libreoffice(legacy_workbooks, converter):
    from extractors.dispatch import needs_conversion
    from extractors.sheet import read_xls_direct

    import olefile

    buf = io.BytesIO(legacy_workbooks["xls"][0].read_bytes())
    with olefile.OleFileIO(buf, write_mode=True) as ole:  # the container intact, its records not
        size = len(ole.openstream("Workbook").read())
        ole.write_stream("Workbook", b"\x09\x08" + b"\xff" * (size - 2))
    damaged = buf.getvalue()
    assert read_xls_direct(damaged) is None and needs_conversion(damaged, "a.xls")
    with pytest.raises(ExtractError) as e:
        read_document(damaged, "损坏.xls", converter)
    # LibreOffice cannot open it either; the clerk asks for a workbook, not a Word file
    assert e.value.code == "conversion_failed" and "另存为 .xlsx" in e.value.message


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
