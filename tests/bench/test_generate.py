"""The benchmark corpus: distinct, realistic forms that all load (read without Prefect)."""
from __future__ import annotations

import hashlib

from bench.generate import generate
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch


def test_generated_forms_are_distinct_and_load(tmp_path):
    paths = generate(tmp_path, 12, seed=1, per_sample=1)
    assert len(paths) == 12
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    assert len(digests) == 12
    files = [SourceFile(p.relative_to(tmp_path).as_posix(), str(p), hashlib.sha256(p.read_bytes()).hexdigest())
             for p in paths]
    frames = normalize_batch(files, NormalizeOptions(default_province="湖北省")).frames
    assert (frames["contents"]["outcome"] == "ok").all()
    subs = frames["raw_submissions"]
    assert len(subs) == 12 and subs["region_code"].notna().all()
    assert subs["logical_key"].is_unique
    assert len(frames["raw_indicators"]) > 12 * 10
