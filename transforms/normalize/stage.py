"""The normalize stage of one batch: files → NormalizedBatch.

Per file: read its bytes (intake.read_source), extract
(extractors.dispatch.read_document), read its forms and turn them into typed rows
(document.py, one module per table). Per batch: one frame per raw table, validated once.
Nothing here raises for bad input; one broken file never stops the batch.
"""
from __future__ import annotations

import logging
import time

import pandas as pd

from extractors import dispatch
from extractors.dispatch import read_document
from extractors.errors import ExtractError
from intake import read as source  # read_source: bytes or what became of the file, as values
from transforms.normalize.document import BatchRows, normalize_document
from transforms.normalize.findings import catalog_sentence
from transforms.normalize.model import CORRECTION_COLUMNS, STAGES, NormalizedBatch, NormalizeOptions, SourceFile
from transforms.normalize.rows import TABLES, frame
from transforms.normalize.validate import validate

log = logging.getLogger(__name__)


def normalize_batch(files: list[SourceFile], options: NormalizeOptions, run_id: str = "") -> NormalizedBatch:
    """Validated frames of the raw tables for `files`, and the inbox corrections: the files
    whose content is no longer what the scan hashed (changed: processed as they are now;
    vanished: left out)."""
    seconds = dict.fromkeys(STAGES, 0.0)
    rows = BatchRows()
    corrections: list[tuple] = []
    done: set[str] = set()
    t0 = time.perf_counter()
    # read the batch first, so the files LibreOffice must convert (.doc, .wps, .xls, …) convert
    # in one soffice start (extractors.convert), not one start per file; soffice runs while this
    # worker reads the batch's other files, which go first
    sources = [source.read_source(f) for f in files]
    dispatch.use_cache(options.convert_cache_dir, options.soffice, options.convert_timeout_s)
    dispatch.use_direct_readers(options.direct_readers)
    readable = [got for got in sources if isinstance(got, (source.SourceBytes, source.Changed))]
    later = {id(got) for got in readable if dispatch.needs_conversion(got.data, got.file.abs_path)}
    conversion = dispatch.Preconversion([(got.data, got.file.abs_path) for got in readable
                                         if id(got) in later]) if later else None
    sources = [got for got in sources if id(got) not in later] + [got for got in sources if id(got) in later]
    seconds["extract"] += time.perf_counter() - t0
    for got in sources:
        if conversion is not None and id(got) in later:
            t0 = time.perf_counter()
            conversion.wait()
            conversion = None
            seconds["extract"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        f = got.file
        if isinstance(got, (source.Vanished, source.Unreadable)):
            # vanished: no longer in the inbox; unreadable: dropped from the scan, read next run
            corrections.append((f.path, None, None, None))
            seconds["extract"] += time.perf_counter() - t0
            continue
        if isinstance(got, source.Changed):
            corrections.append((f.path, f.sha256, got.size_bytes, got.modified_at))
        if f.sha256 in done:
            seconds["extract"] += time.perf_counter() - t0
            continue  # changed into a content this batch already holds
        done.add(f.sha256)
        if isinstance(got, source.TooLarge):
            rows.reject(f, "too_large", catalog_sentence(f, "too_large", "unread"))
            seconds["extract"] += time.perf_counter() - t0
            continue
        doc = _extract(rows, f, got.data)
        t1 = time.perf_counter()
        seconds["extract"] += t1 - t0
        if doc is None:
            continue
        try:
            normalize_document(rows, f, doc, options)
        except Exception as e:  # noqa: BLE001 - one broken file must not stop the batch
            log.exception("normalize failed for %s", f.path)
            rows.reject(f, "unreadable_form", catalog_sentence(f, "unreadable_form", error=type(e).__name__))
        seconds["normalize"] += time.perf_counter() - t1
    t2 = time.perf_counter()
    batch = validate(NormalizedBatch(
        run_id=run_id, frames={table: frame(table, getattr(rows, table)) for table in TABLES},
        inbox_corrections=pd.DataFrame(corrections, columns=CORRECTION_COLUMNS), stage_seconds=seconds))
    seconds["validate"] += time.perf_counter() - t2
    return batch


def _extract(rows: BatchRows, f: SourceFile, data: bytes):
    """The document, or None with the file rejected (its ExtractError code and sentence)."""
    try:
        return read_document(data, source=f.abs_path)
    except ExtractError as e:
        rows.reject(f, e.code, e.message)
    except Exception as e:  # noqa: BLE001 - one broken file must not stop the batch
        log.exception("extract failed for %s", f.path)
        rows.reject(f, "corrupt", catalog_sentence(f, "corrupt", "unparsable", error=type(e).__name__))
    return None
