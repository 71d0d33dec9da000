"""The Word 97 reader (extractors/word97.py) against LibreOffice: the same document from the
same .doc bytes, for every layout; what it does not model goes to LibreOffice; damaged files
never raise anything but Unsupported."""
from __future__ import annotations

import hashlib
import io
import random
import shutil

import olefile
import pytest

from extractors import dispatch
from extractors.convert import Converter
from extractors.dispatch import needs_conversion, read_document
from extractors.docx_reader import read_docx_bytes
from extractors.errors import ExtractError
from extractors.model import Table
from extractors.word97 import Unsupported, _Fields, read_word97
from testkit.docx_builder import rewrite
from testkit.formats import convert_files
from tests.conftest import SAMPLES
from tests.extractors.formats_support import CASES, FORMATS, NEEDS_LIBREOFFICE, STEMS, docx_forms, forms_of

WORD97_CASES = [FORMATS / f"{s}.doc" for s in STEMS] + [FORMATS / "national_department.wps"]


def _libreoffice_read(data: bytes, converter: Converter):
    """What the .docx extractor makes of LibreOffice's conversion of the same bytes."""
    sha = hashlib.sha256(data).hexdigest()
    return read_docx_bytes(converter.convert_many([(sha, data, "doc")])[sha])


def _same_document(native, converted) -> None:
    """Block by block: paragraphs, tables (nested ones with their parent cell), every cell's
    place, spans and text; column lines within a writer's rounding."""
    assert [b.kind for b in native.blocks] == [b.kind for b in converted.blocks]
    for a, b in zip(native.blocks, converted.blocks):
        if isinstance(a, Table):
            assert (a.index, a.n_rows, a.n_cols, a.parent) == (b.index, b.n_rows, b.n_cols, b.parent)
            assert [(c.row, c.col, c.row_span, c.col_span, c.text) for c in a.cells] == \
                   [(c.row, c.col, c.row_span, c.col_span, c.text) for c in b.cells]
            assert a.col_lines is not None and b.col_lines is not None and len(a.col_lines) == len(b.col_lines)
            assert all(abs(x - y) <= 8 for x, y in zip(a.col_lines, b.col_lines))
        else:
            assert (a.index, a.text) == (b.index, b.text)


@pytest.mark.parametrize("path", WORD97_CASES, ids=lambda p: p.name)
def test_the_same_document_as_libreoffice_makes_of_it(path, converter):
    data = path.read_bytes()
    native = read_word97(data)
    _same_document(native, _libreoffice_read(data, converter))
    assert forms_of(native) == docx_forms(path.stem)


def test_nested_tables_sit_after_their_parent_with_its_cell():
    doc = read_word97((FORMATS / "national_department.doc").read_bytes())
    nested = [t for t in doc.tables if t.parent is not None]
    assert nested and all(t.parent[0] < t.index for t in nested)
    parent = doc.tables[nested[0].parent[0]]
    assert parent.at(nested[0].parent[1], nested[0].parent[2]) is not None
    assert "重点项目评价全覆盖" in [c.text for c in nested[0].cells]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Forms of the Hubei layouts in every writer (Word, WPS without a grid, text traps) as .doc, converted
    by LibreOffice in one start: the sample inbox's .docx files and a `bench.generate` corpus."""
    from bench.generate import main as generate

    out = tmp_path_factory.mktemp("word97-generated")
    generate([str(out / "inbox"), "--forms", "30", "--seed", "3"])
    flat = out / "flat"
    flat.mkdir()
    paths = []
    sources = sorted((out / "inbox").rglob("*.docx")) + sorted(
        p for p in SAMPLES.rglob("*.docx") if not p.name.startswith("~$"))
    for i, p in enumerate(sources):
        paths.append(flat / f"f{i:03d}.docx")
        shutil.copyfile(p, paths[-1])
    return convert_files(paths, "doc", out / "doc")


