"""Read a .docx package into an ExtractedDocument: body paragraphs and merged-cell grids.

We open the OPC package ourselves (zip + relationships, names and namespaces from python-docx)
and walk `w:tbl`/`w:tr`/`w:tc` with lxml once. python-docx's object model (`Table.cell()`,
`row.cells`) is quadratic on merged tables and hides text in `w:sdt`/`w:ins`; this walk is
linear, keeps content controls and tracked insertions, drops tracked deletions, and never
resolves DTDs or external entities.
"""
from __future__ import annotations

import copy
import io
import posixpath
import re
import struct
import zipfile
import zlib
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from lxml import etree

from extractors import grid
from extractors.errors import ExtractError
from extractors.model import Cell, ExtractedDocument, Paragraph, Table

MAX_FILE_BYTES = 50 * 1024 * 1024  # a form is a few hundred KB; far larger is not a form
MAX_XML_BYTES = 64 * 1024 * 1024  # inflated size of word/document.xml (zip-bomb guard)
MAX_RATIO = 200  # declared inflated size / compressed size
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # declared inflated size of all parts together
MAX_RELS_BYTES = 1024 * 1024  # _rels/.rels is a few hundred bytes
READ_CHUNK = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ENCRYPTION_NAMES = {"EncryptionInfo", "EncryptedPackage"}

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_SDT, W_SDTCONTENT, W_CUSTOMXML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
W_T, W_TAB, W_BR, W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_NOBREAKHYPHEN = qn("w:noBreakHyphen")  # Ctrl+Shift+- in Word: 2020‑2022 is a range, not 20202022
W_TCPR, W_TRPR, W_GRIDSPAN, W_VMERGE, W_HMERGE = (
    qn("w:tcPr"), qn("w:trPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:hMerge"))
W_GRIDBEFORE, W_TBLGRID, W_GRIDCOL, W_VAL = (
    qn("w:gridBefore"), qn("w:tblGrid"), qn("w:gridCol"), qn("w:val"))
W_BODY = qn("w:body")
W_TCW, W_TBLPR, W_TBLW, W_WBEFORE, W_W, W_TYPE = (
    qn("w:tcW"), qn("w:tblPr"), qn("w:tblW"), qn("w:wBefore"), qn("w:w"), qn("w:type"))
W_SYM, W_FONT, W_CHAR, W_TXBX = qn("w:sym"), qn("w:font"), qn("w:char"), qn("w:txbxContent")
# Content that is not part of the visible text: tracked deletions and moves.
HIDDEN = (qn("w:del"), qn("w:moveFrom"))
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MC_ALTERNATE, MC_CHOICE, MC_FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
# Namespaces whose markup this reader understands well enough to read text from: an
# mc:Choice requiring only these is read, any other (w16se symbols, ink, 3D models) gives way
# to its mc:Fallback. Exactly one branch of each mc:AlternateContent is kept.
UNDERSTOOD = frozenset(nsmap.get(k) for k in ("w", "wp", "a", "pic", "r", "v", "o", "w10", "wps", "wpg",
                                                "wpc", "wp14", "w14", "w15", "wne", "m", "mc")) | {
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
    "urn:schemas-microsoft-com:office:word",
}
# Strict Open XML (ISO 29500 strict) names the same elements in other namespaces, one to one:
# http://purl.oclc.org/ooxml/X/Y is http://schemas.openxmlformats.org/X/2006/Y.
_STRICT_NS = re.compile(rb"http://purl\.oclc\.org/ooxml/(\w+)/(\w+)")
# Symbol-font code points (w:sym w:font="Symbol" w:char="F0B3") of the signs forms use.
_SYMBOL_FONT = {0xB3: "≥", 0xA3: "≤", 0xB9: "≠", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0x3E: ">", 0x3C: "<",
                0x3D: "=", 0x25: "%", 0xB0: "°", 0x2D: "-", 0xBE: "—"}

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    remove_comments=True, remove_pis=True)


def read_docx(path: str | Path) -> ExtractedDocument:
    """Extract a .docx file. Raises ExtractError with a stable code for unreadable files."""
    path = Path(path)
    _check_size(path.stat().st_size)
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    return read_docx_bytes(data, source=str(path))


