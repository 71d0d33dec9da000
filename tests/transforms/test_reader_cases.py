"""Case files written by other writers read exactly like the same form saved by Word.

tests/cases/libreoffice_*.docx are generated forms (the national project golden case and the
rebuilt seed 000) opened and saved by real LibreOffice (`soffice --headless --convert-to
docx:"MS Word 2007 XML"`, LibreOffice 7.4): its own w:tblGrid, w:gridSpan, `w:vMerge
w:val="continue"`, run properties and namespaces. Their expected rows are the Word originals'
(tests/cases/national_project.expected.json, seed_000_department_hubei.expected.json), which
were checked by hand against the seeds and the golden case.
"""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from tests.conftest import CASES
from tests.transforms.test_reader_roundtrip import assert_form
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch

LIBREOFFICE_CASES = ["libreoffice_national_project", "libreoffice_seed_000_department_hubei"]


def _normalize(tmp_path, stem: str):
    path = tmp_path / "2024" / f"{stem}.docx"
    path.parent.mkdir(parents=True)
    shutil.copyfile(CASES / f"{stem}.docx", path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return normalize_batch([SourceFile(f"2024/{stem}.docx", str(path), sha)], NormalizeOptions()).frames, sha


@pytest.mark.parametrize("stem", LIBREOFFICE_CASES)
def test_a_form_saved_by_libreoffice_reads_like_the_word_original(tmp_path, stem):
    frames, sha = _normalize(tmp_path, stem)
    want = json.loads((CASES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    (content,) = frames["contents"].to_dict("records")
    assert content["outcome"] == "ok", content
    (sub,) = frames["raw_submissions"].to_dict("records")
    assert_form(frames, want, sub)
    reader_findings = frames["raw_findings"][frames["raw_findings"]["check"].isin(["cell_unplaced",
                                                                                    "column_unrecognized"])]
    assert reader_findings.empty


def test_the_libreoffice_cases_are_libreoffice_files():
    import zipfile

    for stem in LIBREOFFICE_CASES:
        with zipfile.ZipFile(CASES / f"{stem}.docx") as zf:
            assert "LibreOffice" in zf.read("docProps/app.xml").decode()
            assert b'w:vMerge w:val="continue"' in zf.read("word/document.xml")
