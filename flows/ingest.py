"""The nightly ingestion flow: discover → extract + normalize (one task per batch) → load → publish.

Thin wiring only: the work lives in intake, transforms.normalize and warehouse.store,
which are plain functions tested without Prefect.
"""
from __future__ import annotations

import time
import uuid
from collections import deque
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Cancelled

import pandas as pd

from intake.plan import plan
from intake.scan import scan_inbox, utcnow
from transforms.normalize import NormalizedBatch, NormalizeOptions, SourceFile
from extractors.convert import clean_cache
from flows.lifetime import quiet_console
from transforms.lifeline import STOPPING
from transforms.pool import BatchPool, default_workers, pool_for, register, run_batch, unregister
from transforms.review import load_review_config
from warehouse.read import file_outcomes, findings_by_check, format_summary, rollup_markdown, summary
from warehouse.store import Warehouse, WarehouseBusy

DEFAULT_BATCH_SIZE = 100
RUNNERS = ("processes", "dask")
#: message prefix of the Cancelled state of a run that found the warehouse busy (--no-wait)
BUSY = "warehouse busy: "


def converted_cache(db: Path) -> Path:
    """Where .docx conversions of .doc/.wps/.xls/… files are kept, by source sha256, so a
    re-run never converts again (next to the warehouse, like its lock)."""
    return db.with_name(db.name + ".converted")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


class _Year:
    def __init__(self, year):
        self.year = year


def _retry_unless_stopping(task, task_run, state) -> bool:
    return not STOPPING.is_set()  # issue 12.5: a run being stopped does not retry its batches


@task(retries=2, retry_delay_seconds=2, task_run_name="normalize-{label}", cache_policy=NO_CACHE,
      retry_condition_fn=_retry_unless_stopping)
def normalize_batch(files: list[SourceFile], options: NormalizeOptions, label: str,
                    pool_key: str | None = None, run_id: str = "") -> NormalizedBatch:
    """Extract + normalize + validate one batch: in the run's process pool when it has one,
    else where the task runs (a Dask worker, or this process)."""
    pool = pool_for(pool_key)
    return pool.run(files, options, run_id) if pool is not None else run_batch(files, options, run_id)


