"""The worker pool gives the same validated frames as the calling process (no Prefect)."""
from __future__ import annotations

import hashlib

import pandas as pd

from tests.conftest import SAMPLES
from transforms.batch import NormalizeOptions, SourceFile
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
    local, local_times = run_batch(files, options)
    with BatchPool(2) as pool:
        futures = [pool.submit(files[:5], options), pool.submit(files[5:], options)]
        parts = [f.result() for f in futures]
    for name, frame in local.items():
        pooled = pd.concat([p[0][name] for p in parts], ignore_index=True)
        pd.testing.assert_frame_equal(pooled, frame.reset_index(drop=True), check_dtype=False)
    assert set(local_times) == {"extract_s", "normalize_s", "validate_s"}
    assert all(p[1]["extract_s"] > 0 for p in parts)


def test_pool_of_one_runs_in_process():
    pool = BatchPool(1)
    frames, _ = pool.run(_files()[:2], NormalizeOptions(default_province="湖北省"))
    assert len(frames["contents"]) == 2
    assert pool._executor is None
