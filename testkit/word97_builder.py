"""Tiny Word 97 binary files written from scratch, for what LibreOffice never writes: 8-bit
(Windows-1252) pieces, pieces stored out of text order (a fast save), horizontal merge flags,
sprmTVertMerge, a page break inside a paragraph, fields over a paragraph end.

Only the parts extractors/word97.py reads are written — FIB, text, piece table, paragraph
property pages — in a CFB container (testkit.hostile.cfb). Word would want more (a stylesheet,
a section table); these files are for the reader's tests, not for Word.

    doc = build([para("标题"), *row(["甲", "乙"], [0, 2000, 4000]), para("")])
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from testkit.hostile import cfb

IN_TABLE = struct.pack("<HB", 0x2416, 1)
TTP = struct.pack("<HB", 0x2417, 1)


def itap(depth: int) -> bytes:
    return struct.pack("<Hi", 0x6649, depth)


@dataclass(frozen=True)
class Par:
    """One paragraph: its text, the mark that ends it ("\\r", or "\\x07" for a cell) and its sprms."""

    text: str
    mark: str = "\r"
    sprms: bytes = b""


def para(text: str) -> Par:
    return Par(text)


def tdef(edges: list[int], flags: list[int] | None = None) -> bytes:
    """sprmTDefTable: the row's cell edges (twips) and each cell's TC80 flags (merges)."""
    n = len(edges) - 1
    flags = flags or [0] * n
    body = bytes([n]) + struct.pack(f"<{n + 1}h", *edges) + b"".join(
        struct.pack("<H", f) + b"\0" * 18 for f in flags)
    return struct.pack("<HH", 0xD608, len(body) + 1) + body


def row(cells: list[str], edges: list[int], flags: list[int] | None = None, extra: bytes = b"") -> list[Par]:
    """A table row: each cell's paragraphs ("\\n" splits them), then the row-end mark."""
    out = []
    for text in cells:
        lines = text.split("\n")
        out += [Par(line, "\r", IN_TABLE) for line in lines[:-1]] + [Par(lines[-1], "\x07", IN_TABLE)]
    return out + [Par("", "\x07", IN_TABLE + TTP + tdef(edges, flags) + extra)]


def build(paragraphs: list[Par], compressed: bool = False, split_at: int | None = None) -> bytes:
    """A .doc of these paragraphs. compressed: the text as one 8-bit piece (Windows-1252);
    split_at: two pieces, the text after character split_at (just after a paragraph mark, as
    property runs end at marks) stored before the text up to it."""
    text = "".join(p.text + p.mark for p in paragraphs)
    if split_at is not None and text[split_at - 1] not in "\r\x07":
        raise ValueError("split_at must follow a paragraph mark")
    width = 1 if compressed else 2
    encode = (lambda s: s.encode("cp1252")) if compressed else (lambda s: s.encode("utf-16-le"))
    text_at = 1024
    cuts = [0, len(text)] if split_at is None else [0, split_at, len(text)]
    pieces = list(zip(cuts, cuts[1:]))
    order = pieces if split_at is None else pieces[::-1]  # stored order
    stream = bytearray(text_at)
    fc_of: dict[tuple[int, int], int] = {}
    for cp0, cp1 in order:
        fc_of[(cp0, cp1)] = len(stream)
        stream += encode(text[cp0:cp1])
    text_end = len(stream)

    # paragraph runs by FC: each ends after its mark's byte; the props of the paragraph it ends
    marks: list[tuple[int, bytes]] = []
    cp = 0
    for p in paragraphs:
        cp += len(p.text) + 1
        mark_cp = cp - 1
        piece = next(pc for pc in pieces if pc[0] <= mark_cp < pc[1])
        marks.append((fc_of[piece] + (mark_cp - piece[0]) * width + width, p.sprms))
    ends = sorted(set([e for e, _ in marks] + [fc_of[pc] + (pc[1] - pc[0]) * width for pc in pieces]))
    props = dict(marks)
    runs, start = [], text_at
    for end in ends:
        runs.append((start, end, props.get(end)))
        start = end

    while len(stream) % 512:
        stream.append(0)
    pages, bte_fcs = [], []
    while runs:
        page, taken = _fkp(runs)
        bte_fcs.append(runs[0][0])
        runs = runs[taken:]
        pages.append(page)
    bte_fcs.append(text_end)
    first_pn = len(stream) // 512
    for page in pages:
        stream += page

    table = bytearray()
    n = len(pieces)
    plc = struct.pack(f"<{n + 1}I", *cuts) + b"".join(
        struct.pack("<HIH", 0, (fc_of[pc] * 2 | 0x40000000) if compressed else fc_of[pc], 0) for pc in pieces)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    fc_clx = len(table)
    table += clx
    fc_papx = len(table)
    table += struct.pack(f"<{len(bte_fcs)}I", *bte_fcs) + struct.pack(
        f"<{len(pages)}I", *range(first_pn, first_pn + len(pages)))
    lcb_papx = len(table) - fc_papx

    fib = bytearray(struct.pack("<HHHHH", 0xA5EC, 0x00C1, 0, 0x0804, 0))
    fib += struct.pack("<H", 0x0200 | 0x1000)  # fWhichTblStm (1Table), fExtChar
    fib = fib.ljust(32, b"\0")
    fib += struct.pack("<H", 14) + b"\0" * 28
    lw = [0] * 22
    lw[0], lw[3] = len(stream), len(text)
    fib += struct.pack("<H", 22) + struct.pack("<22I", *lw)
    fc_lcb = [0] * (93 * 2)
    fc_lcb[26], fc_lcb[27] = fc_papx, lcb_papx
    fc_lcb[66], fc_lcb[67] = fc_clx, len(clx)
    fib += struct.pack("<H", 93) + struct.pack(f"<{93 * 2}I", *fc_lcb) + struct.pack("<H", 0)
    stream[:len(fib)] = fib

    def padded(b: bytes) -> bytes:  # ≥ 4096 bytes: regular sectors, not the mini stream
        b = bytes(b).ljust(4096, b"\0")
        return b + b"\0" * (-len(b) % 512)
    return cfb({"WordDocument": padded(stream), "1Table": padded(table)})


def _fkp(runs) -> tuple[bytes, int]:
    """One 512-byte PAPX FKP page holding as many of `runs` as fit; (page, how many)."""
    for count in range(min(len(runs), 101), 0, -1):
        props = [r[2] for r in runs[:count]]
        blobs = []
        for sprms in props:
            if sprms is None:
                blobs.append(None)
                continue
            body = b"\0\0" + sprms  # istd 0, then the sprms
            if len(body) % 2:
                body += b"\0"
            blobs.append(bytes([0, len(body) // 2]) + body)
        head = 4 * (count + 1) + 13 * count
        room = 511 - head
        need = sum(len(b) + (len(b) % 2) for b in blobs if b)
        if need > room:
            continue
        page = bytearray(512)
        struct.pack_into(f"<{count + 1}I", page, 0, *([r[0] for r in runs[:count]] + [runs[count - 1][1]]))
        at = 511
        for i, blob in enumerate(blobs):
            if blob is None:
                continue
            at -= len(blob)
            at -= at % 2
            page[at:at + len(blob)] = blob
            page[4 * (count + 1) + 13 * i] = at // 2
        page[511] = count
        return bytes(page), count
    raise ValueError("a paragraph's properties do not fit a page")
