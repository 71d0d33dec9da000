"""A run you can watch (issue 11.5): files read / total, forms/s and time left on the console.

Drawn on stderr only when stderr is a terminal; a run under cron, a pipe or a test stays quiet
(stdout keeps only the summary). Advanced once per loaded batch, from the flow's thread.
"""
from __future__ import annotations

import sys
import time


class NoProgress:
    def advance(self, files: int, forms: int) -> None:
        pass

    def close(self) -> None:
        pass


class ConsoleProgress:
    def __init__(self, total: int, stream):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._forms = 0
        self._t0 = time.monotonic()
        self._bar = Progress(TextColumn("读取 files"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[rate]} forms/s"), TextColumn("剩余 left"),
                             TimeRemainingColumn(), console=Console(file=stream), transient=False)
        self._task = self._bar.add_task("ingest", total=total, rate="–")
        self._bar.start()

    def advance(self, files: int, forms: int) -> None:
        self._forms += forms
        rate = self._forms / max(time.monotonic() - self._t0, 1e-6)
        self._bar.update(self._task, advance=files, rate=f"{rate:.1f}")

    def close(self) -> None:
        self._bar.stop()


def progress(total: int, stream=None) -> NoProgress | ConsoleProgress:
    """A bar over `total` files on `stream` (stderr) when it is a terminal and there is work."""
    stream = sys.stderr if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ConsoleProgress(total, stream) if tty and total > 0 else NoProgress()
