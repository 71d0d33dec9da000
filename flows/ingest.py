"""The nightly ingestion flow: discover → extract + normalize (one task per batch) → load → publish.

Thin wiring only: the work lives in flows.discover, transforms.batch and warehouse.store,
which are plain functions tested without Prefect.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.states import Cancelled

from flows.discover import ScannedFile, scan_frame, scan_inbox
from transforms.batch import INBOX_UPDATES, NormalizeOptions, SourceFile, StageTimes, normalize_files
from transforms.review import load_review_config
from warehouse.read import file_outcomes, findings_by_check, format_summary, rollup_markdown, summary
from warehouse.store import Warehouse, WarehouseBusy

DEFAULT_BATCH_SIZE = 100
#: message prefix of the Cancelled state of a run that found the warehouse busy (--no-wait)
BUSY = "warehouse busy: "


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def files_to_process(scan: list[ScannedFile], processed: set[str], year: int | None,
                     retry_missing_year: set[str] = frozenset()) -> list[SourceFile]:
    """One SourceFile per new content (the first path holding it), documents only."""
    todo: dict[str, SourceFile] = {}
    for f in scan:
        if f.kind != "document" or f.sha256 in todo:
            continue
        if f.sha256 in processed and not (year is not None and f.sha256 in retry_missing_year):
            continue
        todo[f.sha256] = SourceFile(f.path, f.abs_path, f.sha256)
    return list(todo.values())


@task(retries=2, retry_delay_seconds=2, task_run_name="normalize-{label}")
def normalize_batch(files: list[SourceFile], options: NormalizeOptions, label: str) -> tuple[dict, dict]:
    times = StageTimes()
    frames = normalize_files(files, options, times)
    return frames, asdict(times)


@flow(name="ingest", log_prints=False)
def ingest(inbox: str, db: str, year: int | None = None, province: str | None = None,
           batch_size: int = DEFAULT_BATCH_SIZE, wait_for_lock: bool = True,
           review_config: str | None = None, quantitative_share_min: float | None = None) -> dict:
    """Ingest every file under `inbox` into the DuckDB warehouse at `db`. Review thresholds:
    defaults, then the TOML `review_config` (or $JIXIAO_REVIEW_CONFIG), then the options.

    With ``wait_for_lock=False`` and another run holding the warehouse, the flow run ends in a
    Cancelled state whose message starts with BUSY (calling the flow then raises CancelledRun)."""
    log = get_run_logger()
    run_id = new_run_id()
    inbox_path = Path(inbox).resolve()
    if not inbox_path.is_dir():
        raise FileNotFoundError(f"inbox {inbox} is not a folder")
    options = NormalizeOptions(default_year=year, default_province=province,
                               review=load_review_config(review_config,
                                                         quantitative_share_min=quantitative_share_min))
    try:
        wh = Warehouse.open(Path(db), run_id, str(inbox_path), year, wait=wait_for_lock)
    except WarehouseBusy as e:
        # another run holds the warehouse (cron fired while a run was still going): nothing was
        # touched; the flow run ends Cancelled, not Failed, and without a traceback
        log.warning("%s", e)
        return Cancelled(message=BUSY + str(e))
    try:
        scan = scan_inbox(inbox_path, wh.known_files())
        wh.record_scan(scan_frame(scan))
        todo = files_to_process(scan, wh.processed_contents(), year, wh.missing_year_contents())
        log.info("run %s: %d files under %s, %d new contents to read", run_id, len(scan), inbox_path, len(todo))
        times = StageTimes()
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            frames, t = normalize_batch(batch, options, label=f"{start // batch_size:04d}")
            updates = frames.pop(INBOX_UPDATES, None)
            wh.append(frames)
            wh.correct_scan(updates)  # files that changed or vanished while the run read them
            for k, v in t.items():
                setattr(times, k, getattr(times, k) + v)
        counts = {"files_seen": len(scan), "files_processed": len(todo)}
        wh.publish(counts)
    except BaseException:
        wh.abort()
        raise
    result = summary(Path(db))
    result["run_id"] = run_id
    result["stage_seconds"] = asdict(times)
    _publish_artifacts(result, Path(db))
    return result


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
