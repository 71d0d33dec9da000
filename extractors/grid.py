"""Cell edges → grid columns, shared by the readers whose files state cell widths (.docx without
a usable w:tblGrid, Word 97 binary): every row's edges are clustered into the table's column
lines, and each cell spans the lines between its edges. Writers round each width on its own,
so edges a few twips apart are one line."""
from __future__ import annotations


def tolerance(widest: float) -> float:
    return max(widest * 0.002, 8.0)


def cluster_lines(edges_per_row: list[list[float]]) -> list[float]:
    """The column lines of a table: its rows' edges, those within `tolerance` of each other
    averaged into one."""
    widest = max((e[-1] for e in edges_per_row if e), default=0.0)
    tol = tolerance(widest)
    groups: list[list[float]] = []
    for x in sorted(x for e in edges_per_row for x in e):
        if groups and x - groups[-1][-1] <= tol:
            groups[-1].append(x)
        else:
            groups.append([x])
    return [sum(g) / len(g) for g in groups]


def place(edges_per_row: list[list[float]], lines: list[float]) -> list[list[tuple[int, int]]]:
    """(first column, span) of every cell of every row: each edge snapped to its nearest line,
    a cell at least one column wide."""
    def nearest(x: float) -> int:
        return min(range(len(lines)), key=lambda i: abs(lines[i] - x))

    placed = []
    for edges in edges_per_row:
        row, left = [], nearest(edges[0]) if edges else 0
        for x in edges[1:]:
            right = max(nearest(x), left + 1)
            row.append((left, right - left))
            left = right
        placed.append(row)
    return placed
