"""The LibreOffice converter: cache by sha256, a timeout that kills the process group, a missing
soffice, cache cleaning. The .doc here has its table in a text box, which the Word 97 reader
leaves to LibreOffice (the other .doc cases are read without it)."""
from __future__ import annotations

import hashlib
import os
import stat

import pytest

from extractors.convert import Converter, Failure, clean_cache
from extractors.dispatch import read_document
from extractors.errors import ExtractError
from tests.extractors.formats_support import FORMATS, NEEDS_LIBREOFFICE


def _fake_soffice(tmp_path, body: str):
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def _alive(pid: int) -> bool:
    """Running, not a zombie (a killed orphan may wait for a reaper that never comes)."""
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_a_hanging_conversion_times_out_and_its_process_group_is_killed(tmp_path):
    pidfile = tmp_path / "child.pid"
    # the script forks a child that would outlive it, as soffice forks soffice.bin
    fake = _fake_soffice(tmp_path, f"sleep 300 & echo $! > {pidfile}\nwait")
    conv = Converter(cache_dir=tmp_path / "cache", soffice=fake, timeout_s=1, startup_s=0)
    data = NEEDS_LIBREOFFICE.read_bytes()
    with pytest.raises(ExtractError) as e:
        read_document(data, "挂起.doc", conv)
    assert e.value.code == "conversion_failed"
    assert "另存为 .docx 后重新提交" in e.value.message
    assert not _alive(int(pidfile.read_text()))
    # the failure is cached: a re-run does not wait on the same file again
    assert isinstance(conv.cached(hashlib.sha256(data).hexdigest(), "doc"), Failure)


def test_converter_missing_says_how_to_install(tmp_path):
    conv = Converter(cache_dir=tmp_path, soffice=str(tmp_path / "no-such-soffice"))
    with pytest.raises(ExtractError) as e:
        read_document(NEEDS_LIBREOFFICE.read_bytes(), "a.doc", conv)
    assert e.value.code == "converter_missing"
    assert "apt-get install --no-install-recommends libreoffice-writer-nogui" in e.value.message


def test_converted_once_then_read_from_the_cache(tmp_path, converter):
    data = NEEDS_LIBREOFFICE.read_bytes()
    conv = Converter(cache_dir=tmp_path / "cache")
    first = read_document(data, "a.doc", conv)
    # the same cache without any soffice: still read, so it was not converted again
    offline = Converter(cache_dir=tmp_path / "cache", soffice=str(tmp_path / "none"))
    assert read_document(data, "a.doc", offline).to_dict() == first.to_dict()
    sha = hashlib.sha256(data).hexdigest()
    assert clean_cache(tmp_path / "cache", {sha}) == 0
    assert clean_cache(tmp_path / "cache", set()) == 1
    assert conv.cached(sha, "doc") is None


def test_batch_conversion_one_start_for_many(tmp_path):
    conv = Converter(cache_dir=tmp_path / "cache")
    items = []
    for name in ("national_project.doc", "seed_003_project_hubei.doc"):
        data = (FORMATS / name).read_bytes()
        items.append((hashlib.sha256(data).hexdigest(), data, "doc"))
    items.append((hashlib.sha256(b"garbage").hexdigest(), b"\xd0\xcf\x11\xe0garbage", "doc"))
    out = conv.convert_many(items)
    assert isinstance(out[items[0][0]], bytes) and isinstance(out[items[1][0]], bytes)
    # LibreOffice opens almost anything as text: the garbage gives a .docx or a Failure, alone
    assert items[2][0] in out
