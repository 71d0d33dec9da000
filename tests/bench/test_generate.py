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


def test_the_mixed_inbox_has_every_format_in_its_share(tmp_path):
    from bench.generate import mix_formats
    from extractors.dispatch import sniff

    paths = generate(tmp_path, 40, seed=2, per_sample=1)
    counts = mix_formats(paths, seed=2)
    assert counts == {"docx": 28, "doc": 3, "wps": 3, "xlsx": 4, "pdf": 2}
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    found = {}
    for p in files:
        fmt = sniff(p.read_bytes(), p.name)
        assert fmt == p.suffix[1:], p  # each file is what its name says
        found[fmt] = found.get(fmt, 0) + 1
    assert found == counts
    # each converted file took the place of its .docx
    assert sorted(p.with_suffix("").as_posix() for p in files) == sorted(p.with_suffix("").as_posix() for p in paths)


def test_the_benchmark_reports_the_mix_against_its_target():
    from bench.run import report

    r = {"date": "d", "cpus": 2, "workers": 2, "runner": "processes", "batch_size": 100,
         "load_before": (1.0,), "load_after": (1.0,), "sizes": {},
         "mix": {"forms": 10, "formats": {"docx": 7}, "wall_s": {"docx": [1.0], "mix": [4.0]},
                 "forms_per_s": {"docx": 10.0, "mix": 2.5}, "mix_to_docx": 0.25, "target": 0.5}}
    assert "25% (target ≥ 50%: NOT met)" in report(r)
    r["mix"]["mix_to_docx"] = 0.9
    assert "90% (target ≥ 50%: met)" in report(r)
