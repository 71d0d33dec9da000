"""Word 97 binary (.doc, and .wps: Kingsoft WPS writes the same format), .rtf and .odt: converted
to .docx by LibreOffice (extractors.convert.converted_bytes: the OLE and password checks, the
conversion, the clerk's error), then read by the .docx extractor."""
from __future__ import annotations

from extractors.convert import Converter, converted_bytes
from extractors.docx_reader import read_docx_bytes
from extractors.errors import ExtractError, fail
from extractors.model import ExtractedDocument

NAMES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt"}


def read_converted(data: bytes, fmt: str, source: str, converter: Converter) -> ExtractedDocument:
    docx = converted_bytes(data, fmt, source, converter)
    try:
        return read_docx_bytes(docx, source=source)
    except ExtractError as e:
        if e.code in ("corrupt", "not_a_docx"):
            raise fail("conversion_failed", source, format=NAMES[fmt], detail=e.code) from e
        raise
