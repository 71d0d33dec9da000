"""Format chosen by content, never by the name alone; round trip of every layout at extract level."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from extractors.dispatch import read_document, sniff
from extractors.errors import ExtractError
from extractors.model import ExtractedDocument
from tests.extractors.formats_support import CASES, FORMATS, NEEDS_LIBREOFFICE, STEMS, docx_forms, forms_of


@pytest.mark.parametrize("name,fmt", [
    ("national_project.docx", "docx"), ("formats/national_project.doc", "doc"),
    ("formats/national_department.wps", "wps"), ("formats/national_project.pdf", "pdf"),
    ("formats/national_project.xlsx", "xlsx"),
])
def test_sniff_by_content(name, fmt):
    data = (CASES / name).read_bytes()
    assert sniff(data, name) == fmt
    # a wrong extension does not fool it (only .wps/.doc and .et/.xls share content)
    assert sniff(data, "renamed.txt") == ("doc" if fmt == "wps" else fmt)


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("ext", ["doc", "xlsx"])
def test_same_forms_as_the_docx(stem, ext, converter):
    """Proof of issue 10 at the extract level: the .docx forms, converted by LibreOffice to .doc
    (or laid out in a worksheet with merged cells), read back as the same forms."""
    doc = read_document((FORMATS / f"{stem}.{ext}").read_bytes(), f"{stem}.{ext}", converter)
    assert doc.source_format == ext
    assert forms_of(doc) == docx_forms(stem)


def test_wps_reads_as_the_docx(converter):
    doc = read_document((FORMATS / "national_department.wps").read_bytes(), "a.wps", converter)
    assert doc.source_format == "wps"
    assert forms_of(doc) == docx_forms("national_department")


def test_pdf_reads_as_the_docx():
    doc = read_document((FORMATS / "national_project.pdf").read_bytes(), "a.pdf")
    assert doc.source_format == "pdf"
    assert forms_of(doc) == docx_forms("national_project")


def test_round_trip_of_the_model_keeps_positions():
    doc = read_document((FORMATS / "national_project.xlsx").read_bytes(), "a.xlsx")
    again = ExtractedDocument.from_dict(doc.to_dict())
    assert again.to_dict() == doc.to_dict()
    assert again.source_format == "xlsx" and again.tables[0].cells[0].ref.startswith("表")


def test_unknown_bytes_are_not_a_docx():
    with pytest.raises(ExtractError) as e:
        read_document(b"hello, not a form", "x.doc")
    assert e.value.code == "not_a_docx"


def test_odt_and_rtf_are_converted(converter, tmp_path):
    from testkit.formats import convert_files
    outs = convert_files([CASES / "national_project.docx"], "odt", tmp_path) + \
        convert_files([CASES / "national_project.docx"], "rtf", tmp_path)
    for p in outs:
        doc = read_document(p.read_bytes(), p.name, converter)
        assert doc.source_format == p.suffix[1:]
        assert forms_of(doc) == docx_forms("national_project")


def test_xlsx_zip_is_told_from_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(buf.getvalue()) == "xlsx"


def test_preconversion_runs_beside_the_reads_and_fills_the_cache(converter):
    from extractors.dispatch import Preconversion, needs_conversion

    doc = NEEDS_LIBREOFFICE.read_bytes()
    docx = (FORMATS.parent / "national_project.docx").read_bytes()
    assert needs_conversion(doc, "a.doc") and not needs_conversion(docx, "a.docx")
    assert not needs_conversion((FORMATS / "national_project.doc").read_bytes(), "b.doc")  # read directly
    job = Preconversion([(doc, "a.doc")], converter)
    read_document(docx, "a.docx", converter)  # read while soffice converts
    assert job.wait() == 1
    assert converter.cached(hashlib.sha256(doc).hexdigest(), "doc") is not None
