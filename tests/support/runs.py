"""Real `jixiao` runs for the reliability tests (issue 12): inboxes, processes, snapshots."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil

from testkit.hostile import form_bytes

JIXIAO = Path(sys.executable).with_name("jixiao")
CONTRACT_VIEWS = ("files", "submissions", "funding", "goals", "indicators", "quality_issues", "city_rollup",
                  "province_rollup")
CITIES = ["武汉市", "黄石市", "十堰市", "宜昌市", "襄阳市", "鄂州市", "荆门市", "孝感市", "荆州市", "黄冈市",
          "咸宁市", "随州市"]


def env_for(tmp: Path, api_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def write_forms(inbox: Path, depts: list[str], folder: str = "2024", target: int = 100) -> None:
    for i, dept in enumerate(depts):
        path = inbox / folder / f"{dept} 部门整体绩效目标表.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(form_bytes(dept, target=f"{target + i}人次"))
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))


def ingest_cmd(inbox: Path, db: Path, *extra: str) -> list[str]:
    return [str(JIXIAO), "ingest", str(inbox), "--db", str(db), "--batch-size", "1", "--workers", "2", *extra]


def run_ok(env: dict, inbox: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(ingest_cmd(inbox, db, *extra), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    return proc


def snapshot(db: Path) -> dict:
    """Every contract view, sorted (no run ids or timestamps in them), and the runs by status."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {v: sorted(map(repr, con.execute(f"SELECT * FROM {v}").fetchall())) for v in CONTRACT_VIEWS}
        out["runs"] = con.execute("SELECT status, count(*) FROM raw.runs GROUP BY status").fetchall()
    return out


def views(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "runs"}


def family(pid: int) -> list[psutil.Process]:
    """The process and every descendant (workers hang under the forkserver, the server under the run)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def wait_until_working(proc: subprocess.Popen, db: Path, timeout: float = 180) -> list[psutil.Process]:
    """Until the run holds the warehouse lock and its pool workers run; its processes then."""
    lock = db.with_name(db.name + ".lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it was working"
        try:
            locked = lock.read_text().startswith(f"pid {proc.pid} ")
        except FileNotFoundError:
            locked = False
        procs = family(proc.pid)
        workers = [p for p in procs if _is_pool_worker(p)]
        if locked and workers:
            return procs
        time.sleep(0.05)
    raise AssertionError("the run did not start working in time")


def _is_pool_worker(p: psutil.Process) -> bool:
    try:  # forked by the forkserver (same command line as it, so look at the parent)
        parent = p.parent()
        return parent is not None and "forkserver" in " ".join(parent.cmdline())
    except psutil.Error:
        return False


def tagged(env: dict, tag: str) -> dict:
    """The env with a marker every process of the run inherits (server, forkserver, workers)."""
    return {**env, "JIXIAO_TEST_RUN": tag}


def with_tag(tag: str) -> list[psutil.Process]:
    out = []
    for p in psutil.process_iter():
        try:
            if p.environ().get("JIXIAO_TEST_RUN") == tag:
                out.append(p)
        except psutil.Error:
            pass
    return out


def alive(procs: list[psutil.Process]) -> list[str]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            pass
    return out


def wait_all_gone(procs: list[psutil.Process], seconds: float = 15) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = alive(procs)
        if not left:
            return []
        time.sleep(0.2)
    left = alive(procs)
    for p in procs:  # do not leave them to the next test
        try:
            p.kill()
        except psutil.Error:
            pass
    return left


def send(proc: subprocess.Popen, sig: int, group: bool = False) -> None:
    if group:
        os.killpg(proc.pid, sig)  # what a terminal's Ctrl-C does: the whole foreground group
    else:
        os.kill(proc.pid, sig)
    _ = signal
