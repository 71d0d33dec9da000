"""Word 97 binary (.doc, and .wps: Kingsoft WPS writes the same format), .rtf and .odt.

A .doc/.wps is read directly (`read_direct`, extractors/word97.py) when it uses only what that
reader models — the forms departments send almost always do; otherwise, like .rtf and .odt, it
is converted to .docx by LibreOffice (extractors.convert.converted_bytes: the OLE and password
checks, the conversion, the clerk's error) and read by the .docx extractor (`read_converted`).
Both give the same document. extractors.dispatch chooses.
"""
from __future__ import annotations

from extractors import word97
from extractors.convert import SAVE_AS, Converter, converted_bytes
from extractors.docx_reader import read_docx_bytes
from extractors.errors import ExtractError, fail
from extractors.model import ExtractedDocument

NAMES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt"}


def read_direct(data: bytes, source: str = "") -> ExtractedDocument | None:
    """The document of a .doc/.wps without LibreOffice, or None when it is LibreOffice's to read."""
    try:
        return word97.read_word97(data, source)
    except word97.Unsupported:
        return None


def read_converted(data: bytes, fmt: str, source: str, converter: Converter) -> ExtractedDocument:
    docx = converted_bytes(data, fmt, source, converter)
    try:
        return read_docx_bytes(docx, source=source)
    except ExtractError as e:
        if e.code in ("corrupt", "not_a_docx"):
            raise fail("conversion_failed", source, format=NAMES[fmt], detail=e.code,
                       save_as=SAVE_AS["docx"]) from e
        raise