def read_docx_bytes(data: bytes, source: str = "") -> ExtractedDocument:
    """Extract a .docx held in memory (the very bytes whose sha256 the run records)."""
    _check_size(len(data))
    head = data[:8]
    if head == OLE_MAGIC:
        raise _ole_error(data)
    if not head.startswith(b"PK"):
        raise ExtractError.of("not_a_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = _read_main_part(zf)
    except ExtractError:
        raise
    except RuntimeError as e:  # a member encrypted with a zip password
        if "encrypted" in str(e).lower() or "password" in str(e).lower():
            raise ExtractError.of("encrypted") from e
        raise ExtractError.of("corrupt", error=type(e).__name__) from e
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, NotImplementedError,
            etree.XMLSyntaxError) as e:
        raise ExtractError.of("corrupt", error=type(e).__name__) from e
    return parse_document_xml(xml, source=source)


def _check_size(size: int) -> None:
    if size == 0:
        raise ExtractError.of("empty_file")
    if size > MAX_FILE_BYTES:
        raise ExtractError.of("too_large", mb=size // 1024 // 1024)


def parse_document_xml(xml: bytes, source: str = "") -> ExtractedDocument:
    """Turn the bytes of word/document.xml into an ExtractedDocument."""
    if b"purl.oclc.org/ooxml" in xml:
        xml = to_transitional(xml)
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:65536]:
        raise ExtractError.of("unsafe_xml")
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as e:
        raise ExtractError.of("corrupt", "xml", error=e.msg) from e
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        # a DOCTYPE the byte scan missed (after a long prolog, or in UTF-16): its entities were
        # never resolved (resolve_entities=False, load_dtd=False, no_network); refuse anyway
        raise ExtractError.of("unsafe_xml")
    _resolve_alternate_content(root)
    for el in list(root.iter(*HIDDEN)):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    body = root.find(W_BODY)
    if body is None:
        raise ExtractError.of("corrupt", "no_body")
    walker = _Walker(text_boxes=b"txbxContent" in xml)
    walker.walk_blocks(body)
    return ExtractedDocument(blocks=walker.blocks, source=source)


def to_transitional(xml: bytes) -> bytes:
    """A Strict Open XML part with its namespaces renamed to the transitional ones."""
    return _STRICT_NS.sub(rb"http://schemas.openxmlformats.org/\1/2006/\2", xml)


def _resolve_alternate_content(root) -> None:
    """Keep exactly one branch of every mc:AlternateContent, in its place: the first mc:Choice
    whose required namespaces are all understood, else the mc:Fallback (else nothing)."""
    for ac in list(root.iter(MC_ALTERNATE)):
        parent = ac.getparent()
        if parent is None:
            continue
        chosen = None
        for branch in ac:
            if branch.tag == MC_CHOICE:
                prefixes = (branch.get("Requires") or "").split()
                if prefixes and all(branch.nsmap.get(p) in UNDERSTOOD for p in prefixes):
                    chosen = branch
                    break
            elif branch.tag == MC_FALLBACK:
                chosen = branch
                break
        at = parent.index(ac)
        parent.remove(ac)
        if chosen is not None:
            for k, child in enumerate(list(chosen)):
                parent.insert(at + k, child)


def _ole_error(data: bytes) -> ExtractError:
    # Encrypted .docx files are OLE containers holding EncryptionInfo/EncryptedPackage streams;
    # other OLE files are legacy binary Word (.doc) or WPS documents.
    names = ole_stream_names(data)
    if names & ENCRYPTION_NAMES or (not names and ENCRYPTION_STREAM in data[:1024 * 1024]):
        return ExtractError.of("encrypted", "ole")
    return ExtractError.of("legacy_format")


