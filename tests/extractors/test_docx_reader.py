"""The extractor on real .docx files: merges, content controls, tracked changes, nesting, bad files."""
from __future__ import annotations

import copy
import io
import json
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from extractors.docx_reader import read_docx
from extractors.errors import ExtractError
from extractors.model import ExtractedDocument


def _merged_doc(path):
    d = docx.Document()
    d.add_paragraph("附表五：")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "项目绩效总目标"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "年度目标01"
    t.cell(1, 1).text = "产出"
    t.cell(1, 2).merge(t.cell(1, 3)).text = "指标值"
    t.cell(2, 1).text = "效果\n明显"
    d.add_paragraph("注：")
    d.save(path)
    return path


def test_blocks_in_document_order_with_grid_merges(tmp_path):
    doc = read_docx(_merged_doc(tmp_path / "m.docx"))
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "paragraph", "table", "paragraph"]
    assert [b.text for b in doc.blocks if b.kind == "paragraph"] == ["附表五：", "单位：万元", "注："]
    t = doc.tables[0]
    assert (t.n_rows, t.n_cols) == (4, 4)
    top = t.at(0, 3)
    assert (top.row, top.col, top.row_span, top.col_span, top.text) == (0, 0, 1, 4, "项目绩效总目标")
    left = t.at(3, 0)  # vMerge continuation resolves to its origin
    assert (left.row, left.col, left.row_span, left.col_span, left.text) == (1, 0, 3, 1, "年度目标01")
    span = t.at(1, 3)
    assert (span.col, span.col_span, span.text) == (2, 2, "指标值")
    assert t.at(2, 1).text == "效果\n明显"  # line break inside a cell kept as written
    assert [c.text for c in t.row_cells(1)] == ["年度目标01", "产出", "指标值"]


def test_round_trips_through_json(tmp_path):
    doc = read_docx(_merged_doc(tmp_path / "m.docx"))
    again = ExtractedDocument.from_dict(json.loads(json.dumps(doc.to_dict(), ensure_ascii=False)))
    assert again.to_dict() == doc.to_dict()
    assert again.tables[0].at(3, 0).text == "年度目标01"


def _run(text):
    return f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_content_controls_tracked_changes_and_nested_tables(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    # a cell whose paragraph sits inside a block-level content control
    tc = t.cell(0, 0)._tc
    p = tc.find(qn("w:p"))
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent>'
                    f'<w:p>{_run("鄂州市科学技术局")}</w:p></w:sdtContent></w:sdt>')
    tc.replace(p, sdt)
    # a run-level content control and a tracked insertion next to a tracked deletion
    p2 = t.cell(0, 1)._tc.find(qn("w:p"))
    p2.append(parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent>{_run("95")}</w:sdtContent></w:sdt>'))
    p2.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a">{_run("%")}</w:ins>'))
    p2.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>90%</w:delText></w:r></w:del>'))
    # a nested table inside cell (1, 0)
    inner = d.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内"
    inner.cell(0, 1).text = "表"
    t.cell(1, 0)._tc.append(copy.deepcopy(inner._tbl))
    inner._tbl.getparent().remove(inner._tbl)
    # a whole row wrapped in a content control
    tr = t.rows[1]._tr
    wrapper = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent/></w:sdt>')
    tr.addprevious(wrapper)
    wrapper.find(qn("w:sdtContent")).append(tr)
    t.cell(0, 0)  # python-docx still sees the table
    path = tmp_path / "sdt.docx"
    d.save(path)

    doc = read_docx(path)
    outer, nested = doc.tables
    assert outer.at(0, 0).text == "鄂州市科学技术局"
    assert outer.at(0, 1).text == "95%"  # w:ins kept, w:del dropped
    assert outer.n_rows == 2  # the row inside w:sdt is not lost
    assert nested.parent == (0, 1, 0)
    assert [c.text for c in nested.row_cells(0)] == ["内", "表"]


def test_grid_before_shifts_cells(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for i, c in enumerate(t.rows[0].cells):
        c.text = f"h{i}"
    tr = t.rows[1]._tr
    tr.remove(tr.findall(qn("w:tc"))[0])
    tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    tr.findall(qn("w:tc"))[0].find(qn("w:p")).append(parse_xml(_run("x")))
    path = tmp_path / "gb.docx"
    d.save(path)
    t = read_docx(path).tables[0]
    assert t.at(1, 0) is None
    assert t.at(1, 1).text == "x"


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "empty_file"),
        ("这不是Word文档".encode(), "not_a_docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy_format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600, "encrypted"),
    ],
)
def test_unreadable_files_raise_stable_codes(tmp_path, content, code):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(ExtractError) as e:
        read_docx(path)
    assert e.value.code == code
    assert e.value.message  # a sentence for the clerk


