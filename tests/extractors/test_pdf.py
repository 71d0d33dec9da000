"""Text-layer PDF: tables from ruling lines, merged cells, numbers split by the text layer;
scans, encrypted and truncated files rejected with their codes."""
from __future__ import annotations

import pytest

from extractors.dispatch import read_document
from extractors.errors import ExtractError
from extractors.pdf import _line_text
from tests.extractors.formats_support import FORMATS, docx_forms, forms_of


def _no_text_pdf() -> bytes:
    """A page with ruling lines and no text, as a scanner's image-only page has no text layer."""
    content = b"1 w 72 700 m 500 700 l S 72 600 m 500 600 l S"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_reads_as_the_docx_with_page_positions():
    doc = read_document((FORMATS / "national_project.pdf").read_bytes(), "a.pdf")
    assert forms_of(doc) == docx_forms("national_project")
    t = doc.tables[0]
    assert t.origin == "p1-2" and t.cells[0].ref.startswith("p1@")  # cut by a page break, joined
    assert any(c.col_span > 1 for c in t.cells) and any(c.row_span > 1 for c in t.cells)


def test_a_number_split_by_the_text_layer_is_rejoined():
    def ch(text, x0, x1):
        return {"text": text, "x0": x0, "x1": x1, "top": 0, "bottom": 10, "size": 10}
    chars = [ch(c, 10 + 5 * i, 14 + 5 * i) for i, c in enumerate("21500.0")] + [ch("0", 52, 56)]
    assert _line_text(chars) == "21500.00"


def test_scanned_pdf():
    with pytest.raises(ExtractError) as e:
        read_document(_no_text_pdf(), "扫描件.pdf")
    assert e.value.code == "scanned_pdf" and "文字层" in e.value.message


def test_encrypted_pdf():
    with pytest.raises(ExtractError) as e:
        read_document((FORMATS / "encrypted.pdf").read_bytes(), "加密.pdf")
    assert e.value.code == "encrypted"


@pytest.mark.parametrize("keep", [200, 5000])
def test_truncated_pdf(keep):
    data = (FORMATS / "national_project.pdf").read_bytes()[:keep]
    try:
        doc = read_document(data, "半截.pdf")
    except ExtractError as e:
        assert e.code in ("corrupt", "scanned_pdf")
    else:  # pdfminer recovers what it can; it is never a crash
        assert doc.source_format == "pdf"
