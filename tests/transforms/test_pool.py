"""The worker pool gives the same NormalizedBatch as the calling process (no Prefect)."""
from __future__ import annotations

import hashlib

import pandas as pd

from tests.conftest import SAMPLES
from transforms.normalize import NormalizeOptions, SourceFile
from transforms.pool import BatchPool, run_batch


def _files():
    out = {}  # one file per content, as the flow hands them over (the inbox holds a duplicate)
    for p in sorted(SAMPLES.rglob("*.docx")):
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if not p.name.startswith("~$") and digest not in out:
            out[digest] = SourceFile(p.relative_to(SAMPLES).as_posix(), str(p), digest)
    return list(out.values())


def test_pool_of_two_matches_in_process():
    files = _files()
    options = NormalizeOptions(default_province="湖北省")
    local = run_batch(files, options, "run-1")
    with BatchPool(2) as pool:
        futures = [pool.submit(files[:5], options, "run-1"), pool.submit(files[5:], options, "run-1")]
        parts = [f.result() for f in futures]
    for name, frame in local.frames.items():
        pooled = pd.concat([p.frames[name] for p in parts], ignore_index=True)
        pd.testing.assert_frame_equal(pooled, frame.reset_index(drop=True), check_dtype=False)
    assert set(local.stage_seconds) == {"extract", "normalize", "validate"}
    assert all(p.stage_seconds["extract"] > 0 for p in parts)
    assert all(p.run_id == "run-1" for p in parts)


def test_pool_of_one_runs_in_process():
    pool = BatchPool(1)
    batch = pool.run(_files()[:2], NormalizeOptions(default_province="湖北省"))
    assert len(batch.contents) == 2
    assert pool._executor is None