def test_truncated_zip_is_corrupt(tmp_path):
    good = _merged_doc(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ExtractError) as e:
        read_docx(path)
    assert e.value.code == "corrupt"


def test_doctype_is_refused_never_resolved(tmp_path):
    path = tmp_path / "xxe.docx"
    xml = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<w:document {nsdecls("w")}><w:body><w:p>{_run("&x;")}</w:p></w:body></w:document>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", xml)
    with pytest.raises(ExtractError) as e:
        read_docx(path)
    assert e.value.code == "unsafe_xml"


# -- hostile packages (issue 4) ---------------------------------------------------------------

from extractors.docx_reader import MAX_XML_BYTES, ole_stream_names, read_docx_bytes  # noqa: E402
from testkit.hostile import (encrypted_docx, form_bytes, legacy_doc, legacy_wps,  # noqa: E402
                                   lie_about_size, replace_part)


def _code(data: bytes) -> str:
    with pytest.raises(ExtractError) as e:
        read_docx_bytes(data)
    return e.value.code


def test_ole_directory_is_read_from_a_real_cfb_container():
    assert {"EncryptionInfo", "EncryptedPackage"} <= ole_stream_names(encrypted_docx())
    assert "WordDocument" in ole_stream_names(legacy_doc())
    assert ole_stream_names(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 100) == set()  # malformed: no crash
    assert _code(encrypted_docx()) == "encrypted"
    assert _code(legacy_doc()) == _code(legacy_wps()) == "legacy_format"


def test_declared_sizes_that_lie_are_measured():
    good = form_bytes("鄂州市财政局")
    assert _code(lie_about_size(good, declared=10)) == "corrupt"  # inflates to more than declared
    assert _code(lie_about_size(good, declared=10 ** 6)) == "corrupt"  # to less than declared
    assert read_docx_bytes(good).tables  # the honest original reads


def test_a_lying_member_is_cut_at_the_cap(monkeypatch):
    import extractors.docx_reader as reader

    monkeypatch.setattr(reader, "MAX_XML_BYTES", 2000)  # a small cap instead of a 64 MB document
    xml = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>' + b"<w:p/>" * 2000 + b"</w:body></w:document>"
    data = lie_about_size(replace_part(form_bytes("鄂州市财政局"), "word/document.xml", xml), declared=1000)
    assert _code(data) == "too_large"
    assert MAX_XML_BYTES == 64 * 1024 * 1024


def test_broken_or_oversized_relationships_fall_back_to_the_main_part():
    good = form_bytes("鄂州市财政局")
    assert read_docx_bytes(replace_part(good, "_rels/.rels", b"<Relationships")).tables
    assert read_docx_bytes(lie_about_size(good, "_rels/.rels", declared=3)).tables


def test_doctype_in_utf16_or_after_a_long_prolog_is_refused():
    body = f'<w:document {nsdecls("w")}><w:body><w:p>{_run("&x;")}</w:p></w:body></w:document>'
    decl = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + decl + body).encode("utf-16")
    long_prolog = ('<?xml version="1.0"?><!--' + "x" * 70000 + "-->" + decl + body).encode()
    for xml in (utf16, long_prolog):
        assert _code(replace_part(form_bytes("鄂州市财政局"), "word/document.xml", xml)) == "unsafe_xml"


def test_zip_member_with_a_password_is_encrypted():
    good = bytearray(form_bytes("鄂州市财政局"))
    pos = good.find(b"PK\x01\x02")
    while pos != -1:  # set the 'encrypted' flag bit in every central directory entry
        good[pos + 8] |= 1
        pos = good.find(b"PK\x01\x02", pos + 4)
    assert _code(bytes(good)) == "encrypted"


# -- other writers (issue 13.1, issue 12.8) ----------------------------------------------------

from testkit.docx_builder import C, Document, P, Table, build, rewrite  # noqa: E402


def _form_doc():
    return Document([P("部门整体绩效目标表"), Table([1000, 800, 1200, 60, 900], [
        [C("部门（单位）名称"), C("鄂州市财政局", colspan=4)],
        [C("一级指标", rowspan=2), C("二级指标"), C("三级指标", colspan=2), C("指标值")],
        [C("数量"), C("培训人次", colspan=2), C("1036.06万元")],
        [C("产出"), C("质量"), C("合格率"), C("≥95%", colspan=2)],
    ])])


def _cells(doc):
    return [sorted((c.row, c.row_span, c.text) for c in t.cells) for t in doc.tables]


