"""Errors of the extract stage: each carries a stable reason code and a sentence for a clerk."""
from __future__ import annotations

from jixiao.catalog import CATALOG, sentence


class ExtractError(Exception):
    """A file that cannot be read as a document.

    `code` is an extract-stage code of jixiao.catalog (empty_file, not_a_docx, corrupt,
    encrypted, legacy_format, too_large, unsafe_xml); `message` is its Chinese sentence.
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @classmethod
    def of(cls, code: str, variant: str | None = None, **fields) -> "ExtractError":
        """The error of catalog code `code`, its message the catalog sentence."""
        if code not in CATALOG:
            raise KeyError(f"extract error code {code!r} is not in jixiao.catalog")
        return cls(code, sentence(code, variant, **fields))


def fail(code: str, source: str = "", variant: str | None = None, **fields) -> ExtractError:
    """The ExtractError of catalog code `code` (the other formats' extractors raise it); the
    normalize stage puts the file's name in front of its sentence."""
    return ExtractError.of(code, variant, **fields)
