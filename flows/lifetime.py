"""What a `jixiao` process owns while it runs, and how it ends (issues 12.5, 12.9).

* :func:`check_prefect_home` — before Prefect starts: the folder Prefect keeps its state in
  (``PREFECT_HOME``, its sqlite file) must be writable, else one sentence naming it, in seconds
  (instead of 100 s and "Timed out while attempting to connect to ephemeral Prefect API server").
* :func:`temporary_server` — when no ``PREFECT_API_URL`` is set, the run starts the Prefect API
  server itself (what Prefect's "ephemeral" mode does) as a child that dies with the run
  (parent-death signal, watchdog, own session so a terminal's Ctrl-C reaches only the run), and
  stops it when the run ends however it ends.
* :func:`handle_signals` — SIGTERM and SIGINT raise :class:`Interrupted` in the main thread: the
  flow aborts its warehouse run and kills its worker pool (flows/ingest.py), Prefect marks the
  flow run Crashed, and the CLI prints one line and exits 130 (SIGINT) or 143 (SIGTERM).
"""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from flows.errors import OperatorError

SERVER_START_SECONDS = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90"))
INTERRUPTED_LINE = "jixiao: 已中断 / interrupted"


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; ``signum`` says which (a KeyboardInterrupt, so Prefect and
    every library treat it as an interruption, not as a failure of the code)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


@contextmanager
def handle_signals():
    """SIGTERM/SIGINT → Interrupted in the main thread for the duration of the block."""
    old = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def interrupted_exit(exc: KeyboardInterrupt) -> int:
    """Stop what the run owns, print the one line, return the exit code."""
    ignore_further_signals()
    from transforms.pool import terminate_all

    terminate_all()
    print(INTERRUPTED_LINE, file=sys.stderr, flush=True)
    return exc.exit_code if isinstance(exc, Interrupted) else 130


def ignore_further_signals() -> None:
    # a second Ctrl-C during clean-up must not print a traceback from inside it
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, signal.SIG_IGN)


def quiet_console() -> None:
    """An interrupted run: the batches it kills and its crash are not errors to print."""
    import logging

    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _drain_prefect_logs() -> None:
    # logs still queued for the API go out before the server stops ("Error logging to API" else)
    if "prefect.logging.handlers" not in sys.modules:
        return
    try:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    except Exception:  # noqa: BLE001 - logs are a convenience at this point
        pass


# --------------------------------------------------------------------------- Prefect's state folder

def _sqlite_file(env) -> Path | None:
    """The sqlite file the temporary server would use (None: a server elsewhere, or Postgres)."""
    if env.get("PREFECT_API_URL"):
        return None
    url = env.get("PREFECT_SERVER_DATABASE_CONNECTION_URL") or env.get("PREFECT_API_DATABASE_CONNECTION_URL")
    home = Path(env.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    if not url:
        return home / "prefect.db"
    if url.startswith("sqlite") and ":///" in url:
        name = url.split(":///", 1)[1]
        return None if name in ("", ":memory:") else Path(name).expanduser()
    return None


def check_prefect_home(env=os.environ) -> None:
    """Fail in seconds, naming the folder, when Prefect could not keep its state (issue 12.9)."""
    home = Path(env.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    db = _sqlite_file(env)
    folder = db.parent if db is not None else home

    def fail(why: str) -> None:
        raise OperatorError(
            f"Prefect 状态文件夹 {folder} 不可用（{why}），请把 PREFECT_HOME 设为可写的文件夹",
            f"the Prefect state folder {folder} cannot be used ({why}): set PREFECT_HOME to a writable folder")

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(e.strerror or str(e))
    if not folder.is_dir():
        fail("不是文件夹 / not a folder")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        fail(e.strerror or str(e))
    if db is None:
        return
    try:
        # the way the server will: open (or create) the file and take its write lock
        con = sqlite3.connect(str(db), timeout=5)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as e:
        if "locked" in str(e):  # another run's server is writing: the file itself is fine
            return
        fail(f"{db.name}: {e}")
    except sqlite3.DatabaseError as e:
        fail(f"{db.name}: {e}")


# --------------------------------------------------------------------------- the temporary server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def temporary_server(env=os.environ):
    """Yield the API URL: the operator's (PREFECT_API_URL) or a server started for this run.
    Set before prefect is imported (the URL goes into ``os.environ``)."""
    if env.get("PREFECT_API_URL"):
        yield env["PREFECT_API_URL"]
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    log = tempfile.TemporaryFile(prefix="jixiao-prefect-server-")
    child_env = {**env, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.lifetime", "serve", str(port), str(os.getpid())],
        env=child_env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, cwd=str(Path(__file__).resolve().parents[1]))
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                tail = log.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
                raise OperatorError(f"临时 Prefect 服务器未能启动（{tail[0]}）",
                                    f"the temporary Prefect server did not start ({tail[0]})")
            time.sleep(0.2)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        _drain_prefect_logs()
        if os.environ.get("PREFECT_API_URL") == url:
            del os.environ["PREFECT_API_URL"]
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _serve(port: int, run_pid: int) -> None:
    """The temporary server's own process: dies with the run, serves Prefect's API."""
    from transforms.lifeline import die_with_parent

    die_with_parent(run_pid)
    import uvicorn

    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                log_level="error", lifespan="on")


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "serve":
    _serve(int(sys.argv[2]), int(sys.argv[3]))
