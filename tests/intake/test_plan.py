from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pandas as pd

from intake.plan import IntakeState, plan
from intake.scan import ScannedFile

T = datetime(2024, 1, 1)


def sf(path, sha, kind="document", notes=()):
    return ScannedFile(path, "/x/" + path, 1, T, sha, kind, None, notes)


def state(**kw):
    return IntakeState(pd.DataFrame(), **kw)


def test_one_file_per_new_content_documents_only():
    scan = [sf("a.docx", "s1"), sf("copy.docx", "s1"), sf("b.txt", "s2", "ignored"), sf("old.docx", "s3")]
    p = plan(scan, state(processed=frozenset({"s3"})), SimpleNamespace(year=None))
    assert [f.path for f in p.files] == ["a.docx"]
    assert list(p.scan["path"]) == ["a.docx", "copy.docx", "b.txt", "old.docx"]


def test_missing_year_is_retried_only_with_a_year():
    scan = [sf("a.docx", "s1")]
    st = state(processed=frozenset({"s1"}), missing_year=frozenset({"s1"}))
    assert plan(scan, st, SimpleNamespace(year=None)).files == []
    assert len(plan(scan, st, SimpleNamespace(year=2024)).files) == 1


def test_name_findings_are_planned_and_reread_when_they_change():
    bad = sf("部门.docx", "s1", notes=(("file_name_not_utf8", "GBK"),))
    p = plan([bad], state(), None)
    (row,) = p.findings.to_dict("records")
    assert row["check"] == "file_name_not_utf8" and "部门.docx" in row["message"] and "重命名" in row["message"]
    flagged = state(processed=frozenset({"s1"}), flagged={"s1": frozenset({"file_name_not_utf8"})})
    assert plan([bad], flagged, None).files == []  # unchanged: not read again
    renamed = sf("部门.docx", "s1")
    assert len(plan([renamed], flagged, None).files) == 1  # renamed: read again, finding dropped
