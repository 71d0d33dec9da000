"""Errors of the extract stage: each carries a stable reason code and a sentence for a clerk."""
from __future__ import annotations

from pathlib import PurePath


class ExtractError(Exception):
    """A file that cannot be read as a form document.

    `code` is a stable reason of the `files` view, listed in jixiao/catalog.py (empty_file,
    not_a_docx, corrupt, encrypted, legacy_format, too_large, no_tables, unsafe_xml,
    conversion_failed, converter_missing, scanned_pdf, unrecognized); `message` is Chinese.
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def fail(code: str, source: str = "", **fields) -> ExtractError:
    """An ExtractError whose message is the catalog sentence of `code` for the file `source`."""
    from jixiao.catalog import sentence  # jixiao sits below extractors; imported late for tests

    name = PurePath(source).name if source else "（未命名）"
    fields.setdefault("detail", "")
    fields.setdefault("format", "")
    return ExtractError(code, sentence(code, file=name, **fields).replace("（）", ""))
