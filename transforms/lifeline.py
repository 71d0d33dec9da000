"""Child processes that never outlive the run that started them (issue 12.5).

A pool worker (or the temporary Prefect server) started by ``jixiao ingest`` must exit when
that run's process dies, however it dies: SIGKILL leaves no chance to clean up, so the child
watches for itself. On Linux the kernel sends it SIGKILL when its parent exits
(``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread polls ``os.getppid()`` and the run's
pid as a fallback (a pool worker's parent is the forkserver, which outlives the run briefly).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0

#: set when the run is being stopped (a signal, an abort): batches in flight are not retried
STOPPING = threading.Event()


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send `sig` to this process when its parent thread exits (Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - alive, another user's
        return True
    return True


def watch_parent(run_pid: int | None, parent_pid: int | None = None, every: float = WATCH_SECONDS) -> threading.Thread:
    """A daemon thread that ends this process when its parent or the run's process is gone."""
    parent = parent_pid if parent_pid is not None else os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != parent or (run_pid is not None and not _alive(run_pid)):
                os._exit(1)  # nothing to save: the run that wanted our result is gone
            time.sleep(every)

    t = threading.Thread(target=watch, name="jixiao-lifeline", daemon=True)
    t.start()
    return t


def die_with_parent(run_pid: int | None = None) -> None:
    """Initializer of a child process of the run: parent-death signal, watchdog, and Ctrl-C
    left to the run (a terminal sends SIGINT to the whole process group; the run stops us)."""
    # Ctrl-C first: a SIGINT that arrives while this initializer runs would print the pool's
    # "Exception in initializer" traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent or (run_pid is not None and not _alive(run_pid)):
        os._exit(1)  # the parent died before the death signal was armed
    watch_parent(run_pid, parent)
