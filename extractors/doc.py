"""Word 97 binary (.doc, and .wps: Kingsoft WPS writes the same format), .rtf and .odt.

A .doc/.wps is read directly (extractors.word97) when it uses only what that reader models —
the forms departments send almost always do — and otherwise, like .rtf and .odt, converted to
.docx by LibreOffice (extractors.convert.converted_bytes: the OLE and password checks, the
conversion, the clerk's error) and read by the .docx extractor. Both give the same document.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from extractors import word97
from extractors.convert import Converter, check_ole, converted_bytes, needs_password
from extractors.docx_reader import read_docx_bytes
from extractors.errors import ExtractError, fail
from extractors.model import ExtractedDocument

NAMES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt"}
WORD97 = {"doc", "wps"}
# what read_word97 made of the files `natively_readable` looked at, until they are read: a batch
# asks before it converts, then reads each file once. The lock: preconversion asks in a thread
# while the batch's other files are read (extractors.dispatch.Preconversion)
_parsed: OrderedDict[bytes, ExtractedDocument | None] = OrderedDict()
_PARSED_MAX = 256
_lock = threading.Lock()
_MISSING = object()


def natively_readable(data: bytes, fmt: str) -> bool:
    """Whether this .doc/.wps is read without LibreOffice (so a batch need not convert it)."""
    return fmt in WORD97 and _native(data, keep=True) is not None


def read_converted(data: bytes, fmt: str, source: str, converter: Converter) -> ExtractedDocument:
    if fmt in WORD97:
        check_ole(data, source)
        if needs_password(data, fmt):
            raise fail("encrypted", source)
        doc = _native(data, keep=False)
        if doc is not None:
            doc.source = source
            return doc
    docx = converted_bytes(data, fmt, source, converter)
    try:
        return read_docx_bytes(docx, source=source)
    except ExtractError as e:
        if e.code in ("corrupt", "not_a_docx"):
            raise fail("conversion_failed", source, format=NAMES[fmt], detail=e.code) from e
        raise


def _native(data: bytes, keep: bool) -> ExtractedDocument | None:
    key = hashlib.sha256(data).digest()
    with _lock:
        hit = _parsed.get(key, _MISSING) if keep else _parsed.pop(key, _MISSING)
    if hit is not _MISSING:
        return hit
    try:
        doc = word97.read_word97(data)
    except word97.Unsupported:
        doc = None
    if keep:
        with _lock:
            _parsed[key] = doc
            while len(_parsed) > _PARSED_MAX:
                _parsed.popitem(last=False)
    return doc
