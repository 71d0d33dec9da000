"""Word 97 binary (.doc, and .wps: Kingsoft WPS writes the same format), .rtf and .odt: converted
to .docx by LibreOffice (extractors.convert), then read by the .docx extractor.

What LibreOffice cannot tell us cleanly is checked first: an encrypted .doc would make it ask for
a password (fEncrypted in the FIB), a truncated one has no readable OLE directory."""
from __future__ import annotations

import hashlib
import io
import struct

import olefile

from extractors.convert import Converter, Failure
from extractors.docx_reader import read_docx_bytes
from extractors.errors import ExtractError, fail
from extractors.model import ExtractedDocument

NAMES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt"}


def encrypted_doc(data: bytes) -> bool:
    """The FIB's fEncrypted bit (MS-DOC 2.5.2: flags at offset 0x0A, bit 0x0100)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            head = ole.openstream("WordDocument").read(12)
    except (OSError, ValueError, struct.error, IndexError):
        return False
    return len(head) >= 12 and bool(struct.unpack_from("<H", head, 10)[0] & 0x0100)


def check_ole(data: bytes, source: str) -> None:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            ole.listdir()
    except (OSError, ValueError, struct.error, IndexError) as e:
        raise fail("corrupt", source, "detail", detail=f"OLE: {type(e).__name__}") from e


def converted_or_raise(result: bytes | Failure, fmt: str, source: str) -> bytes:
    if isinstance(result, Failure):
        if result.code == "converter_missing":
            raise fail("converter_missing", source, format=NAMES.get(fmt, "." + fmt))
        raise fail("conversion_failed", source, format=NAMES.get(fmt, "." + fmt), detail=result.detail)
    return result


def read_converted(data: bytes, fmt: str, source: str, converter: Converter) -> ExtractedDocument:
    if fmt in ("doc", "wps"):
        check_ole(data, source)
        if encrypted_doc(data):
            raise fail("encrypted", source)
    sha = hashlib.sha256(data).hexdigest()
    docx = converted_or_raise(converter.convert_many([(sha, data, fmt)])[sha], fmt, source)
    try:
        return read_docx_bytes(docx, source=source)
    except ExtractError as e:
        if e.code in ("corrupt", "not_a_docx"):
            raise fail("conversion_failed", source, format=NAMES[fmt], detail=e.code) from e
        raise
