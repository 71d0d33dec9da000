"""Issue 4: a real `jixiao ingest` killed with SIGKILL at 20 random moments, then re-run, gives
exactly the warehouse of an uninterrupted run; concurrent starts wait or exit 75.

Every subprocess talks to ONE Prefect server started once for this module (`prefect server
start` on a free loopback port, PREFECT_API_URL), so a run costs its own start-up only, not a
temporary server each.

The kill test: the previous night's warehouse S0 (inbox v1, an uninterrupted run) and the
reference R (a copy of S0 brought up to inbox v2 by an uninterrupted run). Then 20 trials on
another copy of S0: start `jixiao ingest` over v2, wait until the run holds the warehouse lock
(the lock file names its pid: no timing guess), sleep a seeded random delay spread over the
reference run's whole working time (scan, extraction and normalization of 4-file batches,
loading, publishing, the summary after publishing), SIGKILL. Two lanes of 10 trials run side by
side, each on its own copy of S0. After each kill the published
file must show S0 or R exactly, never a mixture, and only completed runs. A kill that landed
after the publish (the run had completed) leaves R; the next trial then starts from S0 again
so that every kill hits a run with work to do. Finally one run to completion must give R.
"""
from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES
from testkit.hostile import form_bytes

JIXIAO = Path(sys.executable).with_name("jixiao")
VIEWS = ("files", "submissions", "funding", "goals", "indicators", "quality_issues", "city_rollup",
         "province_rollup")
