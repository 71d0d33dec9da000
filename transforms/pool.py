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

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(PRELOAD)
                self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
            return self._executor

    def submit(self, files: list[SourceFile], options: NormalizeOptions, run_id: str = "") -> Future:
        """A future of the batch's NormalizedBatch."""
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

    def __enter__(self) -> "BatchPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# The flow's tasks find the pool of their run here (a pool cannot be a task parameter).
_POOLS: dict[str, BatchPool] = {}


def register(key: str, pool: BatchPool) -> None:
    _POOLS[key] = pool


def unregister(key: str) -> None:
    pool = _POOLS.pop(key, None)
    if pool is not None:
        pool.close()


def pool_for(key: str | None) -> BatchPool | None:
    return _POOLS.get(key) if key else None
