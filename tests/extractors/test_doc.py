"""Hostile .doc/.wps: truncated, encrypted."""
from __future__ import annotations

import io

import olefile
import pytest

from extractors.dispatch import read_document
from extractors.errors import ExtractError
from tests.extractors.formats_support import FORMATS


def _encrypted(data: bytes) -> bytes:
    """Set fEncrypted in the FIB (what Word writes for a password-protected .doc)."""
    buf = io.BytesIO(data)
    with olefile.OleFileIO(buf, write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[11] |= 0x01
        ole.write_stream("WordDocument", bytes(stream))
    return buf.getvalue()


def test_encrypted_doc(converter):
    data = _encrypted((FORMATS / "national_project.doc").read_bytes())
    with pytest.raises(ExtractError) as e:
        read_document(data, "密码.doc", converter)
    assert e.value.code == "encrypted" and "密码" in e.value.message


@pytest.mark.parametrize("keep", [512, 4096, 20000])
def test_truncated_doc(keep, converter):
    data = (FORMATS / "national_project.doc").read_bytes()[:keep]
    with pytest.raises(ExtractError) as e:
        read_document(data, "半截.doc", converter)
    assert e.value.code in ("corrupt", "conversion_failed")


def test_wps_named_by_its_extension(converter):
    doc = read_document((FORMATS / "national_department.wps").read_bytes(), "x/部门.wps", converter)
    assert doc.source_format == "wps" and doc.tables
