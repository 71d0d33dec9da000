"""Per-format extract+read rate: forms/s of read_document + read_forms over tests/cases/formats
(the same four forms in every format). Conversion is counted cold (an empty cache, one soffice
start for the whole batch, as preconvert does) and warm (from the cache, as a re-run).

    .venv/bin/python -m bench.formats [--repeat N]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from extractors.convert import Converter
from extractors.dispatch import preconvert, read_document
from transforms.reader import read_forms

ROOT = Path(__file__).resolve().parent.parent / "tests" / "cases"


def _rate(files: list[Path], conv: Converter, repeat: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = 0
    for _ in range(repeat):
        for p in files:
            n += len(read_forms(read_document(p.read_bytes(), p.name, conv)))
    return n / (time.perf_counter() - t0), n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--inbox", help="an inbox of bench.generate --mix instead of the test cases")
    args = ap.parse_args()
    if args.inbox:
        files = sorted(p for p in Path(args.inbox).rglob("*") if p.is_file())
        groups = {ext: [p for p in files if p.suffix == "." + ext] for ext in ("docx", "doc", "wps", "xlsx", "pdf")}
        groups["mix"] = files
    else:
        groups = {"docx": sorted(ROOT.glob("*.docx"))}
        for ext in ("doc", "wps", "xlsx", "pdf"):
            groups[ext] = sorted(p for p in (ROOT / "formats").glob(f"*.{ext}") if p.stem != "encrypted")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-formats-") as cache:
        conv = Converter(cache_dir=cache)
        for ext, files in groups.items():
            if ext in ("doc", "wps", "mix"):
                t0 = time.perf_counter()
                preconvert([(p.read_bytes(), p.name) for p in files], conv)
                cold = time.perf_counter() - t0
                print(f"{ext:5s} cold conversion of {len(files)} files in one soffice start: {cold:.1f} s")
            rate, n = _rate(files, conv, args.repeat)
            print(f"{ext:5s} {n:4d} forms  {rate:8.1f} forms/s" + ("  (converted .docx from the cache)" if ext in ("doc", "wps", "mix") else ""))


if __name__ == "__main__":
    main()