@pytest.mark.parametrize("writer", ["wps", "wps_grid", "strict"])
def test_other_writers_read_like_word(writer):
    word = read_docx_bytes(build(_form_doc()))
    other = read_docx_bytes(rewrite(build(_form_doc()), writer, seed=7))
    assert _cells(other) == _cells(word)
    assert [b.text for b in other.blocks if b.kind == "paragraph"] == ["部门整体绩效目标表"]


def test_without_tblgrid_and_gridspan_the_grid_comes_from_cell_widths():
    data = rewrite(build(_form_doc()), "wps", seed=1)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert b"tblGrid" not in xml and b"gridSpan" not in xml and b'w:val="continue"' in xml
    t = read_docx_bytes(data).tables[0]
    assert t.at(0, 4).text == "鄂州市财政局" and t.at(0, 1).col_span == 4  # spans from widths
    assert t.at(2, 0).text == "一级指标"  # vMerge continue
    assert t.at(3, 4).text == "≥95%" and t.at(3, 4).col == 3  # covers the 60-twip sliver too
    assert t.at(2, 4).text == "1036.06万元"


@pytest.mark.parametrize("writer", ["word", "wps", "wps_grid"])
def test_a_table_records_its_column_lines(writer):
    # the reader matches a continued grid's columns by these, not by index
    t = read_docx_bytes(rewrite(build(_form_doc()), writer, seed=1)).tables[0]
    assert t.col_lines == [0, 1000, 1800, 3000, 3060, 3960]
    rows_only = Document([Table([1000, 800, 1200, 60, 900], [[C("产出"), C("质量"), C("合格率"), C("≥95%", colspan=2)]])])
    t = read_docx_bytes(rewrite(build(rows_only), "wps", seed=1)).tables[0]
    # no cell ends on the sliver: four columns, and their lines say where they are
    assert (t.n_cols, t.col_lines) == (4, [0, 1000, 1800, 3000, 3960])


def _with_body(inner: str) -> bytes:
    good = build(Document([P("x")]))
    xml = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml").decode()
    start = xml.index("<w:body>") + len("<w:body>")
    return replace_part(good, "word/document.xml", (xml[:start] + inner + xml[start:]).encode())


def test_alternate_content_reads_exactly_one_branch():
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    understood = (f'<w:p><mc:AlternateContent {mc} xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
                  '<mc:Choice Requires="w14"><w:r><w:t>95%</w:t></w:r></mc:Choice>'
                  '<mc:Fallback><w:r><w:t>95%</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>')
    unknown = (f'<w:p><mc:AlternateContent {mc} xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex">'
               '<mc:Choice Requires="w16se"><w:r><w16se:symEx w16se:char="2265"/></w:r></mc:Choice>'
               '<mc:Fallback><w:r><w:sym w:font="Symbol" w:char="F0B3"/><w:t>90%</w:t></w:r></mc:Fallback>'
               '</mc:AlternateContent></w:p>')
    doc = read_docx_bytes(_with_body(understood + unknown))
    assert [b.text for b in doc.blocks][:2] == ["95%", "≥90%"]  # never both, never neither


def test_a_table_in_a_text_box_is_a_table_once():
    data = rewrite(build(_form_doc()), "word", text_box=True)
    assert b"txbxContent" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    doc = read_docx_bytes(data)
    assert len(doc.tables) == 1  # the DrawingML box, not also its VML fallback copy
    assert _cells(doc) == _cells(read_docx_bytes(build(_form_doc())))


def test_strict_open_xml_is_read():
    data = rewrite(build(_form_doc()), "strict")
    parts = zipfile.ZipFile(io.BytesIO(data))
    assert b"purl.oclc.org/ooxml/wordprocessingml/main" in parts.read("word/document.xml")
    assert b"purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" in parts.read("_rels/.rels")
    assert read_docx_bytes(data).tables[0].at(0, 1).text == "鄂州市财政局"


def test_a_non_breaking_hyphen_is_a_hyphen_and_a_soft_one_is_nothing(tmp_path):
    """Word's Ctrl+Shift+- (w:noBreakHyphen) inside 2020‑2022 is a range; dropping it made 20202022.
    LibreOffice writes the .doc character U+001E so too."""
    d = docx.Document()
    p = d.add_paragraph()
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>2020</w:t><w:noBreakHyphen/><w:t>2022年</w:t>"
                          "<w:softHyphen/><w:t>度</w:t></w:r>"))
    d.save(tmp_path / "h.docx")
    assert [b.text for b in read_docx(tmp_path / "h.docx").blocks if b.kind == "paragraph"] == ["2020-2022年度"]