def test_generated_forms_of_every_layout_read_as_libreoffice_reads_them(generated, converter):
    layouts = set()
    for path in generated:
        data = path.read_bytes()
        native = read_word97(data)
        _same_document(native, _libreoffice_read(data, converter))
        layouts.add(forms_of(native)[0]["layout"] if forms_of(native) else None)
    # the national layouts are the cases of the test above
    assert len(generated) >= 38 and layouts >= {"hubei_department", "hubei_project"}, layouts


def test_a_text_box_goes_to_libreoffice_and_reads_the_same(converter):
    data = NEEDS_LIBREOFFICE.read_bytes()
    with pytest.raises(Unsupported, match="text boxes"):
        read_word97(data)
    assert needs_conversion(data, "a.doc")
    assert forms_of(read_document(data, "a.doc", converter)) == docx_forms("national_project")


def test_a_doc_is_read_where_libreoffice_is_missing(tmp_path):
    offline = Converter(cache_dir=tmp_path, soffice=str(tmp_path / "no-soffice"))
    data = (FORMATS / "national_project.doc").read_bytes()
    assert not needs_conversion(data, "a.doc")
    doc = read_document(data, "教师培训.doc", offline)
    assert (doc.source, doc.source_format) == ("教师培训.doc", "doc")
    assert forms_of(doc) == docx_forms("national_project")
    assert not any(tmp_path.rglob("*.docx"))  # nothing converted


