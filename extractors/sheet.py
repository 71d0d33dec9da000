"""Worksheets (.xlsx with openpyxl; .xls and WPS .et with xlrd, through LibreOffice → .xlsx when
xlrd cannot read them; .ods through LibreOffice) as tables.

Each worksheet holding a form becomes one Table; merged ranges become row/col spans exactly as
gridSpan/vMerge do in a .docx, the cell placed at the range's top-left. Single unmerged cells
above and below the grid (a title, 单位：万元) become paragraphs, as they are in a Word form.

Cell text is what the sheet SHOWS, rendered from the stored value by its number format with
`ssf` (a port of SheetJS's SSF): 1 with format 0% shows 100%, 1036.0599999 with 0.00 shows
1036.06, a date serial shows as a date. Each cell keeps its place: `Sheet1!B3`.
"""
from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
import zlib

from extractors.convert import Converter, converted_bytes
from extractors.errors import ExtractError, fail
from extractors.model import Cell, ExtractedDocument, Paragraph, Table

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # inflated size of one sheet part (zip-bomb guard)
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_CELLS = 200_000  # a form is a few hundred cells; a used range past this is not a form
# a sheet holding a form names at least one of these somewhere
FORM_WORDS = ("绩效", "目标", "指标", "预算", "项目名称", "部门")

_ssf = None


def _renderer():
    global _ssf
    if _ssf is None:
        import ssf

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it warns about the babel locale we switch off
            _ssf = ssf.SSF(locale_support=False, decimal_separator=".", thousands_separator=",")
    return _ssf


def shown_text(value, number_format: str | None) -> str:
    """The text a spreadsheet shows for a stored value under its number format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    fmt = number_format or "General"
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 31), value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    elif isinstance(value, dt.timedelta):
        value = value.total_seconds() / 86400
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = _renderer().format(fmt, value)
    except Exception:  # an exotic format code: fall back to the General rendering
        try:
            text = _renderer().format("General", value)
        except Exception:
            text = str(value)
    return text.strip() if isinstance(text, str) else str(text)


def _check_zip(data: bytes, source: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise fail("corrupt", source, "detail", detail=type(e).__name__) from e
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES or any(
        i.file_size > MAX_MEMBER_BYTES
        or (i.compress_size and i.file_size > 4 * 1024 * 1024 and i.file_size / i.compress_size > MAX_RATIO)
        for i in infos
    ):
        raise ExtractError("too_large", "表格文件解压后体积异常巨大（疑似压缩炸弹），已拒收。")


def read_xlsx_bytes(data: bytes, source: str = "") -> ExtractedDocument:
    import openpyxl

    _check_zip(data, source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns on unknown extensions, data validation
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except ExtractError:
        raise
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, OSError, EOFError,
            IndexError, AttributeError) as e:
        raise fail("corrupt", source, "detail", detail=type(e).__name__) from e
    except Exception as e:  # openpyxl raises a handful of its own (InvalidFileException, …)
        raise fail("corrupt", source, "detail", detail=type(e).__name__) from e
    try:
        return _workbook_document(wb.worksheets, source)
    finally:
        wb.close()


def read_xls_direct(data: bytes, source: str = "") -> ExtractedDocument | None:
    """A BIFF8 workbook (.xls, and the .et WPS writes) read with xlrd: the same document as
    LibreOffice's .xlsx of it read by openpyxl (tests/extractors/test_sheet.py compares both), in
    milliseconds instead of a soffice start. None when xlrd cannot read it (damaged, encrypted) or
    finds no form in it: LibreOffice then converts it and gives the verdict."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False,
                                  logfile=io.StringIO())
        sheets = [_XlrdSheet(book, sh) for sh in book.sheets()]
        return _workbook_document(sheets, source)
    except Exception:  # noqa: BLE001 - xlrd's many errors, and no_tables/unrecognized_form: LibreOffice judges
        return None


def _workbook_document(worksheets, source: str) -> ExtractedDocument:
    blocks: list[Paragraph | Table] = []
    seen_any = False
    for ws in worksheets:
        if ws.sheet_state != "visible":
            continue  # what a clerk does not see is not part of the form
        sheet_blocks = _sheet_blocks(ws, len(blocks), sum(isinstance(b, Table) for b in blocks), source)
        if not sheet_blocks:
            continue
        seen_any = True
        text = "".join(b.text if isinstance(b, Paragraph) else "".join(c.text for c in b.cells)
                       for b in sheet_blocks)
        if any(w in text for w in FORM_WORDS):
            blocks.extend(sheet_blocks)
    if not blocks:
        if seen_any:
            raise fail("unrecognized_form", source, "sheet", detail="工作表中没有“绩效目标”“指标”等表头")
        raise fail("no_tables", source)
    return ExtractedDocument(blocks=blocks, source=source)


