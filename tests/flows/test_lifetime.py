"""Issue 12.5 (and 12.9): no process of a run outlives it, whatever ends it; Ctrl-C is one line.

Real `jixiao ingest` subprocesses on a small inbox, each with its own temporary Prefect server
(no PREFECT_API_URL: the case that left a 230 MB server behind). The run is interrupted once it
holds the warehouse lock and its pool workers are busy; every process of the run (the run, the
forkserver, the workers, the server) must be gone within seconds, and the published warehouse
must be the previous night's.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.support.runs import (CITIES, env_for, ingest_cmd, run_ok, send, snapshot, tagged, views, wait_all_gone, with_tag,
                                wait_until_working, write_forms, JIXIAO)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """A warehouse of 2 forms (the previous night) and an inbox of 50 forms to ingest now."""
    root = tmp_path_factory.mktemp("lifetime")
    inbox = root / "inbox"
    write_forms(inbox, ["鄂州市财政局", "黄石市财政局"])
    db0 = root / "night.duckdb"
    run_ok(env_for(root), inbox, db0)
    write_forms(inbox, [f"{c}{d}" for d in ("教育局", "民政局", "卫生健康委员会", "交通运输局") for c in CITIES],
                folder="2024/新")
    return root, inbox, db0, snapshot(db0)


@pytest.mark.parametrize("sig, group, code", [
    (signal.SIGTERM, False, 143),
    (signal.SIGINT, True, 130),   # Ctrl-C in a terminal: the whole foreground process group
    (signal.SIGKILL, False, -9),  # nothing can clean up: the children must notice by themselves
])
def test_an_interrupted_run_leaves_no_process_and_the_published_warehouse(night, tmp_path, sig, group, code):
    root, inbox, db0, snap0 = night
    db = tmp_path / "w.duckdb"
    db.write_bytes(db0.read_bytes())
    tag = f"lifetime-{sig.name}-{os.getpid()}"
    with open(tmp_path / "out", "w+") as out_f, open(tmp_path / "err", "w+") as err_f:
        proc = subprocess.Popen(ingest_cmd(inbox, db), env=tagged(env_for(tmp_path), tag), stdout=out_f,
                                stderr=err_f, text=True, start_new_session=True)
        try:
            procs = wait_until_working(proc, db)
            assert len(procs) >= 4, [p.cmdline() for p in procs]  # run, server, forkserver, workers
            send(proc, sig, group=group)
            t0 = time.monotonic()
            proc.wait(timeout=60)
            out, err = (tmp_path / "out").read_text(), (tmp_path / "err").read_text()
            assert proc.returncode == code, out + err
            # every process that carries the run's marker: also any started after the snapshot
            left = wait_all_gone(procs + with_tag(tag))
            assert not left, f"left alive {time.monotonic() - t0:.1f}s after {sig.name}: {left}"
        finally:
            if proc.poll() is None:
                proc.kill()
    if sig != signal.SIGKILL:
        assert "Traceback" not in out + err, err
        assert err.strip().splitlines()[-1] == "jixiao: 已中断 / interrupted", err
    assert views(snapshot(db)) == views(snap0)  # the previous publish, untouched
    assert not list(db.parent.glob("w.duckdb.building*")) or sig == signal.SIGKILL
    run_ok(env_for(tmp_path), inbox, db)  # and the next run completes
    assert snapshot(db)["runs"] == [("completed", 2)]


def test_an_unwritable_prefect_state_folder_fails_in_seconds_naming_it(tmp_path):
    home = tmp_path / "prefect-home"
    (home / "prefect.db").mkdir(parents=True)  # sqlite cannot open its file (also as root)
    inbox = tmp_path / "inbox"
    write_forms(inbox, ["鄂州市财政局"])
    env = env_for(tmp_path)
    t0 = time.monotonic()
    proc = subprocess.run([str(JIXIAO), "ingest", str(inbox), "--db", str(tmp_path / "w.duckdb")], env=env,
                          capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - t0
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert str(home) in line and "PREFECT_HOME" in line
    assert seconds < 30  # was 100 s and a timeout message; the check itself takes milliseconds
    assert not (tmp_path / "w.duckdb").exists()
