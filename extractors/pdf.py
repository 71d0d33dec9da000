"""PDF with a text layer → paragraphs and merged-cell grids (pdfplumber / pdfminer.six).

Tables come from the ruling lines (pdfplumber's lines strategy). A merged cell is one rectangle
spanning several columns or rows of the grid drawn by all cell edges, so spans are recovered by
placing each rectangle on the distinct x and y edges of its table. Text is rebuilt from the
characters by position: characters on one line are joined without the gaps the text layer puts
inside a number (`21500.0 0` → `21500.00`); a cell's line that runs to the cell's right edge
wraps (joined), a line that stops short ends a paragraph (joined with "\\n", as in Word).
A table cut by a page break (its next row would not have fitted on the page) is joined again,
its cells placed on the column edges of all its pages, and a row split by the break is one row.
A PDF without a text layer (a scan) is rejected as scanned_pdf: OCR is out of scope.
"""
from __future__ import annotations

import bisect
import io
import re

from extractors.errors import ExtractError, fail
from extractors.model import Cell, ExtractedDocument, Paragraph, Table

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}
MAX_PAGES = 200
CELL_PADDING = 2.85  # Word's default cell margin (57 twips): text stops this short of the rule
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def read_pdf_bytes(data: bytes, source: str = "") -> ExtractedDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise fail("encrypted", source) from e
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, OSError, EOFError) as e:
        raise fail("corrupt", source, "detail", detail=f"PDF: {type(e).__name__}") from e
    except Exception as e:  # pdfplumber wraps pdfminer's errors in PdfminerException(args[0])
        inner = e.args[0] if e.args else None
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(e).lower():
            raise fail("encrypted", source) from e
        raise fail("corrupt", source, "detail", detail=f"PDF: {type(e).__name__}") from e
    try:
        if len(pages) > MAX_PAGES:
            raise ExtractError("too_large", f"PDF页数过多（{len(pages)}页），不像是绩效目标表，请检查后重新提交。")
        items = []  # (page, top, kind, payload) in reading order
        n_chars = 0
        content_bottom = 0.0
        fast = _pdfium_pages(data, len(pages))
        for pno, page in enumerate(pages, start=1):
            if fast is not None:  # pdfium: the same characters and rules, ~15× faster than pdfminer
                chars, tables = fast[pno - 1][0], _find_tables(*fast[pno - 1][1:])
            else:
                # space glyphs are dropped: their boxes sit off the line (padding 　 is lost, values are not)
                chars = [c for c in page.chars if c["text"].strip()]
                tables = page.find_tables(TABLE_SETTINGS)
            n_chars += len(chars)
            tables = [t for t in tables if len(t.cells) >= 2]
            grids = [_Grid(t, pno) for t in tables]
            loose = []
            for ch in chars:
                for g in grids:
                    if g.take(ch):
                        break
                else:
                    loose.append(ch)
            for g in grids:
                items.append((pno, g.top, "table", g))
                content_bottom = max(content_bottom, g.bottom)
            for line in _lines(loose):
                items.append((pno, line[0]["top"], "line", line))
                content_bottom = max(content_bottom, max(c["bottom"] for c in line))
    except ExtractError:
        raise
    except Exception as e:  # a page whose content stream is damaged
        raise fail("corrupt", source, "detail", detail=f"PDF: {type(e).__name__}") from e
    finally:
        pdf.close()
    if n_chars == 0:
        raise fail("scanned_pdf", source)
    items.sort(key=lambda it: (it[0], it[1]))
    return ExtractedDocument(blocks=_blocks(items, content_bottom), source=source)


