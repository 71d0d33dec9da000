"""Whitespace and noise clean-up for cell text.

Two flavours: labels (compared and grouped, so every space is noise) and free text
(read by people, so inner spaces and line structure are kept).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Word text extractions leave bookmark markers such as "[bookmark: _GoBack]".
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
# str.isspace() covers U+3000 and U+00A0; zero-width characters are not "space" but are
# just as invisible in Word.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_RE = re.compile(rf"[\s{ZERO_WIDTH}]+")
_EDGE_RE = re.compile(rf"^[\s{ZERO_WIDTH}]+|[\s{ZERO_WIDTH}]+$")


@lru_cache(maxsize=16384)  # pure; labels recur in every form
def clean_label(s: str | None) -> str:
    """Label text: NFKC, no bookmark noise, no whitespace at all ('合  计' -> '合计')."""
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", BOOKMARK_RE.sub("", str(s)))
    return _SPACE_RE.sub("", s)


def clean_text(s: str | None) -> str:
    """Free text: trim each line, drop empty lines, join with '\\n'. Inner spaces and
    characters stay as written (no NFKC); only bookmark noise is removed."""
    if not s:
        return ""
    lines = (_EDGE_RE.sub("", line) for line in BOOKMARK_RE.sub("", str(s)).splitlines())
    return "\n".join(line for line in lines if line)


def plain_number(x: float) -> str:
    """A number as a clerk writes it in a sentence: every digit, no exponent, no trailing zeros
    (265151500, 1036.06, 0.5); ``:g`` would say 2.65139e+08 and drop digits. Rounded to the
    4 decimal places that amounts are stored with (DECIMAL(18,4))."""
    text = f"{round(float(x), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
