"""The extract stage's artifact: a document as paragraphs and merged-cell grids.

Plain dataclasses that round-trip through JSON, so later stages and their tests never
need Word. Coordinates are 0-based grid positions (columns of `w:tblGrid`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(slots=True)
class Cell:
    """One Word cell, placed at its merge origin and covering row_span × col_span grid slots."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str  # paragraphs joined with "\n", as written
    # where a clerk finds the cell in the original file, when the format has cells of its own:
    # "Sheet1!B3" for a worksheet, "p2@72,140" (page, x, y in points from the top left) for a PDF
    ref: str | None = None


@dataclass(slots=True)
class Table:
    index: int  # document order among all tables, nested ones included
    n_rows: int
    n_cols: int
    cells: list[Cell]
    parent: tuple[int, int, int] | None = None  # (table, row, col) of the cell holding a nested table
    kind: str = "table"
    origin: str | None = None  # the worksheet name, or "p1-2" for the pages of a PDF table
    # x of each column line (n_cols + 1 of them, twips from the table's left edge) when the file
    # states widths: a table continued after a page break may have fewer lines than the one it
    # continues (no cell of its rows ends on a narrow column's edge), so columns are matched by
    # position, not by index
    col_lines: list[float] | None = None
    _grid: list[list[int]] | None = field(default=None, repr=False, compare=False)

    def grid(self) -> list[list[int]]:
        """slot[row][col] → index into cells of the cell covering that slot (-1 for a hole)."""
        if self._grid is None:
            grid = [[-1] * self.n_cols for _ in range(self.n_rows)]
            for i, c in enumerate(self.cells):
                for r in range(c.row, min(c.row + c.row_span, self.n_rows)):
                    row = grid[r]
                    for k in range(c.col, min(c.col + c.col_span, self.n_cols)):
                        row[k] = i
            self._grid = grid
        return self._grid

    def at(self, row: int, col: int) -> Cell | None:
        i = self.grid()[row][col]
        return self.cells[i] if i >= 0 else None

    def row_cells(self, row: int) -> list[Cell]:
        """Distinct cells covering a grid row, left to right (a horizontal merge appears once)."""
        out: list[Cell] = []
        seen: set[int] = set()
        for i in self.grid()[row]:
            if i >= 0 and i not in seen:
                seen.add(i)
                out.append(self.cells[i])
        return out


@dataclass(slots=True)
class Paragraph:
    index: int  # position among body blocks
    text: str
    kind: str = "paragraph"


@dataclass(slots=True)
class ExtractedDocument:
    blocks: list[Paragraph | Table]  # body order; nested tables follow their parent table
    source: str = ""
    # the format the bytes were in (docx, doc, wps, rtf, odt, xlsx, xls, et, pdf)
    source_format: str = "docx"

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def to_dict(self) -> dict:
        # optional positions are written only when set, so a .docx dict stays as it was
        blocks = []
        for b in self.blocks:
            d = {k: v for k, v in asdict(b).items()
                 if k != "_grid" and not (k in ("origin", "col_lines") and v is None)}
            if "cells" in d:
                d["cells"] = [{k: v for k, v in c.items() if not (k == "ref" and v is None)} for c in d["cells"]]
            blocks.append(d)
        return {"source": self.source, "source_format": self.source_format, "blocks": blocks}

    @classmethod
    def from_dict(cls, d: dict) -> "ExtractedDocument":
        blocks: list[Paragraph | Table] = []
        for b in d["blocks"]:
            if b["kind"] == "paragraph":
                blocks.append(Paragraph(index=b["index"], text=b["text"]))
            else:
                cells = [Cell(**c) for c in b["cells"]]
                parent = tuple(b["parent"]) if b.get("parent") else None
                blocks.append(Table(b["index"], b["n_rows"], b["n_cols"], cells, parent,
                                    origin=b.get("origin"), col_lines=b.get("col_lines")))
        return cls(blocks=blocks, source=d.get("source", ""), source_format=d.get("source_format", "docx"))