def _pdfium_pages(data: bytes, n_pages: int):
    """Per page: (characters, ruling edges, page bbox) read by pdfium (pypdfium2, already installed
    with pdfplumber), in pdfplumber's terms: top-left origin, loose boxes from the font's ascent and
    descent as pdfminer gives them, edges from every line segment of the page's paths (a `re`
    rectangle is four). None when pdfium cannot read it: pdfplumber/pdfminer reads it then."""
    try:
        import ctypes

        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        pdf = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - the pdfminer path reads (or names) what pdfium cannot
        return None
    try:
        if len(pdf) != n_pages:
            return None
        out = []
        box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
        x, y = ctypes.c_float(), ctypes.c_float()
        for page in pdf:
            height = page.get_height()
            tp = page.get_textpage()
            chars = []
            for i in range(tp.count_chars()):
                code = raw.FPDFText_GetUnicode(tp.raw, i)
                text = chr(code) if 0 < code < 0x110000 else ""
                if not text.strip() or raw.FPDFText_IsGenerated(tp.raw, i) == 1:
                    continue
                if not raw.FPDFText_GetLooseCharBox(tp.raw, i, box):
                    continue
                chars.append({"text": text, "x0": box.left, "x1": box.right, "top": height - box.top,
                              "bottom": height - box.bottom, "size": raw.FPDFText_GetFontSize(tp.raw, i)})
            edges = []
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=0):
                if not raw.FPDFPageObj_GetMatrix(obj.raw, matrix):
                    continue
                a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
                start = prev = None
                for k in range(raw.FPDFPath_CountSegments(obj.raw)):
                    seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
                    raw.FPDFPathSegment_GetPoint(seg, x, y)
                    pt = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
                    kind = raw.FPDFPathSegment_GetType(seg)
                    if kind == raw.FPDF_SEGMENT_MOVETO:
                        start = prev = pt
                        continue
                    if kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
                        _edge(edges, prev, pt)
                    prev = pt
                    if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                        _edge(edges, prev, start)
                        prev = start
            out.append((chars, edges, (0.0, 0.0, page.get_width(), height)))
        return out
    except Exception:  # noqa: BLE001
        return None
    finally:
        pdf.close()


def _edge(edges: list, p: tuple, q: tuple) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= 0.5:
        x0, x1 = sorted((x0, x1))
        edges.append({"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": y0,
                      "bottom": y0, "width": x1 - x0, "height": 0.0})
    elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= 0.5:
        top, bottom = sorted((y0, y1))
        edges.append({"object_type": "line", "orientation": "v", "x0": x0, "x1": x0, "top": top,
                      "bottom": bottom, "width": 0.0, "height": bottom - top})


class _EdgesPage:
    """What pdfplumber's TableFinder asks of a page under the lines strategy: edges and bbox."""

    def __init__(self, edges: list, bbox: tuple):
        self.edges, self.bbox = edges, bbox


def _find_tables(edges: list, bbox: tuple) -> list:
    from pdfplumber.table import TableFinder

    return TableFinder(_EdgesPage(edges, bbox), TABLE_SETTINGS).tables


class _Grid:
    """One ruled table on a page: its cell rectangles placed on the distinct edges."""

    def __init__(self, table, page: int):
        self.page = page
        rects = [c for c in table.cells if c is not None]
        self.xs = _distinct([r[0] for r in rects] + [r[2] for r in rects])
        self.ys = _distinct([r[1] for r in rects] + [r[3] for r in rects])
        self.x0, self.top, self.x1, self.bottom = table.bbox
        self.rects: list[tuple[int, int, int, int, tuple]] = []  # row, col, row_span, col_span, bbox
        self.slot: dict[tuple[int, int], int] = {}
        for r in rects:
            c0, c1 = _index(self.xs, r[0]), _index(self.xs, r[2])
            r0, r1 = _index(self.ys, r[1]), _index(self.ys, r[3])
            if c1 <= c0 or r1 <= r0:
                continue
            k = len(self.rects)
            self.rects.append((r0, c0, r1 - r0, c1 - c0, r))
            for rr in range(r0, r1):
                for cc in range(c0, c1):
                    self.slot.setdefault((rr, cc), k)
        self.chars: list[list[dict]] = [[] for _ in self.rects]

    @property
    def n_rows(self) -> int:
        return max(len(self.ys) - 1, 1)

    @property
    def n_cols(self) -> int:
        return max(len(self.xs) - 1, 1)

    def take(self, ch) -> bool:
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (self.x0 <= x <= self.x1 and self.top <= y <= self.bottom):
            return False
        col = bisect.bisect_right(self.xs, x) - 1
        row = bisect.bisect_right(self.ys, y) - 1
        k = self.slot.get((row, col))
        if k is None:
            return False
        self.chars[k].append(ch)
        return True

    def first_row_height(self) -> float:
        return self.ys[1] - self.ys[0] if len(self.ys) > 1 else 0.0


