"""warehouse.store: loading semantics, crash safety, locking; warehouse.read."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.warehouse.conftest import SCAN_R1, SCAN_R2, build_library
from tests.warehouse.factory import Batch, Library, run, scan, sha
from warehouse.read import connect_readonly, format_summary, summary
from warehouse.store import Warehouse, WarehouseBusy

REPO = Path(__file__).resolve().parents[2]
RAW = ("contents", "raw_submissions", "raw_funding", "raw_goals", "raw_indicators", "raw_tasks", "raw_findings")
VIEWS = ("files", "submissions", "funding", "goals", "indicators", "quality_issues", "city_rollup",
         "province_rollup")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as c:
        return c.execute(sql).fetchone()[0]


def snapshot(db: Path) -> dict[str, list]:
    """Every contract view and raw table, sorted, for comparing two warehouses."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as c:
        for t in (*VIEWS, *RAW, "inbox_files"):
            df = c.execute(f"SELECT * FROM {t if t in VIEWS else 'raw.' + t}").df()
            df = df.drop(columns=[x for x in ("run_id", "processed_run", "first_seen_run", "last_seen_run")
                                  if x in df.columns])
            out[t] = sorted(map(repr, df.astype(object).where(df.notna(), None).itertuples(index=False)))
    return out


def one_form_library(label: str = "x", targets: int = 2) -> tuple[Library, str]:
    lib = Library()
    s = sha(label)
    lib.content(s)
    sid = lib.form(s)
    lib.totals(sid, 10)
    lib.targets(sid, quantitative=targets)
    lib.finding(s, "warning", "w", sid=sid)
    return lib, s


@pytest.fixture
def published(tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    lib, s = one_form_library()
    run(db, "r1", scan([("a.docx", s, "2024-01-01 00:00")]), lib)
    return db


# ----------------------------------------------------------------------------- loading


def test_reappend_replaces_rather_than_duplicates(tmp_path):
    db = tmp_path / "w.duckdb"
    lib, s = one_form_library(targets=2)
    inbox = scan([("a.docx", s, "2024-01-01 00:00")])
    run(db, "r1", inbox, lib)
    before = {t: count(db, f"SELECT count(*) FROM raw.{t}") for t in RAW}
    assert before["raw_indicators"] == 2
    # the same content processed again (e.g. a newer parser) with different rows
    lib2, _ = one_form_library(targets=3)
    run(db, "r2", inbox, lib2, reprocess={s})
    after = {t: count(db, f"SELECT count(*) FROM raw.{t}") for t in RAW}
    assert after == {**before, "raw_indicators": 3}
    assert count(db, "SELECT count(*) FROM indicators") == 3
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("SELECT processed_run FROM raw.contents").fetchall() == [("r2",)]
        assert c.execute("SELECT run_id FROM raw.raw_submissions").fetchall() == [("r2",)]


def test_rerun_over_same_inbox_changes_nothing(tmp_path):
    lib = build_library()
    once, twice = tmp_path / "once.duckdb", tmp_path / "twice.duckdb"
    run(once, "r1", scan(SCAN_R1), lib)
    run(once, "r2", scan(SCAN_R2), lib)
    run(twice, "r1", scan(SCAN_R1), lib)
    run(twice, "r2", scan(SCAN_R2), lib)
    run(twice, "r3", scan(SCAN_R2), lib)
    run(twice, "r4", scan(SCAN_R2), lib, reprocess={r[1] for r in SCAN_R2 if r[1]})
    assert snapshot(once) == snapshot(twice)
    assert count(twice, "SELECT count(*) FROM raw.runs WHERE status = 'completed'") == 4


def test_record_scan_keeps_first_seen_run(tmp_path):
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("a.docx", sha("a"), "2024-01-01 00:00")]))
    run(db, "r2", scan([("a.docx", sha("a2"), "2024-01-02 00:00"), ("b.docx", sha("b"), "2024-01-01 00:00")]))
    with duckdb.connect(str(db), read_only=True) as c:
        got = c.execute("SELECT path, sha256, first_seen_run, last_seen_run FROM raw.inbox_files ORDER BY path").fetchall()
    assert got == [("a.docx", sha("a2"), "r1", "r2"), ("b.docx", sha("b"), "r2", "r2")]


