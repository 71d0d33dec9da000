"""Run the normalize stage of whole batches in worker processes.

Extraction and normalization are CPU-bound Python (lxml walk, label matching, value parsing,
pandera), so threads do not add throughput. :class:`BatchPool` hands each batch of files to one
of ``workers`` processes, which runs :func:`transforms.normalize.normalize_batch` (extract, read
forms, one pandera call per batch) and sends the NormalizedBatch back; the caller keeps the
single DuckDB writer. Workers start through a *forkserver* that has already imported the
normalize stage, so starting them is cheap and never forks a process that holds Prefect's or
DuckDB's threads.

``workers <= 1`` runs batches in the calling process (no pool at all).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor

from transforms.normalize import NormalizedBatch, NormalizeOptions, SourceFile, normalize_batch
from transforms.lifeline import STOPPING, die_with_parent

PRELOAD = ["transforms._warm"]


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_batch(files: list[SourceFile], options: NormalizeOptions, run_id: str = "") -> NormalizedBatch:
    """One batch in this process."""
    return normalize_batch(files, options, run_id)


class BatchPool:
    """A pool of ``workers`` processes running :func:`run_batch`; use as a context manager."""

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._terminated = False

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(PRELOAD)
                # issue 12.5: workers exit when the run's process dies (even by SIGKILL)
                self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                                     initializer=die_with_parent, initargs=(os.getpid(),))
            return self._executor

    def submit(self, files: list[SourceFile], options: NormalizeOptions, run_id: str = "") -> Future:
        """A future of the batch's NormalizedBatch."""
        if self._terminated:
            raise RuntimeError("the run is stopping: its worker pool was terminated")
        if self.workers <= 1:
            fut: Future = Future()
            try:
                fut.set_result(run_batch(files, options, run_id))
            except BaseException as e:  # noqa: BLE001 - handed to the caller through the future
                fut.set_exception(e)
            return fut
        return self._pool().submit(run_batch, files, options, run_id)

    def run(self, files: list[SourceFile], options: NormalizeOptions, run_id: str = "") -> NormalizedBatch:
        return self.submit(files, options, run_id).result()

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def terminate(self) -> None:
        """Stop now (a signal, an aborted run): kill the workers, fail the batches in flight."""
        with self._lock:
            self._terminated = True
            executor, self._executor = self._executor, None
        if executor is None:
            return
        for proc in list((getattr(executor, "_processes", None) or {}).values()):
            try:
                proc.kill()
            except (OSError, ValueError, AttributeError):  # already gone
                pass
        executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> "BatchPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# The flow's tasks find the pool of their run here (a pool cannot be a task parameter).
_POOLS: dict[str, BatchPool] = {}


def register(key: str, pool: BatchPool) -> None:
    STOPPING.clear()  # a new run (tests run several in one process)
    _POOLS[key] = pool


def unregister(key: str, terminate: bool = False) -> None:
    """End the run's pool: wait for it (the run completed) or, with ``terminate``, kill it
    (the run is being stopped; the batches still in flight are not retried)."""
    if terminate:
        STOPPING.set()
        pool = _POOLS.get(key)  # stays registered, terminated: a task retry must not run in-process
        if pool is not None:
            pool.terminate()
        return
    pool = _POOLS.pop(key, None)
    if pool is not None:
        pool.close()


def terminate_all() -> None:
    """Kill every pool of this process (the CLI's signal handling, issue 12.5)."""
    STOPPING.set()
    for pool in list(_POOLS.values()):
        pool.terminate()


def pool_for(key: str | None) -> BatchPool | None:
    return _POOLS.get(key) if key else None
