"""The nightly ingestion flow: discover → extract + normalize (one task per batch) → load → publish.

Thin wiring only: the work lives in intake, transforms.normalize and warehouse.store,
which are plain functions tested without Prefect.
"""
from __future__ import annotations

import logging
import os
import sys
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
from jixiao.settings import RUNNERS, Settings
from transforms.normalize import NormalizedBatch, NormalizeOptions, SourceFile
from transforms.normalize.findings import with_intake_findings
from transforms.normalize.model import STAGES
from extractors.convert import clean_cache
from flows.lifetime import quiet_console
from flows.progress import NoProgress, progress
from transforms.lifeline import STOPPING
from transforms.pool import BatchPool, default_workers, pool_for, register, run_batch, unregister
from warehouse.read import findings_by_check, format_summary, problem_files, rollup_markdown, summary
from warehouse.store import Warehouse, WarehouseBusy

#: rows of the per-file artifact (rejected and warned files); a line counts the rest
ARTIFACT_FILES = 200
#: message prefix of the Cancelled state of a run that found the warehouse busy (--no-wait)
BUSY = "warehouse busy: "


def converted_cache(db: Path) -> Path:
    """Where .docx conversions of .doc/.wps/.xls/… files are kept, by source sha256, so a
    re-run never converts again (next to the warehouse, like its lock)."""
    return db.with_name(db.name + ".converted")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def _retry_unless_stopping(task, task_run, state) -> bool:
    return not STOPPING.is_set()  # issue 12.5: a run being stopped does not retry its batches


@task(retries=2, retry_delay_seconds=2, task_run_name="batch-{label}", cache_policy=NO_CACHE,
      retry_condition_fn=_retry_unless_stopping)
def normalize_batch(files: list[SourceFile], options: NormalizeOptions, label: str,
                    pool_key: str | None = None, run_id: str = "") -> NormalizedBatch:
    """Extract + normalize + validate one batch: in the run's process pool when it has one,
    else where the task runs (a Dask worker, or this process). Per-file logging stays in the
    worker's own loggers, never the Prefect API (one record per file would cost too much)."""
    pool = pool_for(pool_key)
    return pool.run(files, options, run_id) if pool is not None else run_batch(files, options, run_id)


RUN_LOG = "jixiao.run"


def run_log() -> logging.Logger:
    """The run's own logger: INFO records reach the Prefect API (the flow or task run they are
    logged in), the console shows only warnings. Not Prefect's run logger, whose level follows
    PREFECT_LOGGING_LEVEL, which the CLI keeps at WARNING for a quiet console."""
    log = logging.getLogger(RUN_LOG)
    if not log.handlers:
        from prefect.logging.handlers import APILogHandler

        log.setLevel(logging.INFO)
        log.addHandler(APILogHandler())
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("jixiao: %(message)s"))
        log.addHandler(console)
        log.propagate = False
    return log


@task(name="scan", task_run_name="scan", cache_policy=NO_CACHE)
def scan_task(wh: Warehouse, inbox: Path, settings: Settings, cache_dir: Path):
    """Scan the inbox, plan what this run reads, record the scan."""
    started_at = utcnow()
    state = wh.intake_state()
    scan = scan_inbox(inbox, state.known, started_at)
    intake = plan(scan, state, settings, run_started_at=started_at)
    wh.record_scan(intake.scan)
    clean_cache(cache_dir, {f.sha256 for f in scan if f is not None and f.sha256})
    run_log().info("scan: %d files under %s, %d new contents to read", len(scan), inbox, len(intake.files))
    return scan, intake


@task(name="load", task_run_name="load-{label}", cache_policy=NO_CACHE)
def load_task(wh: Warehouse, batch: NormalizedBatch, intake_findings: pd.DataFrame, label: str) -> int:
    """Load one normalized batch (and its inbox corrections) into the run's private copy."""
    with_intake_findings(batch.frames, intake_findings)
    wh.load(batch)
    contents = batch.contents
    rejected = int((contents["outcome"] == "rejected").sum()) if len(contents) else 0
    forms = len(batch.frames.get("raw_submissions", ()))
    run_log().info("batch %s: %d contents, %d forms, %d rejected, %d findings (extract %.2f s, normalize "
                   "%.2f s, validate %.2f s)", label, len(contents), forms, rejected,
                   len(batch.frames.get("raw_findings", ())), *(batch.stage_seconds.get(k, 0.0) for k in STAGES))
    return forms


