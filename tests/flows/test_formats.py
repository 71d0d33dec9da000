"""Every format through the whole flow (issue 10): the same national project form as .docx,
.doc (LibreOffice) and .xlsx loads the same indicator values; submissions says the format;
a second run converts nothing again."""
from __future__ import annotations

import shutil

import duckdb

from flows.ingest import converted_cache, ingest
from jixiao.settings import Settings
from tests.conftest import CASES

FORMATS = CASES / "formats"


def test_doc_and_xlsx_read_like_the_docx(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    for year_dir, src in (("2024/docx", CASES / "national_department.docx"),
                          ("2024/doc", FORMATS / "national_department.doc"),
                          ("2024/xlsx", FORMATS / "national_department.xlsx")):
        (inbox / year_dir).mkdir(parents=True)
        shutil.copyfile(src, inbox / year_dir / src.name)
    db = tmp_path / "w.duckdb"
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))
    with duckdb.connect(str(db), read_only=True) as con:
        files = dict(con.execute("SELECT path, status FROM files").fetchall())
        assert all(s in ("loaded", "loaded_with_warnings", "superseded") for s in files.values()), files
        formats = dict(con.execute("SELECT path, source_format FROM submissions").fetchall())
        assert sorted(formats.values()) == ["doc", "docx", "xlsx"], formats

        # the four files are one logical submission: only the newest is current, so compare raw rows
        raw = """SELECT i.level1, i.level2, i.name, i.fiscal_year, i.value_raw, i.value_num, i.value_unit,
                        i.comparator, i.value_kind
                 FROM raw.raw_indicators i JOIN raw.raw_submissions s USING (submission_id)
                 JOIN raw.inbox_files f USING (sha256) WHERE f.path = ?"""
        want = sorted(con.execute(raw, ["2024/docx/national_department.docx"]).fetchall(), key=repr)
        assert len(want) >= 8
        for path in ("2024/doc/national_department.doc", "2024/xlsx/national_department.xlsx"):
            assert sorted(con.execute(raw, [path]).fetchall(), key=repr) == want, path
    cached = sorted(p.name for p in converted_cache(db).rglob("*") if p.is_file())
    assert cached  # the .doc conversion are kept next to the warehouse
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))  # nothing new: nothing converted, nothing changed
    assert sorted(p.name for p in converted_cache(db).rglob("*") if p.is_file()) == cached
