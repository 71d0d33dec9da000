"""Issue 4: readers are never blocked. A reader PROCESS loops (read-only connect, query
city_rollup / province_rollup / files / runs, disconnect) while ingestion runs build and
publish the warehouse; it never gets an error and only ever sees the state of a completed run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import duckdb

from flows.ingest import ingest
from jixiao.settings import Settings
from testkit.hostile import form_bytes

READER = textwrap.dedent("""
    import json, os, sys, duckdb
    db, out, stop = sys.argv[1:4]

    def observe(con):
        return [
            con.execute("SELECT status, count(*) FROM raw.runs GROUP BY status ORDER BY 1").fetchall(),
            con.execute("SELECT count(*), count(*) FILTER (WHERE status LIKE 'loaded%') FROM files").fetchone(),
            con.execute("SELECT count(*), coalesce(sum(departments), 0), coalesce(sum(indicators), 0), "
                        "coalesce(sum(income_total_wan), 0)::VARCHAR FROM city_rollup").fetchone(),
            con.execute("SELECT coalesce(sum(departments), 0), coalesce(sum(cities), 0) FROM province_rollup").fetchone(),
        ]

    if sys.argv[4:] == ["once"]:
        con = duckdb.connect(db, read_only=True)
        print(json.dumps(observe(con)))
        sys.exit(0)
    with open(out, "w") as f:
        while not os.path.exists(stop):
            try:
                con = duckdb.connect(db, read_only=True)
                try:
                    row = {"state": observe(con)}
                finally:
                    con.close()
            except Exception as e:  # a lock error or a half-built file would land here
                row = {"error": f"{type(e).__name__}: {e}"}
            f.write(json.dumps(row) + "\\n")
            f.flush()
""")


def _observe(db) -> str:
    out = subprocess.run([sys.executable, "-c", READER, str(db), "", "", "once"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return json.dumps(json.loads(out.stdout))


def _lines(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_reader_process_during_runs_sees_only_completed_states(prefect_harness, tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    out, stop = tmp_path / "reader.jsonl", tmp_path / "stop"
    cities = ["武汉市", "黄石市", "宜昌市", "襄阳市", "鄂州市", "荆州市", "黄冈市", "咸宁市"]

    def add(run: int) -> None:
        for city in cities[2 * run:2 * run + 2]:
            for bureau in ("财政局", "教育局", "卫生健康委员会"):
                path = inbox / "2024" / city / f"{city}{bureau} 部门整体绩效目标表.docx"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(form_bytes(f"{city}{bureau}", target=f"{10 * run + 1}人次"))

    add(0)
    ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省", batch_size=2))
    published = {_observe(db)}
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(out), str(stop)],
                              stderr=subprocess.PIPE, text=True)
    try:
        while not _lines(out):  # the reader is up and reading
            assert reader.poll() is None, reader.stderr.read()
            time.sleep(0.05)
        for run in range(1, 4):
            add(run)
            ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省", batch_size=2))
            published.add(_observe(db))
        seen = len(_lines(out))
        while len(_lines(out)) <= seen + 1:  # at least one full read after the last publish
            assert reader.poll() is None, reader.stderr.read()
            time.sleep(0.05)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    assert reader.returncode == 0, reader.stderr.read()
    rows = _lines(out)
    errors = [r["error"] for r in rows if "error" in r]
    assert errors == []
    states = {json.dumps(r["state"]) for r in rows}
    assert states <= published  # only states of completed runs, never a half-finished one
    assert len(published) == 4
    last = json.loads(_observe(db))
    assert last[0] == [["completed", 4]] and last[1] == [24, 24]
    assert rows[-1]["state"] == last  # and it sees the last run once it reconnects
    with duckdb.connect(str(db), read_only=True) as con:  # the published file has no WAL of a writer
        assert con.execute("SELECT count(*) FROM city_rollup").fetchone()[0] == 8
    assert not os.path.exists(str(db) + ".wal")