def _distinct(values, tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect.bisect_left(edges, v - 2.0)
    return min(i, len(edges) - 1)


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines (by vertical overlap), each sorted left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines:
            last = lines[-1]
            ref = last[0]
            overlap = min(ref["bottom"], ch["bottom"]) - max(ref["top"], ch["top"])
            if overlap > 0.5 * min(ref["bottom"] - ref["top"], ch["bottom"] - ch["top"]):
                last.append(ch)
                continue
        lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    lines.sort(key=lambda ln: min(c["top"] for c in ln))
    return lines


def _line_text(line: list[dict]) -> str:
    out: list[str] = []
    prev = None
    for ch in line:
        t = ch["text"]
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(prev.get("size") or 10.0, 1.0)
            # a real word gap between Latin/digit runs; never inside a number or CJK text
            if gap > 0.6 * size and not (_CJK.match(t) or _CJK.match(prev["text"])) \
                    and not (_numeric(prev["text"]) and _numeric(t) and gap < 2 * size):
                out.append(" ")
        out.append(t)
        prev = ch
    return "".join(out)


def _numeric(t: str) -> bool:
    return bool(t) and all(c.isdigit() or c in ".,%-" for c in t)


_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


def _first_unit_width(line: list[dict]) -> float:
    """Width of what a line break could not split: up to the first ideograph or space after the
    first character (a CJK character alone, or a run like （106001）)."""
    end = line[0]["x1"]
    for ch in line[1:]:
        if _IDEOGRAPH.match(ch["text"]) or ch["text"].isspace():
            break
        end = ch["x1"]
    return end - line[0]["x0"]


def _join_lines(lines: list[list[dict]], right: float) -> str:
    """Lines of one cell (or body column) → text. A line wrapped when the next line's first
    unbreakable run would not have fitted after it; otherwise a paragraph ended there."""
    parts: list[str] = []
    for i, line in enumerate(lines):
        text = _line_text(line)
        if i:
            prev = lines[i - 1]
            wrapped = prev[-1]["x1"] + _first_unit_width(line) > right - 1.0
            if not wrapped:
                parts.append("\n")
            elif parts[-1][-1:].isascii() and parts[-1][-1:].isalpha() and text[:1].isascii() and text[:1].isalpha():
                parts.append(" ")  # an English word wrapped; CJK text, numbers and codes join as they are
        parts.append(text)
    return "".join(parts)


def _grid_table(grids: list[_Grid], index: int) -> Table:
    """One table of the grids of its pages. Each page's grid knows only the column edges its own
    rows draw (the indicator rows of page 2 lack the funding columns of page 1), so the cells are
    placed on the edges of all its pages, as Word's tblGrid holds every column of the table.
    A row that LibreOffice split at the page break (the default for Word rows) is one row again."""
    xs = _distinct([x for g in grids for x in g.xs])
    pieces: list[list] = []  # [row, col, row_span, col_span, chars, bbox, page]
    row_base = 0
    for gi, g in enumerate(grids):
        placed = [[r, _index(xs, b[0]), rs, max(_index(xs, b[2]) - _index(xs, b[0]), 1), g.chars[k], b]
                  for k, (r, _, rs, _, b) in enumerate(g.rects)]
        ends = {(p[1], p[3]): p for p in pieces if p[0] + p[2] == row_base}
        first = [q for q in placed if q[0] == 0]
        if gi and _split_row(ends, first, row_base - 1):
            shift = 10_000.0 * gi  # the continuation's lines come after the part above the break
            for q in first:
                prev = ends[(q[1], q[3])]
                prev[2] += q[2] - 1
                prev[4] = prev[4] + [dict(c, top=c["top"] + shift, bottom=c["bottom"] + shift) for c in q[4]]
            placed = [q for q in placed if q[0] != 0]
            row_base -= 1
        for q in placed:
            pieces.append([row_base + q[0], q[1], q[2], q[3], q[4], q[5], g.page])
        row_base += g.n_rows
    cells = [Cell(r, c, rs, cs, _join_lines(_lines(chars), bbox[2] - CELL_PADDING),
                  ref=f"p{page}@{bbox[0]:.0f},{bbox[1]:.0f}") for r, c, rs, cs, chars, bbox, page in pieces]
    pages = sorted({g.page for g in grids})
    origin = f"p{pages[0]}" if len(pages) == 1 else f"p{pages[0]}-{pages[-1]}"
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(index, row_base, max(len(xs) - 1, 1), cells, origin=origin)


def _split_row(ends: dict, first: list, row: int) -> bool:
    """Is the first row of a page's grid the rest of the last row (`row`) of the page before?
    Text only runs on downwards: every cell of it with text continues a cell with text, cell for
    cell on the same columns; and most cells that start in that last row had all their text
    above the break (a row moved whole to the new page has its own text in most of them).
    A label merged down across the break (text above, blank below) started rows earlier and
    says nothing either way."""
    if not first or any((q[1], q[3]) not in ends for q in first):
        return False
    if any(q[4] and not ends[(q[1], q[3])][4] for q in first):
        return False
    own = [(ends[(q[1], q[3])], q) for q in first if ends[(q[1], q[3])][0] == row]
    ended = sum(1 for above, below in own if above[4] and not below[4])
    continued = sum(1 for above, below in own if above[4] and below[4])
    return ended > continued


def _same_columns(a: _Grid, b: _Grid) -> bool:
    """The same table's outline: its left and right rules (inner columns differ by page)."""
    return abs(a.x0 - b.x0) <= 2.0 and abs(a.x1 - b.x1) <= 2.0


def _blocks(items, content_bottom: float) -> list[Paragraph | Table]:
    """Reading order → blocks; a table whose next row did not fit on its page is joined with the
    table opening the next page."""
    runs: list[list] = []  # each: ["table", [grids]] or ["para", [lines]]
    for i, (page, _, kind, payload) in enumerate(items):
        if kind == "table":
            if runs and runs[-1][0] == "table":
                prev = runs[-1][1][-1]
                last_on_page = i > 0 and items[i - 1][2] == "table" and items[i - 1][3] is prev
                first_on_page = i == 0 or items[i - 1][0] != page
                forced = content_bottom - prev.bottom < payload.first_row_height() + 2.0
                if prev.page + 1 == page and last_on_page and first_on_page and forced \
                        and _same_columns(prev, payload):  # same outline; inner columns may differ
                    runs[-1][1].append(payload)
                    continue
            runs.append(["table", [payload]])
        else:
            if runs and runs[-1][0] == "para" and runs[-1][1][-1][0] == page:
                prev_line = runs[-1][1][-1][1]
                size = max(prev_line[-1].get("size") or 10.0, 1.0)
                gap = min(c["top"] for c in payload) - max(c["bottom"] for c in prev_line)
                if gap < 0.8 * size and prev_line[-1]["x1"] + _first_unit_width(payload) > _right_margin(items) - 1.0:
                    runs[-1][1].append((page, payload))  # a paragraph wrapped onto the next line
                    continue
            runs.append(["para", [(page, payload)]])
    blocks: list[Paragraph | Table] = []
    n_tables = 0
    for kind, content in runs:
        if kind == "table":
            blocks.append(_grid_table(content, n_tables))
            n_tables += 1
        else:
            text = _join_lines([line for _, line in content], _right_margin(items) + 1.0)
            blocks.append(Paragraph(len(blocks), text.replace("\n", "")))
    for i, b in enumerate(blocks):
        if isinstance(b, Paragraph):
            b.index = i
    return blocks


_margin_cache: dict[int, float] = {}


def _right_margin(items) -> float:
    key = id(items)
    if key not in _margin_cache:
        _margin_cache.clear()
        rights = [g.x1 for _, _, k, g in items if k == "table"]
        rights += [max(c["x1"] for c in ln) for _, _, k, ln in items if k == "line"]
        _margin_cache[key] = max(rights) if rights else 0.0
    return _margin_cache[key]
