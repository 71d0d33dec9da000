"""A run you can watch: the progress bar is drawn on a terminal's stderr, never on a pipe."""
from __future__ import annotations

import io
import os
import pty
import select
import subprocess

from flows.progress import ConsoleProgress, NoProgress, progress
from tests.support.runs import JIXIAO, env_for, write_forms

DEPTS = ["鄂州市财政局", "大冶市教育局", "黄石市民政局", "鄂州市教育局"]


def test_no_bar_unless_the_stream_is_a_terminal():
    assert isinstance(progress(10, io.StringIO()), NoProgress)

    class Tty(io.StringIO):
        def isatty(self):
            return True

    bar = progress(10, Tty())
    assert isinstance(bar, ConsoleProgress)
    bar.advance(4, 6)
    bar.close()
    assert isinstance(progress(0, Tty()), NoProgress)  # nothing to read: nothing to draw


def _run_on_pty(argv, env) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (stdout a pipe); exit code, stdout, what the terminal got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait(timeout=300)
    os.close(master)
    return proc.returncode, out, seen.decode("utf-8", "replace")


def test_ingest_draws_progress_on_a_terminal_and_stays_quiet_on_a_pipe(prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = {**env_for(tmp_path, api_url=PREFECT_API_URL.value()), "TERM": "xterm", "COLUMNS": "120"}
    inbox = tmp_path / "inbox"
    write_forms(inbox, DEPTS)
    argv = [str(JIXIAO), "ingest", str(inbox), "--batch-size", "1", "--workers", "1"]

    code, out, terminal = _run_on_pty([*argv, "--db", str(tmp_path / "tty.duckdb")], env)
    assert code == 0, terminal
    assert "files:" in out and "forms/s" not in out  # the summary stays on stdout, the bar off it
    assert "读取 files" in terminal and f"{len(DEPTS)}/{len(DEPTS)}" in terminal and "forms/s" in terminal
    assert "剩余 left" in terminal and "Traceback" not in terminal

    piped = subprocess.run([*argv, "--db", str(tmp_path / "pipe.duckdb")], env=env, capture_output=True,
                           text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.strip() == ""  # not a terminal: nothing on stderr at all
    assert "files:" in piped.stdout