@pytest.fixture(scope="module")
def trap_docs(tmp_path_factory):
    """.doc files with what the reader must not misread: a tracked deletion, a Symbol-font ≥,
    a table nested in a nested table; written by LibreOffice from .docx."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    out = tmp_path_factory.mktemp("word97-traps")
    paths = []

    def table_xml(inner: str) -> str:
        return (f"<w:tbl {nsdecls('w')}><w:tblGrid><w:gridCol w:w='4000'/></w:tblGrid>"
                f"<w:tr><w:tc><w:tcPr><w:tcW w:w='4000' w:type='dxa'/></w:tcPr>{inner}<w:p/></w:tc></w:tr></w:tbl>")

    d = Document()
    p = d.add_paragraph("目标值")
    p._p.append(parse_xml(f"<w:del {nsdecls('w')} w:id='1' w:author='a' w:date='2024-01-01T00:00:00Z'>"
                          "<w:r><w:delText>删掉的字</w:delText></w:r></w:del>"))
    d.add_paragraph("尾")
    paths.append(out / "deletion.docx")
    d.save(paths[-1])

    d = Document()
    p = d.add_paragraph("满意度")
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:sym w:font='Symbol' w:char='F0B3'/><w:t>90%</w:t></w:r>"))
    paths.append(out / "symbol.docx")
    d.save(paths[-1])

    d = Document()
    d.add_paragraph("三层")
    d.element.body.insert(1, parse_xml(table_xml(table_xml(table_xml("<w:p><w:r><w:t>最里</w:t></w:r></w:p>")))))
    paths.append(out / "twice_nested.docx")
    d.save(paths[-1])
    return dict(zip(("deletion", "symbol", "twice_nested"), zip(paths, convert_files(paths, "doc", out / "doc"))))


@pytest.mark.parametrize("trap, why", [("deletion", "tracked deletions"), ("symbol", "symbol-font"),
                                       ("twice_nested", "nested in a nested table")])
def test_what_it_does_not_model_goes_to_libreoffice(trap, why, trap_docs, converter):
    _, doc_path = trap_docs[trap]
    data = doc_path.read_bytes()
    with pytest.raises(Unsupported, match=why):
        read_word97(data)
    dispatch._direct_docs.clear()
    assert needs_conversion(data, "a.doc")
    got = read_document(data, "a.doc", converter)
    assert got.to_dict()["blocks"] == _libreoffice_read(data, converter).to_dict()["blocks"]
    if trap == "deletion":
        assert "删掉的字" not in str(got.to_dict())


def test_the_traps_are_left_out_of_the_text():
    fields = _Fields()
    assert fields.clean("\x13 HYPERLINK \"http://x\" \x14链接\x15文字") == "链接文字"
    assert fields.clean("\x13 IF \x13 PAGE \x14" + "1\x15 = 1 \x14是\x15") == "是"
    # a field whose result runs over two paragraphs
    assert fields.clean("甲\x13 REF x \x14乙") == "甲乙" and fields.clean("丙\x15丁") == "丙丁"
    assert _Fields().clean("一级\x0b指标\x1f\x01") == "一级\n指标"


def _mutations(data: bytes, n: int, seed: int):
    """Copies of a .doc with bytes of its WordDocument and table streams overwritten at random:
    the FIB, piece table, property pages and text all get hit."""
    rnd = random.Random(seed)
    for _ in range(n):
        buf = io.BytesIO(data)
        with olefile.OleFileIO(buf, write_mode=True) as ole:
            name = rnd.choice(["WordDocument", "1Table"])
            stream = bytearray(ole.openstream(name).read())
            for _ in range(rnd.choice([1, 4, 32])):
                at = rnd.randrange(0, 1024) if rnd.random() < 0.5 else rnd.randrange(len(stream))
                stream[at] = rnd.randrange(256)
            ole.write_stream(name, bytes(stream))
        yield buf.getvalue()


@pytest.mark.parametrize("stem", ["national_department", "seed_003_project_hubei"])
def test_damaged_files_raise_only_unsupported(stem):
    data = (FORMATS / f"{stem}.doc").read_bytes()
    outcomes = {"read": 0, "unsupported": 0}
    for damaged in _mutations(data, 300, seed=len(stem)):
        try:
            read_word97(damaged)
            outcomes["read"] += 1
        except Unsupported:
            outcomes["unsupported"] += 1
    assert outcomes["unsupported"] > 0 and outcomes["read"] > 0, outcomes
    for keep in (100, 600, 5000, len(data) // 2):
        with pytest.raises(Unsupported):
            read_word97(data[:keep])


def test_a_damaged_doc_goes_to_libreoffice_and_gets_a_clerks_finding(converter):
    data = bytearray((FORMATS / "national_project.doc").read_bytes())
    damaged = next(d for d in _mutations(bytes(data), 50, seed=7) if _unsupported(d))
    try:
        doc = read_document(damaged, "损坏.doc", converter)
        assert doc.source_format == "doc"
    except ExtractError as e:
        assert e.code in ("corrupt", "conversion_failed") and "损坏.doc" in e.message


def _unsupported(data: bytes) -> bool:
    try:
        read_word97(data)
    except Unsupported:
        return True
    return False


def test_the_golden_case_reads_with_its_cells(converter):
    """The seed form read directly gives the cells the .docx case has (LibreOffice's .doc
    writer rounds column widths by a twip, nothing else)."""
    native = read_word97((FORMATS / "seed_003_project_hubei.doc").read_bytes())
    original = read_docx_bytes((CASES / "seed_003_project_hubei.docx").read_bytes())
    assert [[(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells] for t in native.tables] == \
           [[(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells] for t in original.tables]


# --------------------------------------------------------------------------- what LibreOffice never writes
# Files from testkit/word97_builder.py: only the parts the reader reads, written by hand.
_EDGES = [0, 2000, 4000, 6000]


def _blocks(doc) -> list:
    return [(b.kind, b.text) if b.kind == "paragraph" else
            (b.kind, b.n_rows, b.n_cols, [(c.row, c.col, c.row_span, c.col_span, c.text) for c in b.cells])
            for b in doc.blocks]


@pytest.fixture(scope="module")
def synthetic():
    from testkit.word97_builder import build, para, row

    return {
        # an 8-bit piece: Word stores text that fits Windows-1252 so, quotes and dashes included
        "compressed": build([para("Title “quoted” — dash"), *row(["a", "b", "c"], _EDGES), para("")],
                            compressed=True),
        # a fast save: the text after the first paragraph stored before it
        "fast_saved": build([para("标题"), *row(["甲乙丙", "丁", "戊"], _EDGES), para("尾")], split_at=3),
        # TC80 flags: a vertical merge (restart, then continue)
        "vmerge": build([para("标题"), *row(["纵", "b", "c"], _EDGES, [0x60, 0, 0]),
                         *row(["", "e", "f"], _EDGES, [0x20, 0, 0]), para("")]),
    }


@pytest.mark.parametrize("case", ["compressed", "fast_saved", "vmerge"])
def test_hand_written_files_read_as_libreoffice_reads_them(case, synthetic, converter):
    native = read_word97(synthetic[case])
    assert _blocks(native) == _blocks(_libreoffice_read(synthetic[case], converter))
    want = {"compressed": ("paragraph", "Title “quoted” — dash"),
            "fast_saved": ("table", 1, 3, [(0, 0, 1, 1, "甲乙丙"), (0, 1, 1, 1, "丁"), (0, 2, 1, 1, "戊")]),
            "vmerge": ("table", 2, 3, [(0, 0, 2, 1, "纵"), (0, 1, 1, 1, "b"), (0, 2, 1, 1, "c"),
                                       (1, 1, 1, 1, "e"), (1, 2, 1, 1, "f")])}[case]
    assert want in _blocks(native)


def test_what_the_docx_path_reads_another_way_than_libreoffice():
    """Where LibreOffice's conversion changes the document, the reader keeps what a .docx of it
    reads as: a legacy horizontal merge widens the cell (LibreOffice adds a ghost column), edges a
    few twips apart are one column line (LibreOffice keeps both), a page break stays inside its
    paragraph (LibreOffice splits it), a field's result is kept and its code dropped."""
    from testkit.word97_builder import build, para, row

    merged = read_word97(build([para("t"), *row(["合并", "", "单"], _EDGES, [1, 2, 0]),
                                *row(["一", "二", "三"], _EDGES), para("")]))
    assert _blocks(merged)[1] == ("table", 2, 3, [(0, 0, 1, 2, "合并"), (0, 2, 1, 1, "单"), (1, 0, 1, 1, "一"),
                                                  (1, 1, 1, 1, "二"), (1, 2, 1, 1, "三")])
    rounded = read_word97(build([para("t"), *row(["a", "b", "c"], _EDGES),
                                 *row(["d", "e", "f"], [0, 1997, 4003, 5999]), para("")]))
    assert _blocks(rounded)[1][:3] == ("table", 2, 3) and rounded.tables[0].cells[4].col == 1
    assert _blocks(read_word97(build([para("前\x0c后"), para("下")]))) == [("paragraph", "前\n后"), ("paragraph", "下")]
    fields = read_word97(build([para("甲\x13 PAGE \x14乙"), para("丙\x15丁"), para("尾")]))
    assert _blocks(fields) == [("paragraph", "甲乙"), ("paragraph", "丙丁"), ("paragraph", "尾")]


