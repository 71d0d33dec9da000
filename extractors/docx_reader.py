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
import struct
import zipfile
import zlib
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from lxml import etree

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
W_TCPR, W_TRPR, W_GRIDSPAN, W_VMERGE, W_HMERGE = (
    qn("w:tcPr"), qn("w:trPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:hMerge"))
W_GRIDBEFORE, W_TBLGRID, W_GRIDCOL, W_VAL = (
    qn("w:gridBefore"), qn("w:tblGrid"), qn("w:gridCol"), qn("w:val"))
W_BODY = qn("w:body")
# Content that is not part of the visible text: tracked deletions/moves, fallback copies.
HIDDEN = (qn("w:del"), qn("w:moveFrom"), "{%s}Fallback" % nsmap.get(
    "mc", "http://schemas.openxmlformats.org/markup-compatibility/2006"))

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
    for el in list(root.iter(*HIDDEN)):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    body = root.find(W_BODY)
    if body is None:
        raise ExtractError.of("corrupt", "no_body")
    walker = _Walker()
    walker.walk_blocks(body)
    return ExtractedDocument(blocks=walker.blocks, source=source)


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
            if rel.get("Type") == RT.OFFICE_DOCUMENT:
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
    for el in p.iter(W_T, W_TAB, W_BR, W_CR):
        tag = el.tag
        if tag == W_T:
            text = el.text
            if text:
                parts.append(text)
        elif tag == W_TAB:
            # w:tab also names tab stops inside w:pPr/w:tabs; only run-level tabs are text
            if el.getparent().tag == W_R:
                parts.append("\t")
        else:
            parts.append("\n")
    return parts[0] if len(parts) == 1 else "".join(parts)


def _cell_props(tc):
    """(w:tcPr or None, gridSpan, vMerge element, hMerge element) in one pass over w:tcPr."""
    tcpr = None
    for child in tc:  # w:tcPr is the first child when present
        tcpr = child if child.tag == W_TCPR else tc.find(W_TCPR)
        break
    span, vmerge, hmerge = 1, None, None
    if tcpr is not None:
        for el in tcpr:
            tag = el.tag
            if tag == W_GRIDSPAN:
                try:
                    span = int(el.get(W_VAL, 1))
                except ValueError:
                    span = 1
            elif tag == W_VMERGE:
                vmerge = el
            elif tag == W_HMERGE:
                hmerge = el
    return tcpr, max(1, span), vmerge, hmerge


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.n_tables = 0

    def walk_blocks(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                self.blocks.append(Paragraph(len(self.blocks), _paragraph_text(child)))
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

    def read_table(self, tbl, parent, nested_out: list[Table]) -> Table:
        index = self.n_tables
        self.n_tables += 1
        cells: list[Cell] = []
        owner_above: dict[int, int] = {}
        n_rows = 0
        max_col = 0
        for r, tr in enumerate(_children(tbl, W_TR)):
            n_rows = r + 1
            col = _int_val(tr.find(W_TRPR), W_GRIDBEFORE, 0)
            owner_here: dict[int, int] = {}
            for tc in _children(tr, W_TC):
                tcpr, span, vmerge, hmerge = _cell_props(tc)
                if hmerge is not None and hmerge.get(W_VAL) != "restart" and cells and cells[-1].row == r:
                    # legacy horizontal merge: widen the cell to the left
                    cells[-1].col_span += span
                    for k in range(col, col + span):
                        owner_here[k] = len(cells) - 1
                    col += span
                    continue
                if vmerge is not None and vmerge.get(W_VAL) != "restart" and col in owner_above:
                    i = owner_above[col]
                    cells[i].row_span = r - cells[i].row + 1
                else:
                    i = len(cells)
                    cells.append(Cell(r, col, 1, span, self.cell_text(tc, (index, r, col), nested_out)))
                for k in range(col, col + span):
                    owner_here[k] = i
                col += span
            max_col = max(max_col, col)
            owner_above = owner_here
        grid = tbl.find(W_TBLGRID)
        n_grid = len(grid.findall(W_GRIDCOL)) if grid is not None else 0
        return Table(index, n_rows, max(max_col, n_grid if cells else 0), cells, parent)

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