class StageClock:
    """Seconds per stage of one run (wall seconds in the flow, CPU-bound seconds in workers)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def add_all(self, times: dict) -> None:
        for k, v in times.items():
            self.add(k.removesuffix("_s"), v)

    @contextmanager
    def timed(self, stage: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - t0)


@flow(name="ingest", log_prints=False)
def ingest(inbox: str, db: str, year: int | None = None, province: str | None = None,
           batch_size: int = DEFAULT_BATCH_SIZE, wait_for_lock: bool = True,
           review_config: str | None = None, quantitative_share_min: float | None = None,
           workers: int | None = None, runner: str = "processes") -> dict:
    """Ingest every file under `inbox` into the DuckDB warehouse at `db`.

    Batches of `batch_size` new files are normalized by one task each, `workers` at a time
    (a pool of worker processes, or Dask workers with runner="dask"), and loaded in order by
    this process, the only writer. Review thresholds: defaults, then the TOML `review_config`
    (or $JIXIAO_REVIEW_CONFIG), then the options. With ``wait_for_lock=False`` and another run
    holding the warehouse, the flow run ends in a Cancelled state whose message starts with BUSY."""
    log = get_run_logger()
    run_id = new_run_id()
    inbox_path = Path(inbox).resolve()
    if not inbox_path.is_dir():
        raise FileNotFoundError(f"inbox {inbox} is not a folder")
    if runner not in RUNNERS:
        raise ValueError(f"runner must be one of {RUNNERS}")
    workers = workers or default_workers()
    cache_dir = converted_cache(Path(db))
    options = NormalizeOptions(default_year=year, default_province=province,
                               review=load_review_config(review_config,
                                                         quantitative_share_min=quantitative_share_min),
                               convert_cache_dir=str(cache_dir))
    clock = StageClock()
    t_start = time.perf_counter()
    try:
        with clock.timed("open"):
            wh = Warehouse.open(Path(db), run_id, str(inbox_path), year, wait=wait_for_lock)
    except WarehouseBusy as e:
        # another run holds the warehouse (cron fired while a run was still going): nothing was
        # touched; the flow run ends Cancelled, not Failed, and without a traceback
        log.warning("%s", e)
        return Cancelled(message=BUSY + str(e))
    pool_key = None
    try:
        with clock.timed("scan"):
            started_at = utcnow()
            state = wh.intake_state()
            scan = scan_inbox(inbox_path, state.known, started_at)
            intake = plan(scan, state, _Year(year), run_started_at=started_at)
            wh.record_scan(intake.scan)
            todo = intake.files
            clean_cache(cache_dir, {f.sha256 for f in scan if f is not None and f.sha256})
        log.info("run %s: %d files under %s, %d new contents to read", run_id, len(scan), inbox_path, len(todo))
        if todo and runner == "processes":
            pool_key = run_id
            register(pool_key, BatchPool(min(workers, -(-len(todo) // batch_size))))
        # streamed: at most `window` batches in flight or waiting to load, so memory stays flat
        window = workers + 1 if runner == "processes" else 2 * workers
        pending: deque = deque()

        def load_next() -> None:
            batch = pending.popleft().result()
            clock.add_all(batch.stage_seconds)
            _add_intake_findings(batch.frames, intake.findings)
            with clock.timed("load"):  # inbox corrections: files that changed or vanished while read
                wh.load(batch)

        for start in range(0, len(todo), batch_size):
            pending.append(normalize_batch.submit(todo[start:start + batch_size], options,
                                                  label=f"{start // batch_size:04d}", pool_key=pool_key,
                                                  run_id=run_id))
            if len(pending) >= window:
                load_next()
        while pending:
            load_next()
        counts = {"files_seen": len(scan), "files_processed": len(todo)}
        clock.add("before_publish", time.perf_counter() - t_start)
        wh.record_stages(clock.seconds, {"files_seen": len(scan), "files_processed": len(todo),
                                         "workers": workers, "runner": runner, "batch_size": batch_size})
        with clock.timed("publish"):
            wh.publish(counts)
    except BaseException as exc:
        if not isinstance(exc, Exception):  # a signal: the CLI prints the one line, Prefect not its crash logs
            quiet_console()
        if pool_key:  # issue 12.5: a failed or interrupted run kills its workers, never waits for them
            unregister(pool_key, terminate=True)
        wh.abort()
        raise
    finally:
        if pool_key:
            unregister(pool_key)
    result = summary(Path(db))
    result["run_id"] = run_id
    result["stage_seconds"] = clock.seconds
    _publish_artifacts(result, Path(db))
    return result


def _add_intake_findings(frames: dict, findings: pd.DataFrame) -> None:
    """Path-level intake findings (non-UTF-8 name, future mtime) of the contents of this batch,
    Shim until normalize takes them with the SourceFile."""
    if not len(findings) or "contents" not in frames:
        return
    mine = findings[findings["sha256"].isin(set(frames["contents"]["sha256"]))]
    if len(mine):
        frames["raw_findings"] = pd.concat([frames["raw_findings"], mine], ignore_index=True)


def configured(runner: str = "processes", workers: int | None = None, dask_address: str | None = None,
               dask_processes: bool = True):
    """The ingest flow with the task runner of `runner`: threads that hand batches to the
    process pool (default), or prefect-dask's DaskTaskRunner on `dask_address` (an existing
    scheduler) or on a temporary LocalCluster of `workers` single-threaded worker processes."""
    workers = workers or default_workers()
    if runner == "dask":
        import logging
        import os

        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # workers inherit it
        logging.getLogger("distributed").setLevel(logging.WARNING)
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return ingest.with_options(task_runner=DaskTaskRunner(address=dask_address))
        return ingest.with_options(task_runner=DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": dask_processes,
                            "dashboard_address": None}))
    from prefect.task_runners import ThreadPoolTaskRunner

    return ingest.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers + 1))


def _publish_artifacts(result: dict, db: Path | None = None) -> None:
    try:
        rows = [{"status": k, "files": v} for k, v in result.get("files_by_status", {}).items()]
        create_table_artifact(key="ingest-files", table=rows, description="Files by status of the last run")
        create_markdown_artifact(key="ingest-summary", markdown="```\n" + format_summary(result) + "\n```",
                                 description="jixiao ingestion summary")
        if db is not None:
            create_table_artifact(key="ingest-file-outcomes", table=file_outcomes(db),
                                  description="每个文件的入库结果 / outcome of every file under the inbox")
            create_table_artifact(key="ingest-findings-by-check", table=findings_by_check(db),
                                  description="审核问题按检查项 / findings by check")
            create_markdown_artifact(key="ingest-rollups", markdown=rollup_markdown(db),
                                     description="全省、市州汇总 / province and city rollups")
    except Exception as e:  # noqa: BLE001 - artifacts are a convenience, never a reason to fail the run
        get_run_logger().warning("could not publish artifacts: %s", e)
