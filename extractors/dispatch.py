"""The one entry point of the extract stage: bytes of any supported format → ExtractedDocument.

The format is chosen by content (magic bytes, OLE directory, zip content types), never by the
file name alone. Today only .docx is read; other formats are added here, one module each."""
from __future__ import annotations

from extractors.docx_reader import read_docx_bytes
from extractors.model import ExtractedDocument


def read_document(data: bytes, source: str = "") -> ExtractedDocument:
    return read_docx_bytes(data, source=source)
