"""Render a .docx body in the plain-text format of the seed extractions (test helper).

Format (the one the seed text extractions in tests/cases/*.seed.txt use): a paragraph is its text + '\\n'; a table is its
rows joined by '\\n' (so each row after the first starts after a blank line); a row is
``'\\t' + cell text + '\\n'`` per ``w:tc``; a cell's text is its paragraphs joined by
'\\n'; a vMerge continuation cell is therefore an empty cell, a gridSpan cell appears
once; ``w:bookmarkStart`` shows as ``[bookmark: NAME]``.  Text inside ``w:ins`` and
``w:sdt`` is shown, ``w:delText`` is not.  Nested tables inside cells are skipped.

This is deliberately independent of any product code: it reads the raw XML.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_xml(src: "str | Path | bytes"):
    data = src if isinstance(src, bytes) else Path(src).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def para_text(p) -> str:
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == W + "t" and el.text:
            out.append(el.text)
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "tab" and el.getparent() is not None and el.getparent().tag == W + "r":
            out.append("\t")
        elif tag == W + "bookmarkStart":
            out.append(f"[bookmark: {el.get(W + 'name')}]")
    return "".join(out)


def _block_children(el):
    """Paragraphs and tables directly in `el`, looking through block-level w:sdt."""
    for child in el:
        if child.tag == W + "sdt":
            sc = child.find(W + "sdtContent")
            if sc is not None:
                yield from _block_children(sc)
        elif child.tag in (W + "p", W + "tbl"):
            yield child


def _row_cells(tr):
    for child in tr:
        if child.tag == W + "tc":
            yield child
        elif child.tag == W + "sdt":
            sc = child.find(W + "sdtContent")
            if sc is not None:
                yield from _row_cells(sc)


def cell_text(tc) -> str:
    return "\n".join(para_text(b) for b in _block_children(tc) if b.tag == W + "p")


def table_text(tbl) -> str:
    rows = []
    for tr in tbl.findall(W + "tr"):
        rows.append("".join("\t" + cell_text(tc) + "\n" for tc in _row_cells(tr)))
    return "\n".join(rows)


def extract_text(src: "str | Path | bytes") -> str:
    body = document_xml(src).find(W + "body")
    out = []
    for block in _block_children(body):
        if block.tag == W + "p":
            out.append(para_text(block) + "\n")
        else:
            out.append(table_text(block))
    return "".join(out)


# --------------------------------------------------------------------------- grid view (raw XML)


class GridCell:
    """One w:tc placed on the table grid: its first grid column, gridSpan, vMerge state, text."""

    __slots__ = ("row", "col", "span", "vmerge", "text", "tc", "rowspan")

    def __init__(self, row, col, span, vmerge, text, tc):
        self.row, self.col, self.span, self.vmerge, self.text, self.tc = row, col, span, vmerge, text, tc
        self.rowspan = 1

    def __repr__(self) -> str:
        return (f"GridCell(r{self.row} c{self.col} span={self.span} vmerge={self.vmerge} "
                f"rowspan={self.rowspan} {self.text[:20]!r})")


def grid_cols(tbl) -> list:
    return [int(g.get(W + "w")) for g in tbl.find(W + "tblGrid").findall(W + "gridCol")]


def table_cells(tbl) -> list:
    """Rows of GridCell; a vMerge restart cell gets .rowspan = 1 + its continuation cells below."""
    rows = []
    for r, tr in enumerate(tbl.findall(W + "tr")):
        col, out = 0, []
        for tc in _row_cells(tr):
            pr = tc.find(W + "tcPr")
            span, vm = 1, None
            if pr is not None:
                gs = pr.find(W + "gridSpan")
                if gs is not None:
                    span = int(gs.get(W + "val"))
                v = pr.find(W + "vMerge")
                if v is not None:
                    vm = "restart" if v.get(W + "val") == "restart" else "continue"
            out.append(GridCell(r, col, span, vm, cell_text(tc), tc))
            col += span
        rows.append(out)
    for r, row in enumerate(rows):
        for cell in row:
            if cell.vmerge != "restart":
                continue
            k = r + 1
            while k < len(rows):
                below = [c for c in rows[k] if c.col == cell.col and c.vmerge == "continue"]
                if not below:
                    break
                cell.rowspan += 1
                k += 1
    return rows


def top_tables(src):
    """The body-level w:tbl elements (looking through block-level content controls)."""
    body = document_xml(src).find(W + "body")
    return [b for b in _block_children(body) if b.tag == W + "tbl"]