def test_intake_state_known_files_and_processed_contents(published):
    with Warehouse.open(published, "r2", "inbox", None) as wh:
        state = wh.intake_state()
        known = state.known
        assert list(known.columns) == ["path", "sha256", "size_bytes", "modified_at"]
        assert known["path"].tolist() == ["a.docx"]
        assert known["modified_at"].iloc[0] == pd.Timestamp("2024-01-01")
        assert state.processed == {sha("x")} and state.missing_year == set()
        wh.abort()


def test_scan_timestamps_are_normalised(tmp_path):
    db = tmp_path / "w.duckdb"
    aware = pd.Timestamp("2024-01-01 08:00", tz="Asia/Shanghai")
    frame = pd.DataFrame({"path": ["a.docx", "b.docx"], "sha256": [sha("a"), sha("b")],
                          "modified_at": [aware, aware]})
    epoch = pd.DataFrame({"path": ["c.docx"], "sha256": [sha("c")],
                          "modified_at": [datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()]})
    with Warehouse.open(db, "r1", "inbox", None) as wh:
        wh.record_scan(frame)
        assert wh.intake_state().known["modified_at"].tolist() == [pd.Timestamp("2024-01-01 00:00")] * 2
        wh.record_scan(epoch)
        assert wh.intake_state().known["modified_at"].tolist() == [pd.Timestamp("2024-01-01 00:00")]
        wh.abort()


def test_append_rejects_inconsistent_frames(tmp_path):
    db = tmp_path / "w.duckdb"
    lib, s = one_form_library()
    with Warehouse.open(db, "r1", "inbox", None) as wh:
        frames = lib.frames()
        with pytest.raises(ValueError, match="columns the table lacks"):
            wh.load(Batch({**frames, "raw_goals": frames["raw_goals"].assign(extra=1)}))
        with pytest.raises(ValueError, match="not in this append"):
            wh.load(Batch({**frames, "contents": frames["contents"].assign(sha256=sha("other"))}))
        with pytest.raises(ValueError, match="unknown tables"):
            wh.load(Batch({"raw_stuff": pd.DataFrame()}))
        assert wh.intake_state().processed == set()
        wh.load(Batch(frames))
        assert wh.intake_state().processed == {s}
        wh.publish({"files_seen": 7})
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("SELECT status, files_seen, files_processed, forms_loaded, findings FROM raw.runs").fetchall() \
            == [("completed", 7, 1, 1, 1)]


# ----------------------------------------------------------------------------- crash safety


def test_abort_leaves_published_file_unchanged(published):
    before = digest(published)
    wh = Warehouse.open(published, "r2", "inbox", None)
    wh.record_scan(scan([]))
    lib, s = one_form_library("y")
    wh.load(Batch(lib.frames()))
    assert wh.building.exists()
    wh.abort()
    assert digest(published) == before
    assert not wh.building.exists()
    assert count(published, "SELECT count(*) FROM files") == 1


def test_exception_inside_with_block_aborts(published):
    before = digest(published)
    with pytest.raises(RuntimeError):
        with Warehouse.open(published, "r2", "inbox", None) as wh:
            wh.record_scan(scan([]))
            raise RuntimeError("boom")
    assert digest(published) == before
    with Warehouse.open(published, "r3", "inbox", None, wait=False) as wh:  # lock released
        wh.abort()


