"""Shared by the format tests: the forms a .docx case reads as, for comparison."""
from __future__ import annotations

from pathlib import Path

from extractors.docx_reader import read_docx_bytes
from testkit.formats import form_content
from transforms.reader import read_forms

CASES = Path(__file__).resolve().parent.parent / "cases"
FORMATS = CASES / "formats"
# a .doc the Word 97 reader leaves to LibreOffice (its table is in a text box): the converter's case
NEEDS_LIBREOFFICE = FORMATS / "national_project_text_box.doc"
STEMS = ["national_department", "national_project", "seed_000_department_hubei", "seed_003_project_hubei"]


def docx_forms(stem: str) -> list[dict]:
    return [form_content(f) for f in read_forms(read_docx_bytes((CASES / f"{stem}.docx").read_bytes()))]


def forms_of(doc) -> list[dict]:
    return [form_content(f) for f in read_forms(doc)]
