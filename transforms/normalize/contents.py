"""contents rows: one per content read, ok with its form count or rejected with its reason."""
from __future__ import annotations

from transforms.normalize.model import SourceFile
from transforms.normalize.rows import ContentRow


def accepted(f: SourceFile, forms: int) -> ContentRow:
    return ContentRow(f.sha256, "ok", None, None, forms, f.path)


def rejected(f: SourceFile, reason: str, message: str) -> ContentRow:
    """A content that does not load: `reason` a catalog code, `message` its sentence (names the file)."""
    return ContentRow(f.sha256, "rejected", reason, message, 0, f.path)
