"""Word 97 binary (.doc, and the .wps Kingsoft WPS writes) read directly, without LibreOffice.

LibreOffice costs a second to start and ~0.1 s a file on an idle core (far more on a busy one),
against a few milliseconds to read a .docx: a nightly inbox of .doc files would cost more in
conversion than everything else. The forms are simple documents — paragraphs and ruled tables —
and the parts of MS-DOC they use are small:

- the FIB (2.5.1) gives the main text length and where the piece table and the paragraph
  property pages are in the table stream;
- the piece table (Clx, 2.9.38) maps character positions to bytes (UTF-16 or 8-bit);
- paragraph properties (PAPX in FKP pages, 2.9.175) say which paragraphs are in a table
  (sprmPFInTable) and which mark a row's end (sprmPFTtp, holding sprmTDefTable: the row's cell
  edges in twips and each cell's merge flags);
- a cell's text ends with U+0007 (a nested table's with a paragraph mark flagged as a cell's);
  field instructions (U+0013 … U+0014) are not text.

The result is the same ExtractedDocument the .docx extractor makes of LibreOffice's conversion
(tests/extractors/test_word97.py compares both on every .doc of the test cases, on generated
forms and on files testkit/word97_builder.py writes by hand). Whatever this reader does not
model — a table nested in a nested table, text boxes, tracked deletions, symbol-font characters,
cell insertions and sprmTVertMerge, Word 6/95 files, fast-saved files with paragraph properties
in the piece table, a byte Windows-1252 does not define, anything it cannot parse — raises
`Unsupported`, and the file goes to LibreOffice as before (extractors.doc): a fast path, never a
second opinion.
"""
from __future__ import annotations

import bisect
import io
import re
import struct

from extractors import grid
from extractors.model import Cell, ExtractedDocument, Paragraph, Table

_CELL_MARK, _PARA_MARK, _SECTION_MARK = "\x07", "\r", "\x0c"
_SYMBOL_FONT_CHAR = re.compile("[\uf000-\uf0ff]")  # Symbol, Wingdings: U+F000 + the font's code
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # by spra; 6 is variable

SPRM_P_IN_TABLE = 0x2416
SPRM_P_TTP = 0x2417
SPRM_P_ITAP = 0x6649
SPRM_P_INNER_CELL = 0x244B
SPRM_P_INNER_TTP = 0x244C
SPRM_P_HUGE_PAPX = 0x6646  # the paragraph's properties are in the Data stream (a wide row's)
SPRM_T_DEF_TABLE = 0xD608
SPRM_T_VERT_MERGE = 0xD62B
SPRM_C_RMARK_DEL = 0x0800
SPRM_C_SYMBOL = 0x6A09
# table sprms that insert, delete, resize, merge or split cells after sprmTDefTable (sprmTInsert,
# sprmTDelete, sprmTDxaCol, sprmTMerge, sprmTSplit); the others only style the row
_CELL_EDITS = {0x7621, 0x5622, 0x7623, 0x5624, 0x5625}
_CHAR_MAP = str.maketrans({"\x0b": "\n", "\x1e": "-", "\x1f": "", "\x01": "", "\x02": "",
                           "\x03": "", "\x04": "", "\x05": "", "\x06": "", "\x08": "",
                           "\x0c": "\n", "\x0e": "", "\x0f": "", "\x10": "", "\x11": "",
                           "\x12": "", "\x16": "", "\x17": "", "\x18": "", "\x19": "", "\x1a": "",
                           "\x1b": "", "\x1c": "", "\x1d": ""})


class Unsupported(Exception):
    """This file uses a part of Word 97 this reader does not model: convert it instead."""


