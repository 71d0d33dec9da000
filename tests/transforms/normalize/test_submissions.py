"""raw_submissions rows, and the 实施期限/项目期限 header field end to end: the national project
form's field is read, typed, validated, loaded and shown by the `submissions` view."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import duckdb
import pytest

from testkit.docx_builder import save
from testkit.forms import NationalStyle, national_project_document
from testkit.make_samples import TEACHER_TRAINING
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch


def _normalize(tmp_path, form, rel="2024/黄石市/p.docx"):
    path = tmp_path / "inbox" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    save(national_project_document(form), path)
    f = SourceFile(rel, str(path), hashlib.sha256(path.read_bytes()).hexdigest())
    return f, normalize_batch([f], NormalizeOptions(default_province="湖北省"), "run-1")


@pytest.mark.parametrize("word, period", [("实施期限", "2024年1月-2026年12月"), ("项目期限", "3年")])
def test_the_implementation_period_is_read_as_written(tmp_path, word, period):
    form = replace(TEACHER_TRAINING, implementation_period=period,
                   style=replace(TEACHER_TRAINING.style, words={**TEACHER_TRAINING.style.words, "period": word}))
    _, batch = _normalize(tmp_path, form)
    (sub,) = batch.frames["raw_submissions"].to_dict("records")
    assert sub["implementation_period"] == period
    assert sub["executing_unit"] == "黄石市教师发展中心"  # the row before it still reads
    assert batch.contents["outcome"].tolist() == ["ok"]


def test_a_form_without_the_field_has_none(tmp_path):
    _, batch = _normalize(tmp_path, TEACHER_TRAINING)
    assert batch.frames["raw_submissions"]["implementation_period"].isna().all()


def test_the_submissions_view_shows_the_implementation_period(tmp_path):
    from intake.scan import scan_frame, scan_inbox
    from warehouse.store import Warehouse

    form = replace(TEACHER_TRAINING, implementation_period="2024年1月-2026年12月", style=NationalStyle())
    f, batch = _normalize(tmp_path, form)
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db, "run-1", str(tmp_path / "inbox"), None) as wh:
        wh.record_scan(scan_frame(scan_inbox(tmp_path / "inbox")))
        wh.load(batch)
        wh.publish({})
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select path, implementation_period from submissions").fetchall() == [
            (f.path, "2024年1月-2026年12月")]