def test_killed_run_leaves_published_file_and_next_run_works(published):
    before = digest(published)
    code = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from tests.warehouse.factory import Batch, Library, scan, sha
        from warehouse import models
        from warehouse.store import Warehouse
        wh = Warehouse.open({str(published)!r}, "killed", "inbox", None)
        wh.record_scan(scan([]))
        lib = Library(); s = sha("k"); lib.content(s); lib.form(s)
        wh.load(Batch(lib.frames()))
        models.build(wh.con)
        wh.con.execute("CHECKPOINT")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == -9, out.stderr
    (building,) = published.parent.glob(published.name + ".building-*")  # the killed run's own copy
    assert digest(published) == before
    with Warehouse.open(published, "r2", "inbox", None, wait=False) as wh:  # the kernel freed the lock
        assert wh.intake_state().processed == {sha("x")}  # started from the published state, not the leftover
        assert not building.exists()  # its process is dead: removed
        wh.publish({})
    assert count(published, "SELECT count(*) FROM raw.runs WHERE run_id = 'killed'") == 0
    assert count(published, "SELECT count(*) FROM files") == 1


# ----------------------------------------------------------------------------- readers and locking


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM files").fetchone()[0],
          con.execute("SELECT count(*) FROM raw.runs").fetchone()[0])
""")


def read_in_other_process(db: Path) -> str:
    out = subprocess.run([sys.executable, "-c", READER, str(db)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_reader_during_run_sees_previous_state(published):
    lib, s = one_form_library("y")
    with Warehouse.open(published, "r2", "inbox", None) as wh:
        wh.record_scan(scan([("a.docx", sha("x"), "2024-01-01 00:00"), ("b.docx", s, "2024-01-02 00:00")]))
        wh.load(Batch(lib.frames()))
        assert read_in_other_process(published) == "1 1"  # another process: no lock error, old state
        with connect_readonly(published) as c:  # this process too
            assert c.execute("SELECT count(*) FROM files").fetchone()[0] == 1
        held = connect_readonly(published)  # a reader that stays open across the publish
        wh.publish({})
    assert held.execute("SELECT count(*) FROM files").fetchone()[0] == 1  # keeps its snapshot
    held.close()
    assert read_in_other_process(published) == "2 2"


def test_second_run_with_wait_false_is_busy(published):
    with Warehouse.open(published, "r2", "inbox", None) as wh:
        with pytest.raises(WarehouseBusy):
            Warehouse.open(published, "r3", "inbox", None, wait=False)
        assert wh.building.exists()  # the busy attempt did not touch the running run
        wh.publish({})
    assert count(published, "SELECT count(*) FROM raw.runs WHERE status = 'completed'") == 2


def test_second_run_waits_and_starts_from_the_first_runs_result(published, caplog):
    events = []
    first = Warehouse.open(published, "r2", "inbox", None)
    lib, s = one_form_library("y")
    first.record_scan(scan([("a.docx", sha("x"), "2024-01-01 00:00"), ("b.docx", s, "2024-01-02 00:00")]))
    first.load(Batch(lib.frames()))

    def second():
        with Warehouse.open(published, "r3", "inbox", None, wait=True) as wh:
            events.append(("second opened", wh.intake_state().processed))
            wh.publish({})

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    assert events == []  # still waiting for the lock
    events.append(("first publishes", None))
    first.publish({})
    t.join(timeout=30)
    assert not t.is_alive()
    assert events == [("first publishes", None), ("second opened", {sha("x"), s})]
    assert any("waiting for the ingestion run" in r.getMessage() for r in caplog.records)
    assert count(published, "SELECT count(*) FROM raw.runs WHERE status = 'completed'") == 3


def test_summary(published):
    d = summary(published)
    assert d["files"] == 1 and d["files_by_status"]["loaded_with_warnings"] == 1
    assert d["forms_current"] == 1 and d["indicators"] == 2
    assert d["findings_by_severity"] == {"error": 0, "warning": 1}
    assert d["runs"] == 1 and d["last_run"]["run_id"] == "r1"
    text = format_summary(d)
    assert "loaded_with_warnings 1" in text and "r1" in text and len(text.splitlines()) <= 8


def test_connect_readonly_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        connect_readonly(tmp_path / "nope.duckdb")