@task(name="publish", task_run_name="publish", cache_policy=NO_CACHE)
def publish_task(wh: Warehouse, counts: dict) -> None:
    wh.publish(counts)
    run_log().info("published: %d files seen, %d read", counts["files_seen"], counts["files_processed"])


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
def ingest(settings: Settings) -> dict:
    """Ingest every file under ``settings.inbox`` into the DuckDB warehouse at ``settings.db``.

    Batches of ``batch_size`` new files are normalized by one task each, ``workers`` at a time
    (a pool of worker processes, or Dask workers with runner="dask"), and loaded in order by
    this process, the only writer. With ``wait_for_lock`` false and another run holding the
    warehouse, the flow run ends in a Cancelled state whose message starts with BUSY."""
    log = run_log()
    run_id = new_run_id()
    inbox_path = Path(settings.inbox).resolve()
    db = Path(settings.db)
    if not inbox_path.is_dir():
        raise FileNotFoundError(f"inbox {settings.inbox} is not a folder")
    if settings.runner not in RUNNERS:
        raise ValueError(f"runner must be one of {RUNNERS}")
    workers = settings.workers or default_workers()
    batch_size = settings.batch_size
    cache_dir = converted_cache(db)
    options = NormalizeOptions(default_year=settings.year, default_province=settings.province,
                               review=settings.review, convert_cache_dir=str(cache_dir),
                               soffice=settings.soffice, convert_timeout_s=settings.convert_timeout_s,
                               direct_readers=settings.direct_readers)
    clock = StageClock()
    t_start = time.perf_counter()
    try:
        with clock.timed("open"):
            wh = Warehouse.open(db, run_id, str(inbox_path), settings.year, wait=settings.wait_for_lock)
    except WarehouseBusy as e:
        # another run holds the warehouse (cron fired while a run was still going): nothing was
        # touched; the flow run ends Cancelled, not Failed, and without a traceback
        get_run_logger().warning("%s", e)
        return Cancelled(message=BUSY + str(e))
    pool_key = None
    bar = NoProgress()
    try:
        with clock.timed("scan"):
            scan, intake = scan_task(wh, inbox_path, settings, cache_dir)
            todo = intake.files
        log.info("run %s: %d batches of at most %d, %d workers (%s)", run_id, -(-len(todo) // batch_size),
                 batch_size, workers, settings.runner)
        if todo and settings.runner == "processes":
            pool_key = run_id
            register(pool_key, BatchPool(min(workers, -(-len(todo) // batch_size))))
        # streamed: at most `window` batches in flight or waiting to load, so memory stays flat
        window = workers + 1 if settings.runner == "processes" else 2 * workers
        pending: deque = deque()
        bar = progress(len(todo))

        def load_next() -> None:
            label, size, future = pending.popleft()
            batch = future.result()
            clock.add_all(batch.stage_seconds)
            with clock.timed("load"):  # inbox corrections: files that changed or vanished while read
                forms = load_task(wh, batch, intake.findings, label)
            bar.advance(size, forms)
            # Prefect keeps every task's result object until the flow run ends (the rollback hook
            # of its transaction holds the result record): drop the loaded frames so memory stays flat
            batch.frames.clear()
            batch.inbox_corrections = batch.inbox_corrections.iloc[0:0]

        for start in range(0, len(todo), batch_size):
            label = f"{start // batch_size:04d}"
            files = todo[start:start + batch_size]
            pending.append((label, len(files), normalize_batch.submit(files, options, label=label,
                                                                      pool_key=pool_key, run_id=run_id)))
            if len(pending) >= window:
                load_next()
        while pending:
            load_next()
        bar.close()
        counts = {"files_seen": len(scan), "files_processed": len(todo)}
        clock.add("before_publish", time.perf_counter() - t_start)
        wh.record_stages(clock.seconds, {**counts, "workers": workers, "runner": settings.runner,
                                         "batch_size": batch_size})
        with clock.timed("publish"):
            publish_task(wh, counts)
    except BaseException as exc:
        bar.close()
        if not isinstance(exc, Exception):  # a signal: the CLI prints the one line, Prefect not its crash logs
            quiet_console()
        if pool_key:  # issue 12.5: a failed or interrupted run kills its workers, never waits for them
            unregister(pool_key, terminate=True)
        wh.abort()
        raise
    finally:
        if pool_key:
            unregister(pool_key)
    result = summary(db)
    result["run_id"] = run_id
    result["stage_seconds"] = clock.seconds
    _publish_artifacts(result, db)
    return result


def configured(settings: Settings, dask_processes: bool = True):
    """The ingest flow with the task runner of ``settings.runner``: threads that hand batches to
    the process pool (default), or prefect-dask's DaskTaskRunner on ``settings.dask_address``
    (an existing scheduler) or on a temporary LocalCluster of ``workers`` single-threaded
    worker processes."""
    workers = settings.workers or default_workers()
    if settings.runner == "dask":
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # workers inherit it
        logging.getLogger("distributed").setLevel(logging.WARNING)
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return ingest.with_options(task_runner=DaskTaskRunner(address=settings.dask_address))
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
            rows, rest = problem_files(db, limit=ARTIFACT_FILES)
            if rest:
                rows.append({"path": f"…另有 {rest} 个文件未列出 / {rest} more not listed", "status": "",
                             "reason": "", "forms": 0, "message": ""})
            create_table_artifact(key="ingest-file-outcomes", table=rows or [
                {"path": "（无） none", "status": "", "reason": "", "forms": 0, "message": ""}],
                description="被拒绝或有警告的文件 / rejected and warned files "
                            f"(at most {ARTIFACT_FILES}; every file is in the files view)")
            create_table_artifact(key="ingest-findings-by-check", table=findings_by_check(db),
                                  description="审核问题按检查项 / findings by check")
            create_markdown_artifact(key="ingest-rollups", markdown=rollup_markdown(db),
                                     description="全省、市州汇总 / province and city rollups")
    except Exception as e:  # noqa: BLE001 - artifacts are a convenience, never a reason to fail the run
        get_run_logger().warning("could not publish artifacts: %s", e)