def ole_stream_names(data: bytes) -> set[str]:
    """Names in the directory of an OLE/CFB container (MS-CFB), following the FAT chain of the
    directory; empty when the container is malformed. Bounded: never loops."""
    try:
        sector_shift = struct.unpack_from("<H", data, 30)[0]
        if sector_shift not in (9, 12):
            return set()
        size = 1 << sector_shift
        n_fat = struct.unpack_from("<I", data, 44)[0]
        first_dir = struct.unpack_from("<I", data, 48)[0]
        difat = [x for x in struct.unpack_from("<109I", data, 76) if x < 0xFFFFFFFA][:n_fat]

        def sector(sid: int) -> bytes:
            start = (sid + 1) * size
            return data[start:start + size]

        fat: list[int] = []
        for sid in difat:
            chunk = sector(sid)
            fat.extend(struct.unpack_from(f"<{len(chunk) // 4}I", chunk))
        names: set[str] = set()
        sid, seen = first_dir, set()
        while sid < 0xFFFFFFFA and sid not in seen and len(seen) < 4096:
            seen.add(sid)
            chunk = sector(sid)
            for off in range(0, len(chunk) - 127, 128):
                n = struct.unpack_from("<H", chunk, off + 64)[0]
                if 2 <= n <= 64 and chunk[off + 66] in (1, 2, 5):  # storage, stream, root
                    names.add(chunk[off:off + n - 2].decode("utf-16-le", "replace"))
            sid = fat[sid] if sid < len(fat) else 0xFFFFFFFE
        return names
    except (struct.error, IndexError):
        return set()


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Inflate one member, never past `cap` bytes whatever its header declares. zipfile stops at
    the declared size (a lying zip bomb then fails its CRC), so the member is opened with the
    declared size raised past the cap and its actual inflated size measured while reading."""
    probe = copy.copy(info)
    probe.file_size = 1 << 62  # zipfile reads ahead; it checks the CRC only at the stream's true end
    chunks, total = [], 0
    with zf.open(probe) as f:
        while True:
            chunk = f.read(min(READ_CHUNK, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise ExtractError.of("too_large", "bomb")
    if total != info.file_size:
        raise ExtractError.of("corrupt", "size_mismatch")
    return b"".join(chunks)


def _read_main_part(zf: zipfile.ZipFile) -> bytes:
    if sum(i.file_size for i in zf.infolist()) > MAX_TOTAL_BYTES:
        raise ExtractError.of("too_large", "bomb")
    name = _main_part_name(zf)
    info = zf.getinfo(name)
    if info.file_size > MAX_XML_BYTES or (
        info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 4 * 1024 * 1024
    ):
        raise ExtractError.of("too_large", "bomb")
    return _read_capped(zf, info, MAX_XML_BYTES)  # the declared size can lie: measured as read


def _main_part_name(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "_rels/.rels" in names:
        try:
            rels = etree.fromstring(_read_capped(zf, zf.getinfo("_rels/.rels"), MAX_RELS_BYTES), _PARSER)
        except (ExtractError, etree.XMLSyntaxError):
            rels = ()  # a broken or oversized relationships part: fall back to the usual name
        for rel in rels:
            kind = rel.get("Type", "")
            if kind == RT.OFFICE_DOCUMENT or to_transitional(kind.encode()).decode() == RT.OFFICE_DOCUMENT:
                target = rel.get("Target", "").lstrip("/")
                target = posixpath.normpath(target)
                if target in names:
                    return target
    if "word/document.xml" in names:
        return "word/document.xml"
    raise ExtractError.of("not_a_docx", "no_main_part")


W_R = qn("w:r")


def _paragraph_text(p) -> str:
    # one C-level pass; most cells hold a single run of text
    parts = []
    for el in p.iter(W_T, W_TAB, W_BR, W_CR, W_SYM, W_NOBREAKHYPHEN):
        tag = el.tag
        if tag == W_T:
            text = el.text
            if text:
                parts.append(text)
        elif tag == W_TAB:
            # w:tab also names tab stops inside w:pPr/w:tabs; only run-level tabs are text
            if el.getparent().tag == W_R:
                parts.append("\t")
        elif tag == W_SYM:
            parts.append(_symbol(el))
        elif tag == W_NOBREAKHYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return parts[0] if len(parts) == 1 else "".join(parts)


def _symbol(el) -> str:
    """A w:sym character: ≥ typed from the Symbol font is w:char="F0B3" (private use + 0xF000)."""
    try:
        code = int(el.get(W_CHAR, ""), 16)
    except ValueError:
        return ""
    if code >= 0xF000:
        code -= 0xF000
        font = (el.get(W_FONT) or "").lower()
        return _SYMBOL_FONT.get(code, "") if font == "symbol" else ""
    return chr(code) if 0x20 <= code < 0x110000 else ""


def _cell_props(tc):
    """(w:tcPr or None, gridSpan, vMerge element, hMerge element, has gridSpan) in one pass over w:tcPr."""
    tcpr = None
    for child in tc:  # w:tcPr is the first child when present
        tcpr = child if child.tag == W_TCPR else tc.find(W_TCPR)
        break
    span, vmerge, hmerge, spanned = 1, None, None, False
    if tcpr is not None:
        for el in tcpr:
            tag = el.tag
            if tag == W_GRIDSPAN:
                spanned = True
                try:
                    span = int(el.get(W_VAL, 1))
                except ValueError:
                    span = 1
            elif tag == W_VMERGE:
                vmerge = el
            elif tag == W_HMERGE:
                hmerge = el
    return tcpr, max(1, span), vmerge, hmerge, spanned


def _measure(el, reference: float | None = None) -> float | None:
    """A w:tcW / w:tblW / w:wBefore width in twips; None when it is auto, nil or unreadable.
    Percentages (w:type="pct": fiftieths of a percent, or "50%") need the table width."""
    if el is None:
        return None
    kind = el.get(W_TYPE, "dxa")
    raw = (el.get(W_W) or "").strip()
    if kind in ("auto", "nil") or not raw:
        return None
    try:
        if kind == "pct":
            share = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw) / 5000
            return share * reference if reference else None
        for suffix, twips in (("mm", 56.6929), ("cm", 566.929), ("in", 1440.0), ("pt", 20.0), ("pc", 240.0),
                              ("pi", 240.0)):
            if raw.endswith(suffix):  # Strict Open XML writes universal measures
                return float(raw[:-len(suffix)]) * twips
        return float(raw)
    except ValueError:
        return None


class _Walker:
    def __init__(self, text_boxes: bool = False) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.n_tables = 0
        self.text_boxes = text_boxes  # the part has w:txbxContent somewhere

    def walk_blocks(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                boxes = self._take_text_boxes(child) if self.text_boxes else ()
                self.blocks.append(Paragraph(len(self.blocks), _paragraph_text(child)))
                for box in boxes:  # a text box anchored in the paragraph: its tables are tables
                    self.walk_blocks(box)
            elif tag == W_TBL:
                nested: list[Table] = []
                table = self.read_table(child, None, nested)
                self.blocks.append(table)
                self.blocks.extend(nested)
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self.walk_blocks(content)
            elif tag == W_CUSTOMXML:
                self.walk_blocks(child)

    @staticmethod
    def _take_text_boxes(p) -> list:
        """The outermost w:txbxContent inside paragraph p, detached so that the paragraph's own
        text leaves them out."""
        boxes = []
        for box in list(p.iter(W_TXBX)):
            if any(a.tag == W_TXBX for a in box.iterancestors(W_TXBX)):
                continue  # inside another box: walked with it
            boxes.append(box)
        for box in boxes:
            box.getparent().remove(box)
        return boxes

    def read_table(self, tbl, parent, nested_out: list[Table]) -> Table:
        index = self.n_tables
        self.n_tables += 1
        grid = tbl.find(W_TBLGRID)
        grid_widths = []
        if grid is not None:
            for gc in grid.iterchildren(W_GRIDCOL):
                grid_widths.append(_measure(gc))
        rows = []  # per w:tr: (grid columns before, [(tc, span, vmerge, hmerge)])
        any_span = False
        for tr in _children(tbl, W_TR):
            before = _int_val(tr.find(W_TRPR), W_GRIDBEFORE, 0)
            tcs = []
            for tc in _children(tr, W_TC):
                tcpr, span, vmerge, hmerge, spanned = _cell_props(tc)
                any_span = any_span or spanned
                tcs.append((tc, tcpr, span, vmerge, hmerge))
            rows.append((tr, before, tcs))
        placed = None
        lines = _grid_lines(grid_widths)
        if not grid_widths or (not any_span and _ragged(rows, len(grid_widths))):
            # WPS / LibreOffice / generated files: no w:tblGrid, or no w:gridSpan although rows
            # hold different numbers of cells: the grid comes from the cell widths
            placed, by_width = _place_by_width(tbl, rows, grid_widths)
            lines = by_width if placed is not None else lines
        cells: list[Cell] = []
        owner_above: dict[int, int] = {}
        n_rows = 0
        max_col = 0
        for r, (tr, before, tcs) in enumerate(rows):
            n_rows = r + 1
            col = before
            owner_here: dict[int, int] = {}
            for k, (tc, tcpr, span, vmerge, hmerge) in enumerate(tcs):
                if placed is not None:
                    col, span = placed[r][k]
                if hmerge is not None and hmerge.get(W_VAL) != "restart" and cells and cells[-1].row == r:
                    # legacy horizontal merge: widen the cell to the left
                    cells[-1].col_span += span
                    for c in range(col, col + span):
                        owner_here[c] = len(cells) - 1
                    col += span
                    continue
                if vmerge is not None and vmerge.get(W_VAL) != "restart" and col in owner_above:
                    i = owner_above[col]
                    cells[i].row_span = r - cells[i].row + 1
                else:
                    i = len(cells)
                    cells.append(Cell(r, col, 1, span, self.cell_text(tc, (index, r, col), nested_out)))
                for c in range(col, col + span):
                    owner_here[c] = i
                col += span
                max_col = max(max_col, col)
            max_col = max(max_col, col)
            owner_above = owner_here
        n_cols = max(max_col, len(grid_widths) if cells else 0)
        return Table(index, n_rows, n_cols, cells, parent,
                     col_lines=lines if lines is not None and len(lines) == n_cols + 1 else None)

    def cell_text(self, tc, where, nested_out: list[Table]) -> str:
        paras: list[str] = []
        self._cell_blocks(tc, where, nested_out, paras)
        return "\n".join(paras)

    def _cell_blocks(self, container, where, nested_out, paras) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                paras.append(_paragraph_text(child))
            elif tag == W_TBL:
                inner: list[Table] = []
                nested_out.append(self.read_table(child, where, inner))
                nested_out.extend(inner)
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self._cell_blocks(content, where, nested_out, paras)
            elif tag == W_CUSTOMXML:
                self._cell_blocks(child, where, nested_out, paras)


def _ragged(rows, n_grid: int) -> bool:
    """Rows whose cells (counted one grid column each) do not fill the grid the same way."""
    counts = {before + len(tcs) for _, before, tcs in rows if tcs}
    return len(counts) > 1 or (bool(counts) and counts != {n_grid})


def _grid_lines(grid_widths) -> list[float] | None:
    """The x of each w:tblGrid line, from 0; None when a column has no width."""
    if not grid_widths or None in grid_widths:
        return None
    lines, x = [0.0], 0.0
    for w in grid_widths:
        x += w
        lines.append(x)
    return lines


def _place_by_width(tbl, rows, grid_widths) -> tuple[list | None, list[float] | None]:
    """(col, span) of every w:tc from the cell widths: the edges of all rows, snapped to the
    w:tblGrid lines when there are any, else clustered into grid lines; and those lines.
    (None, None) when a width is missing (then cells are counted, as before)."""
    tblpr = tbl.find(W_TBLPR)
    table_w = _measure(tblpr.find(W_TBLW)) if tblpr is not None else None
    if table_w is None and grid_widths and None not in grid_widths:
        table_w = sum(grid_widths)
    edges_per_row = []
    for tr, before, tcs in rows:
        trpr = tr.find(W_TRPR)
        x = _measure(trpr.find(W_WBEFORE), table_w) if trpr is not None and trpr.find(W_WBEFORE) is not None else 0.0
        if x is None:
            return None, None
        if before and grid_widths and None not in grid_widths and not x:
            x = float(sum(grid_widths[:before]))
        edges = [x]
        for tc, tcpr, *_ in tcs:
            w = _measure(tcpr.find(W_TCW), table_w) if tcpr is not None else None
            if w is None or w <= 0:
                return None, None
            x += w
            edges.append(x)
        edges_per_row.append(edges)
    widest = max((e[-1] for e in edges_per_row if e), default=0.0)
    if widest <= 0:
        return None, None
    if grid_widths and None not in grid_widths:
        lines = _grid_lines(grid_widths)
    else:
        lines = grid.cluster_lines(edges_per_row)
    return grid.place(edges_per_row, lines), lines


def _children(el, tag):
    """Direct children with `tag`, looking through content controls and custom XML wrappers."""
    if el.find(W_SDT) is None and el.find(W_CUSTOMXML) is None:
        return el.iterchildren(tag)  # the common case, filtered in C
    return _wrapped_children(el, tag)


def _wrapped_children(el, tag):
    for child in el:
        t = child.tag
        if t == tag:
            yield child
        elif t == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _wrapped_children(content, tag)
        elif t == W_CUSTOMXML:
            yield from _wrapped_children(child, tag)


def _int_val(parent, tag, default: int) -> int:
    if parent is None:
        return default
    el = parent.find(tag)
    if el is None:
        return default
    try:
        return int(el.get(W_VAL, default))
    except ValueError:
        return default