def test_a_vertical_merge_sprm_goes_to_libreoffice():
    import struct

    from testkit.word97_builder import build, para, row

    data = build([para("t"), *row(["纵", "b", "c"], _EDGES, [0x60, 0, 0]),
                  *row(["", "e", "f"], _EDGES, extra=struct.pack("<HBBB", 0xD62B, 2, 0, 1)), para("")])
    with pytest.raises(Unsupported, match="sprmTVertMerge"):
        read_word97(data)


def test_a_batch_parses_each_doc_once(monkeypatch, tmp_path):
    """The batch asks which files need LibreOffice before it reads them: the document parsed for
    that answer is the one read, and it is not kept after."""
    from extractors import word97

    calls = []
    real = word97.read_word97
    monkeypatch.setattr(word97, "read_word97", lambda data, source="": calls.append(1) or real(data, source))
    data = (FORMATS / "seed_003_project_hubei.doc").read_bytes()
    dispatch._direct_docs.clear()
    assert not needs_conversion(data, "a.doc")
    doc = read_document(data, "a.doc", Converter(cache_dir=tmp_path))
    assert len(calls) == 1 and doc.tables and not dispatch._direct_docs


def test_hyphens_read_as_the_docx_path_reads_them(converter):
    from testkit.word97_builder import build, para

    data = build([para("2020\x1e2022年\x1f度"), para("")])
    assert read_word97(data).blocks[0].text == "2020-2022年度"
    assert _libreoffice_read(data, converter).blocks[0].text == "2020-2022年度"