class _XlrdSheet:
    """An xlrd sheet seen through the part of openpyxl's worksheet that _sheet_blocks reads."""

    class _Merged:
        def __init__(self, ranges):
            self.ranges = ranges

    class _Range:
        __slots__ = ("min_row", "max_row", "min_col", "max_col")

        def __init__(self, rlo: int, rhi: int, clo: int, chi: int):  # xlrd: 0-based, ends exclusive
            self.min_row, self.max_row, self.min_col, self.max_col = rlo + 1, rhi, clo + 1, chi

    class _Cell:
        __slots__ = ("row", "column", "value", "number_format", "coordinate")

        def __init__(self, row: int, column: int, value, number_format: str):
            self.row, self.column, self.value, self.number_format = row, column, value, number_format
            self.coordinate = f"{_col_letter(column)}{row}"

    def __init__(self, book, sheet):
        self.title = sheet.name
        self.sheet_state = "visible" if sheet.visibility == 0 else "hidden"
        self.merged_cells = self._Merged([self._Range(*m) for m in sheet.merged_cells])
        self.max_row, self.max_column = sheet.nrows, sheet.ncols
        self._book, self._sheet = book, sheet

    def iter_rows(self):
        import xlrd

        book, formats = self._book, {}
        for r in range(self._sheet.nrows):
            row = []
            for c, cell in enumerate(self._sheet.row(r)):
                kind, value = cell.ctype, cell.value
                if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                fmt = formats.get(cell.xf_index)
                if fmt is None:
                    fmt = formats[cell.xf_index] = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                if kind == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif kind == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(value, "#N/A")
                elif kind == xlrd.XL_CELL_NUMBER and value == int(value) and abs(value) < 2 ** 53:
                    value = int(value)  # as openpyxl gives a whole number stored in a sheet
                elif kind == xlrd.XL_CELL_DATE:
                    try:  # a datetime, as openpyxl gives it: the 1904 date system of Mac files too
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        pass  # out of range: the serial, rendered by its format
                row.append(self._Cell(r + 1, c + 1, value, fmt))
            yield row


def _sheet_blocks(ws, first_block: int, first_table: int, source: str) -> list[Paragraph | Table]:
    merges = {}  # (row, col) of a range's top-left → (rows, cols); every covered slot → None
    for rng in ws.merged_cells.ranges:
        merges[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    merges[(r, c)] = None
    if ws.max_row * ws.max_column > MAX_CELLS:
        raise ExtractError("too_large", f"工作表“{ws.title}”的范围过大（{ws.max_row}行×{ws.max_column}列），不像是绩效目标表。")
    texts: dict[tuple[int, int], tuple[str, str]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if merges.get((cell.row, cell.column), ()) is None:
                continue  # covered by a merge: Excel shows only the top-left value
            text = shown_text(cell.value, cell.number_format)
            if text:
                texts[(cell.row, cell.column)] = (text, cell.coordinate)
    if not texts:
        return []
    # the used range: cells with text, grown by the merged ranges they start
    rows = [r for r, _ in texts]
    cols = [c for _, c in texts]
    r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
    spanned: set[int] = set()  # rows a merged cell with text reaches below its first row
    for (r, c), span in merges.items():
        if span and (r, c) in texts:
            r1, c1 = max(r1, r + span[0] - 1), max(c1, c + span[1] - 1)
            spanned.update(range(r + 1, r + span[0]))
    by_row: dict[int, list[int]] = {}
    for r, c in texts:
        by_row.setdefault(r, []).append(c)

    def lone(r: int) -> bool:
        cs = by_row.get(r, [])
        return len(cs) == 1 and not merges.get((r, cs[0])) and c1 > c0

    top, bottom = r0, r1
    while top <= bottom and (top not in by_row or lone(top)):
        top += 1
    while bottom >= top and bottom not in spanned and (bottom not in by_row or lone(bottom)):
        bottom -= 1
    blocks: list[Paragraph | Table] = []

    def para(r: int) -> None:
        if r in by_row:
            blocks.append(Paragraph(first_block + len(blocks), texts[(r, by_row[r][0])][0]))

    for r in range(r0, top):
        para(r)
    if top <= bottom:
        cells: list[Cell] = []
        for r in range(top, bottom + 1):
            for c in range(c0, c1 + 1):
                span = merges.get((r, c), (1, 1))
                if span is None:
                    continue
                text, ref = texts.get((r, c), ("", None))
                coordinate = ref or f"{_col_letter(c)}{r}"
                rs = min(span[0], bottom - r + 1)
                cells.append(Cell(r - top, c - c0, rs, span[1], text, ref=f"{ws.title}!{coordinate}"))
        blocks.append(Table(first_table, bottom - top + 1, c1 - c0 + 1, cells, origin=ws.title))
        blocks[-1].index = first_table
    for r in range(bottom + 1, r1 + 1):
        para(r)
    # paragraph indexes count body blocks, as in a .docx
    for i, b in enumerate(blocks):
        if isinstance(b, Paragraph):
            b.index = first_block + i
    return blocks


def _col_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def read_legacy_sheet(data: bytes, fmt: str, source: str, converter: Converter) -> ExtractedDocument:
    """.xls / .et (BIFF8 in OLE) that xlrd did not read, and .ods: LibreOffice → .xlsx, then read
    as a worksheet."""
    return read_xlsx_bytes(converted_bytes(data, fmt, source, converter), source)