def read_word97(data: bytes, source: str = "") -> ExtractedDocument:
    """The paragraphs and tables of a Word 97 binary file. Raises Unsupported for what it does not
    model, a damaged or encrypted file included (the LibreOffice path's checks name those)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            word = ole.openstream("WordDocument").read()
            fib = _Fib(word)
            table_name = "1Table" if fib.flags & 0x0200 else "0Table"
            if not ole.exists(table_name):
                raise Unsupported(f"no {table_name} stream")
            table_stream = ole.openstream(table_name).read()
            data_stream = ole.openstream("Data").read() if ole.exists("Data") else b""
    except Unsupported:
        raise
    except Exception as e:  # noqa: BLE001 - olefile raises many kinds on a damaged container
        raise Unsupported(f"OLE: {type(e).__name__}") from e
    try:
        return _Document(word, table_stream, data_stream, fib, source).read()
    except Unsupported:
        raise
    except Exception as e:  # noqa: BLE001 - a file this reader cannot parse is LibreOffice's to judge
        raise Unsupported(f"{type(e).__name__}: {e}") from e


class _Fib:
    """The parts of the File Information Block this reader needs."""

    def __init__(self, word: bytes):
        ident, nfib = struct.unpack_from("<HH", word, 0)
        if ident != 0xA5EC or nfib < 0x00C0:
            raise Unsupported(f"not Word 97 or later (nFib {nfib:#x})")  # Word 6/95
        self.flags = struct.unpack_from("<H", word, 10)[0]
        if self.flags & 0x0100 or self.flags & 0x8000:
            raise Unsupported("encrypted or obfuscated")
        pos = 32
        csw = struct.unpack_from("<H", word, pos)[0]
        pos += 2 + 2 * csw
        cslw = struct.unpack_from("<H", word, pos)[0]
        lw = struct.unpack_from(f"<{cslw}I", word, pos + 2)
        pos += 2 + 4 * cslw
        cb = struct.unpack_from("<H", word, pos)[0]
        fc_lcb = struct.unpack_from(f"<{2 * cb}I", word, pos + 2)
        if cslw < 11 or cb < 34:
            raise Unsupported("short FIB")
        self.ccp_text = lw[3]
        if lw[9] or lw[10]:  # ccpTxbx, ccpHdrTxbx: text boxes (LibreOffice inlines them)
            raise Unsupported("text boxes")
        self.fc_clx, self.lcb_clx = fc_lcb[66], fc_lcb[67]
        self.fc_papx, self.lcb_papx = fc_lcb[26], fc_lcb[27]
        self.fc_chpx, self.lcb_chpx = fc_lcb[24], fc_lcb[25]


def _sprms(grpprl: bytes, start: int = 0):
    """(sprm, operand bytes) of a grpprl."""
    pos, end = start, len(grpprl)
    while pos + 2 <= end:
        sprm = struct.unpack_from("<H", grpprl, pos)[0]
        spra = sprm >> 13
        if spra == 6:
            if sprm == SPRM_T_DEF_TABLE:  # a 2-byte size that counts itself plus one
                size = struct.unpack_from("<H", grpprl, pos + 2)[0] - 1
                operand = grpprl[pos + 4:pos + 4 + size]
                pos += 4 + size
            elif sprm == 0xC615:  # sprmPChgTabs: its own layout; tab stops do not matter here
                if grpprl[pos + 2] == 255:
                    raise Unsupported("sprmPChgTabs with deleted tabs")
                size = grpprl[pos + 2]
                operand = grpprl[pos + 3:pos + 3 + size]
                pos += 3 + size
            else:
                size = grpprl[pos + 2]
                operand = grpprl[pos + 3:pos + 3 + size]
                pos += 3 + size
        else:
            size = _OPERAND_SIZE[spra]
            operand = grpprl[pos + 2:pos + 2 + size]
            pos += 2 + size
        if pos > end:
            raise Unsupported("a sprm runs past its grpprl")
        yield sprm, operand


def _fkp_runs(word: bytes, table_stream: bytes, fc: int, lcb: int, papx: bool):
    """(fc_start, fc_end, grpprl) of every run of the FKP pages a PlcBte points at, in order."""
    if lcb < 4:
        return []
    n = (lcb - 4) // 8
    pns = struct.unpack_from(f"<{n}I", table_stream, fc + 4 * (n + 1))
    runs = []
    for pn in pns:
        base = (pn & 0x3FFFFF) * 512
        page = word[base:base + 512]
        if len(page) < 512:
            raise Unsupported("an FKP page past the stream")
        crun = page[511]
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            if papx:
                offset = page[4 * (crun + 1) + 13 * i] * 2
                grpprl = b""
                if offset:
                    cb = page[offset]
                    grpprl = page[offset + 2:offset + 2 + 2 * page[offset + 1]] if cb == 0 \
                        else page[offset + 1:offset + 1 + 2 * cb - 1]
                    grpprl = grpprl[2:]  # istd first
            else:
                offset = page[4 * (crun + 1) + i] * 2
                grpprl = page[offset + 1:offset + 1 + page[offset]] if offset else b""
            runs.append((fcs[i], fcs[i + 1], grpprl))
    runs.sort(key=lambda r: r[0])
    return runs


class _Row:
    __slots__ = ("cells", "edges", "vmerge", "hmerge", "nested")

    def __init__(self, cells: list[str], edges: list[int], vmerge: list[int], hmerge: list[int]):
        self.cells, self.edges, self.vmerge, self.hmerge = cells, edges, vmerge, hmerge
        self.nested: list[tuple[int, list[_Row]]] = []  # (cell, rows) of each table in a cell


class _Level:
    """The rows read so far of a table at one depth, and the row being read."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.cells: list[str] = []
        self.cell_paras: list[str] = []
        self.nested: list[tuple[int, list[_Row]]] = []

    def between_rows(self) -> bool:
        return not (self.cells or self.cell_paras or self.nested)

    def take(self, text: str, ends_cell: bool, ends_row: bool, tdef: bytes | None) -> None:
        if ends_row:
            if tdef is None:
                raise Unsupported("a row end without sprmTDefTable")
            if self.cell_paras:
                raise Unsupported("text after a row's last cell")
            row = _Document._row(self.cells, tdef)
            row.nested, self.nested = self.nested, []
            self.rows.append(row)
            self.cells = []
            return
        self.cell_paras.append(text)
        if ends_cell:
            self.cells.append("\n".join(self.cell_paras))
            self.cell_paras = []


