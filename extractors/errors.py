"""Errors of the extract stage: each carries a stable reason code and a sentence for a clerk."""
from __future__ import annotations


class ExtractError(Exception):
    """A file that cannot be read as a Word (.docx) document.

    `code` is one of the stable reasons of the `files` view (empty_file, not_a_docx, corrupt,
    encrypted, legacy_format, too_large, no_tables, unsafe_xml); `message` is Chinese.
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
