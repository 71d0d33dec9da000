from __future__ import annotations

import hashlib

from intake.read import Changed, SourceBytes, SourceFile, TooLarge, Unreadable, Vanished, read_source
import intake.read


def _src(p, data=None):
    return SourceFile(p.name, str(p), hashlib.sha256(data if data is not None else p.read_bytes()).hexdigest())


def test_outcomes_are_values(tmp_path, monkeypatch):
    p = tmp_path / "a.docx"
    p.write_bytes(b"one")
    assert read_source(_src(p)) == SourceBytes(_src(p), b"one")
    f = _src(p)
    p.write_bytes(b"two")
    got = read_source(f)
    assert isinstance(got, Changed) and got.data == b"two" and got.file.sha256 == _src(p).sha256
    p.unlink()
    assert read_source(f) == Vanished(f)
    big = tmp_path / "big.docx"
    big.write_bytes(b"x" * 11)
    monkeypatch.setattr(intake.read, "MAX_SOURCE_BYTES", 10)
    assert read_source(_src(big)) == TooLarge(_src(big), 11)
    locked = tmp_path / "locked.docx"
    locked.write_bytes(b"z")
    locked.chmod(0)
    try:
        out = read_source(_src(locked, b"z"))
        import os
        assert isinstance(out, Unreadable) or os.geteuid() == 0
    finally:
        locked.chmod(0o644)