class _Document:
    def __init__(self, word: bytes, table_stream: bytes, data_stream: bytes, fib: _Fib, source: str):
        self.word, self.tbl, self.data, self.fib, self.source = word, table_stream, data_stream, fib, source

    def _paragraph_sprms(self, grpprl: bytes):
        for sprm, operand in _sprms(grpprl):
            if sprm == SPRM_P_HUGE_PAPX:
                at = struct.unpack_from("<I", operand)[0]
                size = struct.unpack_from("<H", self.data, at)[0]
                yield from _sprms(self.data[at + 2:at + 2 + size])
            else:
                yield sprm, operand

    def read(self) -> ExtractedDocument:
        pieces = self._pieces()
        self._check_characters()
        runs = _fkp_runs(self.word, self.tbl, self.fib.fc_papx, self.fib.lcb_papx, papx=True)
        starts = [r[0] for r in runs]
        paragraphs = []  # (text without its mark, mark, grpprl)
        buf: list[str] = []
        for text, fc0, width in pieces:
            pos = 0
            n = len(text)
            while pos < n:
                ends = [k for k in (text.find(_PARA_MARK, pos), text.find(_CELL_MARK, pos),
                                    text.find(_SECTION_MARK, pos)) if k >= 0]
                if not ends:
                    buf.append(text[pos:])
                    break
                k = min(ends)
                mark = text[k]
                fc_after = fc0 + (k + 1) * width
                i = bisect.bisect_right(starts, fc_after - width) - 1
                run = runs[i] if i >= 0 else None
                if mark == _SECTION_MARK and (run is None or run[1] != fc_after):
                    buf.append(text[pos:k + 1])  # a page break inside a paragraph
                    pos = k + 1
                    continue
                buf.append(text[pos:k])
                paragraphs.append(("".join(buf), mark, run[2] if run and run[0] < fc_after <= run[1] else b""))
                buf = []
                pos = k + 1
        if buf and "".join(buf).strip():
            paragraphs.append(("".join(buf), _PARA_MARK, b""))
        fields = _Fields()
        return self._blocks([(fields.clean(text), mark, grpprl) for text, mark, grpprl in paragraphs])

    def _pieces(self) -> list[tuple[str, int, int]]:
        """(text, fc of its first character, bytes per character) of the main text's pieces."""
        clx = self.tbl[self.fib.fc_clx:self.fib.fc_clx + self.fib.lcb_clx]
        pos = 0
        prcs: list[bytes] = []
        while pos < len(clx) and clx[pos] == 1:
            cb = struct.unpack_from("<H", clx, pos + 1)[0]
            prcs.append(clx[pos + 3:pos + 3 + cb])
            pos += 3 + cb
        if pos >= len(clx) or clx[pos] != 2:
            raise Unsupported("no piece table")
        lcb = struct.unpack_from("<I", clx, pos + 1)[0]
        plc = clx[pos + 5:pos + 5 + lcb]
        n = (lcb - 4) // 12
        cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
        out = []
        limit = self.fib.ccp_text
        for i in range(n):
            cp0, cp1 = cps[i], min(cps[i + 1], limit)
            if cp0 >= limit:
                break
            _, fc, prm = struct.unpack_from("<HIH", plc, 4 * (n + 1) + 8 * i)
            if prm:
                self._check_prm(prm, prcs)
            count = cp1 - cp0
            if fc & 0x40000000:
                fc = (fc & ~0x40000000) // 2
                raw = self.word[fc:fc + count]
                if len(raw) < count:
                    raise Unsupported("a piece past the stream")
                try:  # 8-bit pieces are Windows-1252 (MS-DOC 2.4.1), whatever the document's language
                    out.append((raw.decode("cp1252"), fc, 1))
                except UnicodeDecodeError:
                    raise Unsupported("a byte Windows-1252 does not define") from None
            else:
                raw = self.word[fc:fc + 2 * count]
                if len(raw) < 2 * count:
                    raise Unsupported("a piece past the stream")
                text = raw.decode("utf-16-le", "replace")
                if _SYMBOL_FONT_CHAR.search(text):
                    raise Unsupported("symbol-font characters")  # their meaning is the font's
                out.append((text, fc, 2))
        return out

    @staticmethod
    def _check_prm(prm: int, prcs: list[bytes]) -> None:
        """A piece's own properties (fast save): fine when they touch characters only."""
        if prm & 1:
            i = prm >> 1
            if i >= len(prcs):
                raise Unsupported("a piece's Prc is missing")
            for sprm, _ in _sprms(prcs[i]):
                if (sprm >> 10) & 7 in (1, 5):  # paragraph or table properties
                    raise Unsupported("paragraph properties in the piece table")
        elif prm >> 1 & 0x7F:
            raise Unsupported("a single-sprm piece property")

    def _check_characters(self) -> None:
        """Character properties that change what the .docx path reads: deleted revisions (not
        text there) and symbol-font characters (read from the font there)."""
        for _, _, grpprl in _fkp_runs(self.word, self.tbl, self.fib.fc_chpx, self.fib.lcb_chpx, papx=False):
            for sprm, operand in _sprms(grpprl):
                if sprm == SPRM_C_RMARK_DEL and operand[:1] != b"\x00":
                    raise Unsupported("tracked deletions")
                if sprm == SPRM_C_SYMBOL:
                    raise Unsupported("symbol-font characters")

    # -- paragraphs and rows → blocks ---------------------------------------------------------
    def _blocks(self, paragraphs) -> ExtractedDocument:
        blocks: list[Paragraph | Table] = []
        outer, inner = _Level(), _Level()
        self.n_tables = 0
        for text, mark, grpprl in paragraphs:
            in_table, ttp, inner_cell, inner_ttp, itap, tdef = False, False, False, False, None, None
            for sprm, operand in self._paragraph_sprms(grpprl):
                if sprm == SPRM_P_IN_TABLE:
                    in_table = operand[0] != 0
                elif sprm == SPRM_P_TTP:
                    ttp = operand[0] != 0
                elif sprm == SPRM_P_ITAP:
                    itap = struct.unpack_from("<i", operand)[0]
                elif sprm == SPRM_P_INNER_CELL:
                    inner_cell = operand[0] != 0
                elif sprm == SPRM_P_INNER_TTP:
                    inner_ttp = operand[0] != 0
                elif sprm == SPRM_T_DEF_TABLE:
                    tdef = operand
                elif sprm == SPRM_T_VERT_MERGE:
                    # LibreOffice does not apply it where it follows sprmTDefTable; rare (Word
                    # writes the TC80 flags): left to LibreOffice rather than read another way
                    raise Unsupported("sprmTVertMerge")
                elif sprm in _CELL_EDITS:
                    raise Unsupported(f"table sprm {sprm:#06x}")
            depth = (itap if itap is not None else 1) if in_table else 0
            if depth > 2:
                raise Unsupported("a table nested in a nested table")
            if depth == 0:
                if not outer.between_rows() or inner.rows or not inner.between_rows():
                    raise Unsupported("a table row without its end mark")
                if outer.rows:
                    self._emit(outer.rows, blocks)
                    outer.rows = []
                blocks.append(Paragraph(len(blocks), text))
            elif depth == 2:  # a nested table's cells end with a paragraph mark flagged as a cell's
                inner.take(text, inner_cell and not inner_ttp, inner_ttp, tdef)
            else:
                if inner.rows:  # the nested table before this paragraph is in the current cell
                    if not inner.between_rows():
                        raise Unsupported("a nested row without its end mark")
                    outer.nested.append((len(outer.cells), inner.rows))
                    inner.rows = []
                outer.take(text, mark == _CELL_MARK, ttp, tdef)
        if not outer.between_rows() or inner.rows or not inner.between_rows():
            raise Unsupported("a table row without its end mark")
        if outer.rows:
            self._emit(outer.rows, blocks)
        return ExtractedDocument(blocks=_reindex(blocks), source=self.source, source_format="doc")

    def _emit(self, rows: list[_Row], blocks: list) -> None:
        """A table, then the tables nested in its cells (the .docx extractor's order)."""
        index = self.n_tables
        self.n_tables += 1
        table, cols = self._table(rows, index)
        blocks.append(table)
        for r, row in enumerate(rows):
            for k, inner_rows in row.nested:
                if k < len(cols[r]) and cols[r][k] is not None:  # a merged-away cell's content is not read
                    nested, _ = self._table(inner_rows, self.n_tables, (index, r, cols[r][k]))
                    self.n_tables += 1
                    blocks.append(nested)

    @staticmethod
    def _row(cells: list[str], tdef: bytes) -> _Row:
        itc = tdef[0]
        if itc != len(cells):
            raise Unsupported(f"a row of {len(cells)} cells defines {itc}")
        edges = list(struct.unpack_from(f"<{itc + 1}h", tdef, 1))
        if any(b <= a for a, b in zip(edges, edges[1:])):
            raise Unsupported("cell edges out of order")
        tc_at = 1 + 2 * (itc + 1)
        vmerge, hmerge = [0] * itc, [0] * itc
        for k in range(itc):
            off = tc_at + 20 * k
            if off + 2 > len(tdef):
                break  # the TC80 array may stop early: the rest are plain cells
            flags = struct.unpack_from("<H", tdef, off)[0]
            hmerge[k] = flags & 0x3
            vmerge[k] = (flags >> 5) & 0x3
        return _Row(cells, edges, vmerge, hmerge)

    @staticmethod
    def _table(rows: list[_Row], index: int, parent: tuple[int, int, int] | None = None):
        """The Table, and the grid column of each row's k-th cell (None: merged into another)."""
        left = min(r.edges[0] for r in rows)
        edges = [[float(x - left) for x in r.edges] for r in rows]
        lines = grid.cluster_lines(edges)
        cells: list[Cell] = []
        cols: list[list[int | None]] = []
        owner_above: dict[int, int] = {}
        for r, (row, placed) in enumerate(zip(rows, grid.place(edges, lines))):
            owner_here: dict[int, int] = {}
            cols.append([])
            for k, (text, (col, span)) in enumerate(zip(row.cells, placed)):
                if row.hmerge[k] >= 2 and cells and cells[-1].row == r:
                    cells[-1].col_span += span  # merged into the cell on its left
                    for c in range(col, col + span):
                        owner_here[c] = len(cells) - 1
                    cols[-1].append(None)
                    continue
                if row.vmerge[k] == 1 and col in owner_above and cells[owner_above[col]].col == col:
                    i = owner_above[col]
                    cells[i].row_span = r - cells[i].row + 1
                    cols[-1].append(None)
                else:
                    i = len(cells)
                    cells.append(Cell(r, col, 1, span, text))
                    cols[-1].append(col)
                for c in range(col, col + span):
                    owner_here[c] = i
            owner_above = owner_here
        return Table(index, len(rows), len(lines) - 1, cells, parent, col_lines=lines), cols


class _Fields:
    """Field codes out of the text, as the .docx path reads it: a field is U+0013 instructions
    U+0014 result U+0015, may nest, and its result may run over several paragraphs, so the state
    carries from one paragraph to the next."""

    def __init__(self) -> None:
        self.stack: list[bool] = []  # per open field: still in its instructions

    def clean(self, text: str) -> str:
        if self.stack or "\x13" in text or "\x14" in text or "\x15" in text:
            out = []
            for ch in text:
                if ch == "\x13":
                    self.stack.append(True)
                elif ch == "\x14":
                    if self.stack:
                        self.stack[-1] = False
                elif ch == "\x15":
                    if self.stack:
                        self.stack.pop()
                elif not any(self.stack):
                    out.append(ch)
            text = "".join(out)
        return text.translate(_CHAR_MAP)


def _reindex(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    for i, b in enumerate(blocks):
        if isinstance(b, Paragraph):
            b.index = i
    return blocks
