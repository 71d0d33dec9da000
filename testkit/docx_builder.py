"""Write .docx forms with real Word table merges, for tests and samples.

A document is a list of blocks (``Para`` or ``Table``).  A table is a list of
rows; each row lists only the cells that *start* in that row, HTML style:
``Cell(colspan=2)`` becomes ``w:gridSpan``, ``Cell(rowspan=3)`` becomes
``w:vMerge w:val="restart"`` plus two continuation ``w:tc`` (``<w:vMerge/>``,
one empty paragraph) that the builder inserts in the rows below.  Nothing is
faked with repeated text.

Cell and paragraph content:

* ``content("效果\\n明显")`` -> two paragraphs; ``""`` lines -> empty paragraphs
* ``lines_br("一级\\n指标")`` -> one paragraph with a ``w:br`` line break
* ``with_bookmark("“三公”经费变动率")`` -> ``w:bookmarkStart/End`` named _GoBack first
* ``in_sdt("…", level="block"|"run")`` -> paragraph or run wrapped in ``w:sdt/w:sdtContent``
* ``inserted("95%")`` -> run wrapped in a tracked insertion ``w:ins``
* ``Content(paras, nested=Table(...))`` -> a nested table inside the cell

Output is deterministic: fixed core properties, fixed zip member timestamps,
fixed ids; the same ``Document`` always gives the same bytes.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, Union

import docx
from docx.oxml import parse_xml
from docx.shared import Pt, Twips
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_DATE = _dt.datetime(2023, 11, 6, 9, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    ins: bool = False  # wrap the run in a tracked insertion (w:ins)
    sdt: bool = False  # wrap the run in a run-level content control (w:sdt)


@dataclass(frozen=True)
class Break:
    """A line break (w:br) inside a paragraph; page=True: a page break (w:br w:type="page")."""

    page: bool = False


@dataclass(frozen=True)
class Bookmark:
    """A zero-length bookmark (w:bookmarkStart + w:bookmarkEnd)."""

    name: str = "_GoBack"


Inline = Union[Run, Break, Bookmark]


@dataclass(frozen=True)
class Para:
    items: tuple = ()
    align: str | None = None  # left | center | right | both
    bold: bool = False
    size: float | None = None  # points
    sdt: bool = False  # wrap the whole paragraph in a block-level content control

    @property
    def text(self) -> str:
        out = []
        for item in self.items:
            if isinstance(item, Run):
                out.append(item.text)
            elif isinstance(item, Break):
                out.append("\n")
        return "".join(out)


@dataclass(frozen=True)
class Content:
    """What a cell holds: paragraphs, optionally followed by a nested table."""

    paras: tuple = ()
    nested: "Table | None" = None

    @property
    def text(self) -> str:
        """Paragraph texts joined with '\\n' (w:br also gives '\\n'); nested tables excluded."""
        return "\n".join(p.text for p in self.paras)


Text = Union[str, Content]


@dataclass(frozen=True)
class Cell:
    body: Content
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None
    valign: str = "center"
    shade: str | None = None  # hex fill, e.g. "D9D9D9"


@dataclass
class Table:
    widths: Sequence[int]  # twips, one per grid column (w:gridCol)
    rows: list  # list[list[Cell]]
    borders: bool = True
    header_rows: int = 0  # the first rows repeat on every page (w:tblHeader)


@dataclass
class Document:
    blocks: list  # list[Para | Table]
    title: str = ""
    landscape: bool = False
    font_east_asia: str = "宋体"
    font_size: float = 10.5


# --------------------------------------------------------------------------- helpers


def content(x: "Text | Para | None") -> Content:
    """str -> one paragraph per '\\n'-separated line (empty lines -> empty paragraphs)."""
    if x is None:
        return Content((Para(()),))
    if isinstance(x, Content):
        return x
    if isinstance(x, Para):
        return Content((x,))
    return Content(tuple(Para((Run(line),) if line else ()) for line in x.split("\n")))


def text_of(x: "Text | None") -> str:
    if x is None:
        return ""
    if isinstance(x, Content):
        return x.text
    return x


def lines_br(text: str, **para_kw) -> Content:
    """One paragraph whose lines are separated by w:br line breaks."""
    items: list = []
    for i, line in enumerate(text.split("\n")):
        if i:
            items.append(Break())
        if line:
            items.append(Run(line))
    return Content((Para(tuple(items), **para_kw),))


def with_bookmark(text: str, name: str = "_GoBack") -> Content:
    """The text with a zero-length bookmark at its start (what Word leaves as _GoBack)."""
    c = content(text)
    first = c.paras[0]
    return Content((Para((Bookmark(name),) + first.items, first.align, first.bold, first.size, first.sdt),)
                   + c.paras[1:], c.nested)


def in_sdt(text: str, level: str = "block") -> Content:
    """The text inside a content control: around the paragraph ("block") or the run ("run")."""
    if level == "block":
        return Content(tuple(Para(p.items, sdt=True) for p in content(text).paras))
    return Content(tuple(Para(tuple(Run(i.text, sdt=True) if isinstance(i, Run) else i for i in p.items))
                         for p in content(text).paras))


def inserted(text: str, keep: str = "") -> Content:
    """`keep` as a normal run followed by `text` as a tracked insertion (w:ins)."""
    items = ((Run(keep),) if keep else ()) + (Run(text, ins=True),)
    return Content((Para(items),))


def C(x: "Text | Para | None" = "", colspan: int = 1, rowspan: int = 1, **kw) -> Cell:
    return Cell(content(x), colspan, rowspan, **kw)


def P(text: str = "", **kw) -> Para:
    return Para((Run(text),) if text else (), **kw)


# --------------------------------------------------------------------------- XML


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return str(self.n)


def _el(parent, tag: str, **attrs):
    e = etree.SubElement(parent, _w(tag)) if parent is not None else etree.Element(_w(tag), nsmap={"w": W_NS})
    for k, v in attrs.items():
        e.set(_w(k), str(v))
    return e


def _run_el(parent, run: Run, para: Para, ids: _Ids):
    host = parent
    if run.ins:
        host = _el(host, "ins", id=ids.next(), author="jixiao-tests",
                   date=FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if run.sdt:
        sdt = _el(host, "sdt")
        pr = _el(sdt, "sdtPr")
        _el(pr, "alias", val="填写内容")
        _el(pr, "id", val=ids.next())
        _el(pr, "text")
        host = _el(sdt, "sdtContent")
    r = _el(host, "r")
    if run.bold or para.bold or para.size:
        rpr = _el(r, "rPr")
        if run.bold or para.bold:
            _el(rpr, "b")
        if para.size:
            _el(rpr, "sz", val=int(round(para.size * 2)))
    t = _el(r, "t")
    t.text = run.text
    if any(ch.isspace() for ch in run.text):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _para_el(parent, para: Para, ids: _Ids):
    host = parent
    if para.sdt:
        sdt = _el(host, "sdt")
        pr = _el(sdt, "sdtPr")
        _el(pr, "alias", val="填写内容")
        _el(pr, "tag", val="field")
        _el(pr, "id", val=ids.next())
        host = _el(sdt, "sdtContent")
    p = _el(host, "p")
    if para.align or para.bold or para.size:
        ppr = _el(p, "pPr")
        if para.align:
            _el(ppr, "jc", val=para.align)
        if para.bold or para.size:
            rpr = _el(ppr, "rPr")
            if para.bold:
                _el(rpr, "b")
            if para.size:
                _el(rpr, "sz", val=int(round(para.size * 2)))
    for item in para.items:
        if isinstance(item, Run):
            _run_el(p, item, para, ids)
        elif isinstance(item, Break):
            br = _el(_el(p, "r"), "br")
            if item.page:
                br.set(_w("type"), "page")
        elif isinstance(item, Bookmark):
            bid = ids.next()
            _el(p, "bookmarkStart", id=bid, name=item.name)
            _el(p, "bookmarkEnd", id=bid)
        else:  # pragma: no cover
            raise TypeError(item)
    return p


def _tc_el(tr, width: int, colspan: int, vmerge: str | None, cell: Cell | None, ids: _Ids):
    tc = _el(tr, "tc")
    pr = _el(tc, "tcPr")
    _el(pr, "tcW", w=width, type="dxa")
    if colspan > 1:
        _el(pr, "gridSpan", val=colspan)
    if vmerge == "restart":
        _el(pr, "vMerge", val="restart")
    elif vmerge == "continue":
        _el(pr, "vMerge")
    if cell is not None and cell.shade:
        _el(pr, "shd", val="clear", color="auto", fill=cell.shade)
    _el(pr, "vAlign", val=cell.valign if cell is not None else "center")
    if cell is None:  # vMerge continuation: one empty paragraph, as Word writes it
        _el(tc, "p")
        return tc
    paras = cell.body.paras or (Para(()),)
    for para in paras:
        if cell.align and not para.align:
            para = Para(para.items, cell.align, para.bold, para.size, para.sdt)
        _para_el(tc, para, ids)
    if cell.body.nested is not None:
        tc.append(_table_el(cell.body.nested, ids))
        _el(tc, "p")  # a cell must end with a paragraph
    return tc


def _table_el(table: Table, ids: _Ids):
    n = len(table.widths)
    tbl = _el(None, "tbl")
    pr = _el(tbl, "tblPr")
    _el(pr, "tblW", w=sum(table.widths), type="dxa")
    _el(pr, "jc", val="center")
    if table.borders:
        b = _el(pr, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _el(b, side, val="single", sz=4, space=0, color="000000")
    _el(pr, "tblLayout", type="fixed")
    mar = _el(pr, "tblCellMar")
    _el(mar, "left", w=57, type="dxa")
    _el(mar, "right", w=57, type="dxa")
    _el(pr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=0, noVBand=0)
    grid = _el(tbl, "tblGrid")
    for w in table.widths:
        _el(grid, "gridCol", w=w)

    # occupied[g] = [rows_left, start_col, colspan] for vertical spans coming from above
    occupied: list = [None] * n
    for r, row in enumerate(table.rows):
        tr = _el(tbl, "tr")
        if r < table.header_rows:
            _el(_el(tr, "trPr"), "tblHeader")
        cells = list(row)
        g = 0
        while g < n:
            occ = occupied[g]
            if occ is not None and occ[0] > 0:
                if occ[1] != g:
                    raise ValueError(f"row {r}: vertical span from col {occ[1]} overlaps col {g}")
                span = occ[2]
                _tc_el(tr, sum(table.widths[g:g + span]), span, "continue", None, ids)
                occ[0] -= 1
                if occ[0] == 0:
                    for k in range(g, g + span):
                        occupied[k] = None
                g += span
                continue
            if not cells:
                raise ValueError(f"row {r}: cells cover {g} of {n} grid columns")
            cell = cells.pop(0)
            span = cell.colspan
            if g + span > n:
                raise ValueError(f"row {r}: cell at col {g} with colspan {span} exceeds {n} columns")
            for k in range(g, g + span):
                if occupied[k] is not None:
                    raise ValueError(f"row {r}: cell at col {g} overlaps a vertical span at col {k}")
            if cell.rowspan > 1:
                rec = [cell.rowspan - 1, g, span]
                for k in range(g, g + span):
                    occupied[k] = rec
            _tc_el(tr, sum(table.widths[g:g + span]), span, "restart" if cell.rowspan > 1 else None, cell, ids)
            g += span
        if cells:
            raise ValueError(f"row {r}: {len(cells)} cell(s) left over after filling {n} grid columns")
    if any(o is not None for o in occupied):
        raise ValueError("a vertical span runs past the last row")
    return tbl


def _deterministic_zip(raw: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def build(doc: Document) -> bytes:
    """Render `doc` to .docx bytes (deterministic)."""
    d = docx.Document()
    body = d.element.body
    sect = body.find(_w("sectPr"))
    for child in list(body):
        if child is not sect:
            body.remove(child)

    normal = d.styles["Normal"]
    normal.font.size = Pt(doc.font_size)
    normal.font.name = "Times New Roman"
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(_w("rFonts"))
    rfonts.set(_w("eastAsia"), doc.font_east_asia)

    s = d.sections[0]
    if doc.landscape:
        s.page_width, s.page_height = Twips(16838), Twips(11906)
        s.orientation = 1
    else:
        s.page_width, s.page_height = Twips(11906), Twips(16838)
    s.left_margin = s.right_margin = Twips(1134)
    s.top_margin = s.bottom_margin = Twips(1440)

    ids = _Ids()
    for block in doc.blocks:
        if isinstance(block, Table):
            el = _table_el(block, ids)
        elif isinstance(block, Para):
            holder = _el(None, "body")
            _para_el(holder, block, ids)
            el = holder[0]
        else:  # pragma: no cover
            raise TypeError(block)
        sect.addprevious(parse_xml(etree.tostring(el)))

    cp = d.core_properties
    cp.title = doc.title
    cp.author = "填报人"
    cp.last_modified_by = "填报人"
    cp.comments = ""
    cp.subject = ""
    cp.keywords = ""
    cp.category = ""
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE

    buf = io.BytesIO()
    d.save(buf)
    return _deterministic_zip(buf.getvalue())


def save(doc: Document, path: "str | Path") -> bytes:
    return write_if_changed(build(doc), path)


def write_if_changed(data: bytes, path: "str | Path") -> bytes:
    """Write `data` to `path` unless it already holds exactly that (rebuilds touch nothing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return data


# --------------------------------------------------------------------------- other writers

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W16SE_NS = "http://schemas.microsoft.com/office/word/2015/wordml/symex"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
WRITERS = ("word", "wps", "wps_grid", "strict")


def rewrite(data: bytes, writer: str = "word", text_box: bool = False, seed: int = 0) -> bytes:
    """The same document as another writer saves it.

    * ``wps``: what WPS Office and some exporters write — no w:tblGrid and no w:gridSpan (the
      grid is only in the cell widths), ``w:vMerge w:val="continue"``, runs split inside
      numbers (``10`` + ``36.06万元``), runs wrapped in ``mc:AlternateContent`` (a w14 choice
      and its fallback, both holding the text; or a w16se symbol choice whose text is only in
      the fallback), ``w14:paraId`` attributes on paragraphs and rows.
    * ``wps_grid``: the same, but the w:tblGrid is kept (spans are lost, the grid lines stay).
    * ``strict``: Strict Open XML namespaces (http://purl.oclc.org/ooxml/…) in every part.
    * ``text_box``: every body-level table is moved into a text box (a DrawingML shape with a
      VML fallback copy, as Word writes it).
    """
    import random
    import re as _re

    if writer == "word" and not text_box:
        return data
    rnd = random.Random(seed)
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    if text_box:
        _into_text_boxes(root)
    if writer in ("wps", "wps_grid"):
        _as_wps(root, rnd, keep_grid=writer == "wps_grid")
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if writer == "strict":
        pattern = _re.compile(rb"http://schemas\.openxmlformats\.org/(\w+)/2006/(\w+)")

        def strict(m):
            return m.group(0) if m.group(1) == b"package" else b"http://purl.oclc.org/ooxml/" + m.group(1) + b"/" + m.group(2)
        parts = {name: (pattern.sub(strict, body) if name.endswith((".xml", ".rels")) else body)
                 for name, body in parts.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts.items():
            zi = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _as_wps(root, rnd, keep_grid: bool) -> None:
    for tbl in list(root.iter(_w("tbl"))):
        grid = tbl.find(_w("tblGrid"))
        if grid is not None and not keep_grid:
            tbl.remove(grid)
    for el in list(root.iter(_w("gridSpan"))):
        el.getparent().remove(el)
    for el in root.iter(_w("vMerge")):
        if el.get(_w("val")) is None:
            el.set(_w("val"), "continue")
    n = 0
    for el in root.iter(_w("p"), _w("tr")):
        n += 1
        el.set(f"{{{W14_NS}}}paraId", f"{0x10000000 + n:08X}")
        el.set(f"{{{W14_NS}}}textId", "77777777")
    for r in list(root.iter(_w("r"))):
        t = r.find(_w("t"))
        if t is None or not t.text or r.getparent() is None:
            continue
        how = rnd.random()
        if how < 0.3 and len(t.text) >= 2:  # one run in two: "10" + "36.06万元"
            cut = rnd.randint(1, len(t.text) - 1)
            second = copy.deepcopy(r)
            second.find(_w("t")).text = t.text[cut:]
            t.text = t.text[:cut]
            for x in (t, second.find(_w("t"))):
                x.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.addnext(second)
        elif how < 0.4:  # a w14 choice and its fallback, both with the text
            ac = etree.Element(f"{{{MC_NS}}}AlternateContent", nsmap={"mc": MC_NS, "w14": W14_NS})
            choice = etree.SubElement(ac, f"{{{MC_NS}}}Choice", Requires="w14")
            fallback = etree.SubElement(ac, f"{{{MC_NS}}}Fallback")
            r.addprevious(ac)
            choice.append(copy.deepcopy(r))
            fallback.append(r)
        elif how < 0.45:  # a symbol choice nobody understands: the text is in the fallback only
            ac = etree.Element(f"{{{MC_NS}}}AlternateContent", nsmap={"mc": MC_NS, "w16se": W16SE_NS})
            choice = etree.SubElement(ac, f"{{{MC_NS}}}Choice", Requires="w16se")
            fallback = etree.SubElement(ac, f"{{{MC_NS}}}Fallback")
            r.addprevious(ac)
            sym = etree.SubElement(etree.SubElement(choice, _w("r")), f"{{{W16SE_NS}}}symEx")
            sym.set(f"{{{W16SE_NS}}}font", "Segoe UI Emoji")
            sym.set(f"{{{W16SE_NS}}}char", "2705")
            fallback.append(r)


def _into_text_boxes(root) -> None:
    body = root.find(_w("body"))
    for tbl in [c for c in body if c.tag == _w("tbl")]:
        p = etree.Element(_w("p"))
        tbl.addprevious(p)
        r = etree.SubElement(p, _w("r"))
        ac = etree.SubElement(r, f"{{{MC_NS}}}AlternateContent", nsmap={"mc": MC_NS, "wps": WPS_NS, "wp": WP_NS,
                                                                          "a": A_NS, "v": V_NS})
        choice = etree.SubElement(ac, f"{{{MC_NS}}}Choice", Requires="wps")
        anchor = etree.SubElement(etree.SubElement(choice, _w("drawing")), f"{{{WP_NS}}}anchor")
        etree.SubElement(anchor, f"{{{WP_NS}}}extent", cx="6000000", cy="8000000")
        etree.SubElement(anchor, f"{{{WP_NS}}}docPr", id="1", name="文本框 1")
        data = etree.SubElement(etree.SubElement(anchor, f"{{{A_NS}}}graphic"), f"{{{A_NS}}}graphicData",
                                uri=WPS_NS)
        box = etree.SubElement(etree.SubElement(etree.SubElement(data, f"{{{WPS_NS}}}wsp"), f"{{{WPS_NS}}}txbx"),
                               _w("txbxContent"))
        fallback = etree.SubElement(ac, f"{{{MC_NS}}}Fallback")
        shape = etree.SubElement(etree.SubElement(fallback, _w("pict")), f"{{{V_NS}}}shape",
                                 style="width:470pt;height:630pt")
        vbox = etree.SubElement(etree.SubElement(shape, f"{{{V_NS}}}textbox"), _w("txbxContent"))
        body.remove(tbl)
        vbox.append(copy.deepcopy(tbl))
        etree.SubElement(vbox, _w("p"))
        box.append(tbl)
        etree.SubElement(box, _w("p"))


__all__ = [
    "rewrite", "WRITERS",
    "Run", "Break", "Bookmark", "Para", "Content", "Cell", "Table", "Document", "Text",
    "content", "text_of", "lines_br", "with_bookmark", "in_sdt", "inserted", "C", "P",
    "build", "save", "W_NS", "FIXED_DATE",
]
