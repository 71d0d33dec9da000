"""Issues 12.4, 12.6, 12.7, 12.10: the publish under a deleted lock, a symlinked --db, a careless
read-write connection, and a damaged published file. Tested against behaviour (what a reader and
the next run see), so they hold for any publish mechanism."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from tests.conftest import REPO
from tests.warehouse.factory import Library, run, scan, sha
from warehouse.read import format_summary, summary
from warehouse.recovery import WarehouseCorrupt, check_published, remember_registry_source, set_aside_for_rebuild
from warehouse.publish import LockLost, resolve_db_path, still_owns_lock
from warehouse.store import Warehouse


def one_form(label: str) -> tuple[Library, str]:
    lib = Library()
    s = sha(label)
    lib.content(s)
    lib.form(s)
    return lib, s


def scanned(db) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT path FROM raw.inbox_files ORDER BY path").fetchall()]


def files(db) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT path FROM files ORDER BY path").fetchall()]


@pytest.fixture
def published(tmp_path):
    db = tmp_path / "w.duckdb"
    lib, s = one_form("x")
    run(db, "r1", scan([("a.docx", s, "2024-01-01 00:00")]), lib)
    return db


# ----------------------------------------------------------------------------- 12.4 a deleted lock

def test_a_run_whose_lock_was_deleted_does_not_publish_and_never_shares_a_private_copy(published):
    lock = published.with_name(published.name + ".lock")
    first = Warehouse.open(published, "first", "inbox", None)
    first.record_scan(scan([("first.docx", sha("f"), "2024-01-02 00:00")]))
    lock.unlink()  # an operator "cleans up" during the run
    second = Warehouse.open(published, "second", "inbox", None, wait=False)  # gets in: new lock file
    assert second.building != first.building and first.building.exists()  # each run its own copy
    second.record_scan(scan([("second.docx", sha("s"), "2024-01-02 00:00")]))
    second.publish({})
    assert scanned(published) == ["second.docx"]
    with pytest.raises(LockLost):
        first.publish({})  # the lock it holds is no longer the warehouse's: it must not publish
    assert scanned(published) == ["second.docx"]  # the second run's publish stands
    assert not first.building.exists()


def test_still_owns_lock_compares_the_inode(tmp_path):
    lock = tmp_path / "x.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        assert still_owns_lock(fd, lock)
        lock.unlink()
        assert not still_owns_lock(fd, lock)
        lock.write_text("another run\n")
        assert not still_owns_lock(fd, lock)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- 12.6 --db a symlink

def test_a_symlinked_db_publishes_to_its_target_and_the_link_stays(tmp_path, published):
    target = tmp_path / "real" / "warehouse.duckdb"
    target.parent.mkdir()
    os.replace(published, target)
    link = tmp_path / "link.duckdb"
    link.symlink_to(target)
    lib, s = one_form("y")
    run(link, "r2", scan([("b.docx", s, "2024-01-03 00:00")]), lib)
    assert link.is_symlink() and resolve_db_path(link) == target
    assert files(target) == ["b.docx"]  # the target is updated, not replaced by a file at the link
    assert files(link) == ["b.docx"]


# ----------------------------------------------------------------------------- 12.7 a foreign WAL

ANALYST = textwrap.dedent("""
    import duckdb, os, signal, sys, time
    con = duckdb.connect(sys.argv[1])  # read-write: the careless notebook
    con.execute("CREATE TABLE IF NOT EXISTS analyst_notes (note VARCHAR)")
    con.execute("INSERT INTO analyst_notes VALUES ('mine')")
    print("wrote", flush=True)
    if sys.argv[2] == "die":
        os.kill(os.getpid(), signal.SIGKILL)  # leaves its WAL beside the published file
    time.sleep(60)
""")


def _tables(db) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_a_wal_left_by_a_read_write_connection_is_set_aside_with_who_wrote_it(published):
    proc = subprocess.run([sys.executable, "-c", ANALYST, str(published), "die"], capture_output=True, text=True)
    assert proc.returncode == -9 and published.with_name(published.name + ".wal").exists()
    lib, s = one_form("y")
    run(published, "r2", scan([("b.docx", s, "2024-01-03 00:00")]), lib)
    assert not published.with_name(published.name + ".wal").exists()
    (aside,) = published.parent.glob(published.name + ".wal.foreign-*")  # kept, not deleted
    assert "analyst_notes" not in _tables(published)  # never replayed into the published file
    assert files(published) == ["b.docx"]  # readers work
    with duckdb.connect(str(published), read_only=True) as con:
        (note,) = con.execute("SELECT text FROM raw.run_stats WHERE run_id = 'r2' AND key = 'foreign_wal'").fetchone()
    assert "were not kept" in note and aside.name in note
    # the operator's summary says it, with the catalog's code and name
    (warning,) = summary(published)["warehouse_warnings"]
    assert warning["code"] == "foreign_wal" and aside.name in warning["message"]
    line = [x for x in format_summary(summary(published)).splitlines() if "foreign_wal" in x]
    assert line and "仓库被其他程序写入" in line[0] and "未被保留" in line[0]


def test_a_read_write_connection_open_during_a_run_neither_breaks_the_publish_nor_readers(published):
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(published), "stay"], stdout=subprocess.PIPE,
                               text=True, cwd=REPO)
    try:
        assert analyst.stdout.readline().strip() == "wrote"
        lib, s = one_form("y")
        run(published, "r2", scan([("b.docx", s, "2024-01-03 00:00")]), lib)  # the holder blocks nothing
        assert files(published) == ["b.docx"]
        assert "analyst_notes" not in _tables(published)
        assert not published.with_name(published.name + ".wal").exists()
    finally:
        analyst.kill()
        analyst.wait()
    lib, s = one_form("z")
    run(published, "r3", scan([("c.docx", s, "2024-01-04 00:00")]), lib)  # and the next run completes
    assert files(published) == ["c.docx"]


# ----------------------------------------------------------------------------- 12.10 a damaged file

@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_published_file_is_one_sentence_and_rebuild_sets_it_aside(published, tmp_path, damage):
    data = published.read_bytes()
    published.write_bytes(os.urandom(len(data)) if damage == "garbage" else data[: len(data) // 3])
    with pytest.raises(WarehouseCorrupt) as err:
        check_published(published)
    for e in (err.value, _open_error(published)):
        assert str(published) in e.en and "--rebuild" in e.en and ".building" not in e.en + e.zh
    registry = tmp_path / "名单.csv"
    registry.write_text("department\n鄂州市财政局\n", encoding="utf-8")
    remember_registry_source(published, registry, "湖北省")
    aside, source = set_aside_for_rebuild(published)
    assert aside.exists() and aside.name.startswith("w.duckdb.damaged-") and not published.exists()
    assert source["path"] == str(registry.resolve())
    lib, s = one_form("y")
    run(published, "r2", scan([("b.docx", s, "2024-01-03 00:00")]), lib)  # rebuilt from nothing
    assert files(published) == ["b.docx"]


def _open_error(db) -> WarehouseCorrupt:
    with pytest.raises(WarehouseCorrupt) as err:
        Warehouse.open(db, "r2", "inbox", None)
    assert not list(db.parent.glob(db.name + ".building*"))  # nothing left behind
    return err.value


_ = time
