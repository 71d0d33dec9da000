"""The scan never crashes on what an inbox holds: GBK names, symlinks, loops, future mtimes."""
from __future__ import annotations

import os
from datetime import datetime

from intake.scan import mtime_of, scan_frame, scan_inbox

GBK_NAME = "部门.docx".encode("gbk")  # b'\xb2\xbf\xc3\xc5.docx'


def test_a_gbk_file_name_is_decoded_read_and_noted(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(os.path.join(os.fsencode(inbox), GBK_NAME), "wb") as f:
        f.write(b"form bytes")
    with open(os.path.join(os.fsencode(inbox), "说明".encode("gbk") + b".txt"), "wb") as f:
        f.write(b"readme")
    (inbox / "正常.docx").write_bytes(b"other")
    scan = scan_inbox(inbox)
    by_path = {f.path: f for f in scan}
    assert set(by_path) == {"部门.docx", "说明.txt", "正常.docx"}
    gbk = by_path["部门.docx"]
    assert gbk.kind == "document" and gbk.sha256 and gbk.notes == (("file_name_not_utf8", "GBK"),)
    assert open(gbk.abs_path, "rb").read() == b"form bytes"  # the path still opens
    assert by_path["正常.docx"].notes == ()
    frame = scan_frame(scan)
    frame["path"].str.encode("utf-8")  # every path is valid text for DuckDB


def test_undecodable_name_is_escaped(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(os.path.join(os.fsencode(inbox), b"\xff\xfe.docx"), "wb") as f:
        f.write(b"x")
    (f,) = scan_inbox(inbox)
    assert f.path == "\\xff\\xfe.docx" and f.notes == (("file_name_not_utf8", "unknown"),)


def test_symlinks_are_followed_and_broken_or_looping_links_ignored(tmp_path):
    share = tmp_path / "city_share"
    share.mkdir()
    (share / "教育局.docx").write_bytes(b"edu")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "form.docx").write_bytes(b"form")
    (inbox / "鄂州市").symlink_to(share, target_is_directory=True)
    (inbox / "link.docx").symlink_to(inbox / "form.docx")
    (inbox / "dangling.docx").symlink_to(tmp_path / "nowhere.docx")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "up").symlink_to(inbox, target_is_directory=True)
    got = {f.path: (f.kind, f.ignore_reason) for f in scan_inbox(inbox)}
    assert got == {"form.docx": ("document", None), "link.docx": ("document", None),
                   "鄂州市/教育局.docx": ("document", None),
                   "dangling.docx": ("ignored", "broken_symlink"),
                   "sub/up": ("ignored", "symlink_loop")}


def test_a_future_mtime_counts_as_the_run_start_and_stays_put(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    p = inbox / "2099.docx"
    p.write_bytes(b"v1")
    os.utime(p, (4_070_908_800, 4_070_908_800))  # 2099-01-01
    start = datetime(2026, 1, 1)
    (f,) = scan_inbox(inbox, started_at=start)
    assert f.modified_at == start and f.notes[0][0] == "future_mtime"
    # next run: the same content keeps the time it was first given
    known = scan_frame([f])
    (g,) = scan_inbox(inbox, known, started_at=datetime(2026, 2, 1))
    assert g.modified_at == start and g.sha256 == f.sha256
    p.write_bytes(b"v2")
    os.utime(p, (4_070_908_800, 4_070_908_800))
    (h,) = scan_inbox(inbox, known, started_at=datetime(2026, 2, 1))
    assert h.modified_at == datetime(2026, 2, 1)


def test_mtime_of_is_exact_to_the_microsecond(tmp_path):
    p = tmp_path / "a"
    p.write_bytes(b"")
    os.utime(p, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    assert mtime_of(os.stat(p)) == datetime(2023, 11, 14, 22, 13, 20, 123456)