KILLS = 20
LANES = 2
SEED = 20241123
CITIES = ["武汉市", "黄石市", "十堰市", "宜昌市", "襄阳市", "鄂州市", "荆门市", "孝感市", "荆州市", "黄冈市",
          "咸宁市", "随州市"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory):
    """One Prefect API server for every subprocess of this module."""
    home = tmp_path_factory.mktemp("prefect-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    port = _free_port()
    log = open(home / "server.log", "wb")
    server = subprocess.Popen([str(JIXIAO.with_name("prefect")), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None:
                raise RuntimeError((home / "server.log").read_text(errors="replace"))
            time.sleep(0.5)
        else:
            raise RuntimeError("the Prefect server did not start")
        yield {**env, "PREFECT_API_URL": url}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _ingest_cmd(inbox: Path, db: Path, *extra: str) -> list[str]:
    return [str(JIXIAO), "ingest", str(inbox), "--db", str(db), "--batch-size", "4", *extra]


def _run(env, inbox: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(_ingest_cmd(inbox, db, *extra), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def snapshot(db: Path) -> dict:
    """Every contract view, sorted (they hold no run ids or run timestamps)."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {v: sorted(map(repr, con.execute(f"SELECT * FROM {v}").fetchall())) for v in VIEWS}
        out["runs"] = con.execute("SELECT status, count(*) FROM raw.runs GROUP BY status").fetchall()
    return out


def _views(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "runs"}


def build_inbox(root: Path) -> tuple[Path, callable]:
    """Inbox v1 (the sample inbox and 12 generated forms, 25 files); `to_v2` adds 12 forms, a
    newer version of one form (supersedes) and removes one file: 37 files in v2."""
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox)
    for i, city in enumerate(CITIES):
        path = inbox / "2024" / "各市" / f"{city}财政局 部门整体绩效目标表.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(form_bytes(f"{city}财政局", target=f"{100 + i}人次"))
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))

    def to_v2() -> None:
        for i, city in enumerate(CITIES):
            path = inbox / "2024" / "各市" / "第二批" / f"{city}教育局 部门整体绩效目标表.docx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(form_bytes(f"{city}教育局", target=f"{200 + i}人次"))
        newer = inbox / "2024" / "各市" / "修订" / "武汉市财政局 部门整体绩效目标表（修订）.docx"
        newer.parent.mkdir(parents=True, exist_ok=True)
        newer.write_bytes(form_bytes("武汉市财政局", target="150人次"))
        os.utime(newer, (1_700_100_000, 1_700_100_000))
        (inbox / "2024" / "各市" / "随州市财政局 部门整体绩效目标表.docx").unlink()

    return inbox, to_v2


def _wait_for_lock_holder(lock: Path, pid: int, proc: subprocess.Popen) -> bool:
    """Until the run `pid` holds the warehouse lock (it writes 'pid N run …' into the lock file)."""
    needle = f"pid {pid} "
    while proc.poll() is None:
        try:
            if lock.read_text().startswith(needle):
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    return False


def test_sigkill_at_20_random_moments_then_rerun_equals_an_uninterrupted_run(prefect_env, tmp_path):
    inbox, to_v2 = build_inbox(tmp_path)
    s0 = tmp_path / "s0.duckdb"
    _run(prefect_env, inbox, s0)  # the previous night: inbox v1, uninterrupted
    to_v2()
    snap_s0 = snapshot(s0)

    ref = tmp_path / "ref.duckdb"
    shutil.copyfile(s0, ref)
    lock_ref = ref.with_name(ref.name + ".lock")
    proc = subprocess.Popen(_ingest_cmd(inbox, ref), env=prefect_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert _wait_for_lock_holder(lock_ref, proc.pid, proc)
    t_locked = time.monotonic()
    out, err = proc.communicate(timeout=300)
    working = time.monotonic() - t_locked  # lock taken → exit: the window the kills are spread over
    assert proc.returncode == 0, out + err
    snap_r = snapshot(ref)
    assert _views(snap_r) != _views(snap_s0)
    assert snap_r["runs"] == [("completed", 2)]

    # two lanes of 10 trials each, side by side on their own copies (the machine has 2 cores)
    with ThreadPoolExecutor(max_workers=LANES) as pool:
        lanes = [pool.submit(_kill_lane, prefect_env, inbox, s0, tmp_path / f"lane{n}.duckdb",
                             random.Random(SEED + n), KILLS // LANES, working, snap_s0, snap_r)
                 for n in range(LANES)]
        outcomes = [o for lane in lanes for o in lane.result()]
    print(f"{len(outcomes)} kills over {working:.1f}s of work: "
          + ", ".join(f"{o} {outcomes.count(o)}" for o in sorted(set(outcomes))))
    assert len(outcomes) == KILLS

    reruns = [subprocess.Popen(_ingest_cmd(inbox, tmp_path / f"lane{n}.duckdb"), env=prefect_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(LANES)]
    for n, proc in enumerate(reruns):  # the re-run after the last kill of each lane
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "Traceback" not in err, out + err
        db = tmp_path / f"lane{n}.duckdb"
        snap = snapshot(db)
        assert _views(snap) == _views(snap_r)
        assert snap["runs"][0][0] == "completed" and len(snap["runs"]) == 1
        assert not db.with_name(db.name + ".building").exists()


def _kill_lane(env, inbox, s0, db, rng, kills, working, snap_s0, snap_r) -> list[str]:
    shutil.copyfile(s0, db)
    lock = db.with_name(db.name + ".lock")
    outcomes = []
    for k in range(kills):
        delay = rng.uniform(0, working * 1.1)
        proc = subprocess.Popen(_ingest_cmd(inbox, db), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        if _wait_for_lock_holder(lock, proc.pid, proc):
            time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # it had already finished
            pass
        proc.wait()
        snap = snapshot(db)
        assert snap["runs"] in (snap_s0["runs"], snap_r["runs"]), (db.name, k)  # only completed runs
        if _views(snap) == _views(snap_s0):
            outcomes.append("before publish")
        else:
            assert _views(snap) == _views(snap_r), f"{db.name}: kill {k} after {delay:.2f}s left a mixed warehouse"
            outcomes.append("after publish" if proc.returncode == -signal.SIGKILL else "completed")
            shutil.copyfile(s0, db)  # the night's run had completed: start the next trial from S0 again
        with open(lock, "a") as f:  # the kernel released the killed run's lock
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(f, fcntl.LOCK_UN)
    return outcomes


def test_concurrent_start_waits_or_exits_75_without_traceback(prefect_env, tmp_path):
    inbox = tmp_path / "inbox"
    for city in ("鄂州市", "黄石市"):
        (inbox / "2024").mkdir(parents=True, exist_ok=True)
        (inbox / "2024" / f"{city}财政局.docx").write_bytes(form_bytes(f"{city}财政局"))
    db = tmp_path / "w.duckdb"
    lock = db.with_name(db.name + ".lock")
    # a run in progress, as another process holds it: the warehouse lock (deterministic, no timing)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 1 run nightly-in-progress\n")
        held.flush()
        busy = subprocess.run(_ingest_cmd(inbox, db, "--no-wait"), env=prefect_env, capture_output=True,
                              text=True, timeout=300)
        assert busy.returncode == 75, busy.stdout + busy.stderr
        assert "another ingestion is running" in busy.stderr and "Traceback" not in busy.stderr + busy.stdout
        assert not db.exists() and not db.with_name(db.name + ".building").exists()  # nothing touched

        waiting = subprocess.Popen(_ingest_cmd(inbox, db), env=prefect_env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        seen = ""
        while "waiting for the ingestion run" not in seen:  # it says so on stderr, then waits
            line = waiting.stderr.readline()
            assert line or waiting.poll() is None, "the second run ended instead of waiting"
            seen += line
        assert waiting.poll() is None and not db.exists()
        fcntl.flock(held, fcntl.LOCK_UN)  # the first run ends
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, out + err
    assert "Traceback" not in seen + err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status, count(*) FROM raw.runs GROUP BY status").fetchall() == [("completed", 1)]
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == sum(1 for p in inbox.rglob("*") if p.is_file())
