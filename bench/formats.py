"""Per-format extract+read rate: forms/s of read_document + read_forms over tests/cases/formats
(the same four forms in every format). A .doc/.wps is read directly (extractors.word97) unless it
uses what that reader leaves to LibreOffice; conversion is counted cold (an empty cache, one
soffice start for the whole batch, as preconvert does) and warm (from the cache, as a re-run).
With --inbox (a `bench.generate --mix` inbox) the whole mix is also read cold as one batch, the
way a worker reads it: conversion first then every file (serial), and with soffice converting
while the other files are read (overlapped, what transforms.normalize.stage does).

    .venv/bin/python -m bench.formats [--repeat N] [--inbox DIR]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from extractors.convert import Converter
from extractors.dispatch import Preconversion, needs_conversion, preconvert, read_document
from transforms.reader import read_forms

ROOT = Path(__file__).resolve().parent.parent / "tests" / "cases"


def _rate(files: list[Path], conv: Converter, repeat: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = 0
    for _ in range(repeat):
        for p in files:
            n += len(read_forms(read_document(p.read_bytes(), p.name, conv)))
    return n / (time.perf_counter() - t0), n


def _cold_batch(files: list[Path], overlapped: bool) -> tuple[float, int]:
    """forms/s of one cold batch: nothing of it converted yet (the LibreOffice profile exists, as
    it does after a nightly run's first batch), one soffice start for the files that need
    LibreOffice, every file read."""
    data = [(p.read_bytes(), p.name) for p in files]
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-cold-") as cache:
        conv = Converter(cache_dir=cache)
        # untimed: the first soffice start writes its profile; a nightly run keeps it in the cache dir
        preconvert([((ROOT / "formats" / "national_project.doc").read_bytes(), "warm-up.doc")], conv)
        t0 = time.perf_counter()
        later = [d for d in data if needs_conversion(*d)]
        first = [d for d in data if not needs_conversion(*d)]
        if overlapped:
            job = Preconversion(later, conv)
        else:
            preconvert(later, conv)
        n = sum(len(read_forms(read_document(b, name, conv))) for b, name in first)
        if overlapped:
            job.wait()
        n += sum(len(read_forms(read_document(b, name, conv))) for b, name in later)
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
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-formats-") as cache:
        conv = Converter(cache_dir=cache)
        for ext, files in groups.items():
            if ext in ("doc", "wps", "mix"):
                t0 = time.perf_counter()
                converted = preconvert([(p.read_bytes(), p.name) for p in files], conv)
                cold = time.perf_counter() - t0
                print(f"{ext:5s} {converted} of {len(files)} files need LibreOffice; their cold conversion in one "
                      f"soffice start (and the check of the others): {cold:.1f} s")
            if files:  # untimed: a worker imports openpyxl/pdfplumber once, not once per form
                read_forms(read_document(files[0].read_bytes(), files[0].name, conv))
            rate, n = _rate(files, conv, args.repeat)
            print(f"{ext:5s} {n:4d} forms  {rate:8.1f} forms/s" + ("  (conversions from the cache)" if ext in ("doc", "wps", "mix") else ""))
            rates[ext] = rate
    if args.inbox:
        for overlapped in (False, True):
            rate, n = _cold_batch(groups["mix"], overlapped)
            how = "overlapped: soffice converts while the rest is read" if overlapped else "serial: convert, then read"
            print(f"mix   {n:4d} forms  {rate:8.1f} forms/s  cold, one batch, {how}")
            rates["cold_overlapped" if overlapped else "cold_serial"] = rate
    docx = rates.get("docx")
    if docx:
        print("mix / docx: " + ", ".join(f"{k} {v / docx:.0%}" for k, v in rates.items()
                                         if k in ("mix", "cold_serial", "cold_overlapped")))


if __name__ == "__main__":
    main()
