"""Every format through the whole flow (issue 10): the same national project form as .docx,
.doc (read directly, and through LibreOffice when its table is in a text box) and .xlsx loads
the same indicator values; submissions says the format; a second run converts nothing again."""
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
                          ("2024/xlsx", FORMATS / "national_department.xlsx"),
                          ("2024/docx", CASES / "national_project.docx"),
                          ("2024/lo", FORMATS / "national_project_text_box.doc")):
        (inbox / year_dir).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, inbox / year_dir / src.name)
    db = tmp_path / "w.duckdb"
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))
    with duckdb.connect(str(db), read_only=True) as con:
        files = dict(con.execute("SELECT path, status FROM files").fetchall())
        assert all(s in ("loaded", "loaded_with_warnings", "superseded") for s in files.values()), files
        formats = dict(con.execute("SELECT path, source_format FROM submissions").fetchall())
        assert sorted(formats.values()) == ["doc", "doc", "docx", "docx", "xlsx"], formats

        # the four files are one logical submission: only the newest is current, so compare raw rows
        raw = """SELECT i.level1, i.level2, i.name, i.fiscal_year, i.value_raw, i.value_num, i.value_unit,
                        i.comparator, i.value_kind
                 FROM raw.raw_indicators i JOIN raw.raw_submissions s USING (submission_id)
                 JOIN raw.inbox_files f USING (sha256) WHERE f.path = ?"""
        want = sorted(con.execute(raw, ["2024/docx/national_department.docx"]).fetchall(), key=repr)
        assert len(want) >= 8
        for path in ("2024/doc/national_department.doc", "2024/xlsx/national_department.xlsx"):
            assert sorted(con.execute(raw, [path]).fetchall(), key=repr) == want, path
        project = sorted(con.execute(raw, ["2024/docx/national_project.docx"]).fetchall(), key=repr)
        assert project and sorted(con.execute(raw, ["2024/lo/national_project_text_box.doc"]).fetchall(),
                                  key=repr) == project
    cached = sorted(p.name for p in converted_cache(db).rglob("*") if p.is_file())
    # only the text-box .doc was converted, and its conversion is kept next to the warehouse
    conversions = [p for p in converted_cache(db).glob("??/*") if p.is_file()]
    assert [p.suffix for p in conversions] == [".docx"], conversions
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))  # nothing new: nothing converted, nothing changed
    assert sorted(p.name for p in converted_cache(db).rglob("*") if p.is_file()) == cached


# --------------------------------------------------------------------------- every layout, every view

# Columns that differ between formats by nature: where the file and its cells are, and sentences
# that name the file (《x.docx》) or its cell.
_WHERE = {"path", "sha256", "submission_id", "source_format", "source_table", "source_row", "source_col",
          "location", "message", "modified_at", "size_bytes", "last_modified_at", "paths", "rejected_paths"}
_VIEWS = ["files", "submissions", "funding", "goals", "indicators", "tasks", "quality_issues",
          "submission_status", "city_rollup", "province_rollup"]
_STEMS = ["national_department", "national_project", "seed_000_department_hubei", "seed_003_project_hubei"]


def _warehouse(tmp_path, name: str, files: list) -> tuple[dict, list]:
    """The rows of every public view (without the columns of _WHERE), and the source formats."""
    inbox = tmp_path / name / "inbox"
    (inbox / "2024").mkdir(parents=True)
    for src in files:
        shutil.copyfile(src, inbox / "2024" / f"{src.stem}.{src.suffix[1:]}")
    db = tmp_path / name / "w.duckdb"
    ingest(Settings(inbox=str(inbox), db=str(db), province=None))
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for view in _VIEWS:
            cur = con.execute(f"SELECT * FROM {view}")
            cols = [d[0] for d in cur.description]
            keep = [i for i, c in enumerate(cols) if c not in _WHERE]
            out[view] = sorted((tuple(row[i] for i in keep) for row in cur.fetchall()), key=repr)
        formats = sorted(r[0] for r in con.execute("SELECT source_format FROM submissions").fetchall())
    return out, formats


def test_every_layout_gives_the_same_views_in_every_format(prefect_harness, tmp_path):
    """Proof of issue 10 through the flow: the four layouts' case forms as .docx, as .doc
    (LibreOffice) and laid out in .xlsx, and the national ones as PDF, give the same rows in
    every public view apart from the format, the path and the cell positions."""
    docx, docx_formats = _warehouse(tmp_path, "docx", [CASES / f"{s}.docx" for s in _STEMS])
    assert docx_formats == ["docx"] * 4 and len(docx["indicators"]) > 200
    for ext in ("doc", "xlsx"):
        views, formats = _warehouse(tmp_path, ext, [FORMATS / f"{s}.{ext}" for s in _STEMS])
        assert formats == [ext] * 4
        for view in _VIEWS:
            assert views[view] == docx[view], (ext, view)
    national = _STEMS[:2]
    want, _ = _warehouse(tmp_path, "docx2", [CASES / f"{s}.docx" for s in national])
    views, formats = _warehouse(tmp_path, "pdf", [FORMATS / f"{s}.pdf" for s in national])
    assert formats == ["pdf", "pdf"]
    for view in _VIEWS:
        if view == "tasks":
            # known limit (docs/formats.md): a table nested in a task's cell is drawn with rules
            # that split the cell in a PDF (extra task rows, later seq numbers); the other tasks
            # are compared without their seq
            nested = "预算绩效管理"

            def others(rows):
                return [r[:6] + r[7:] for r in rows if not r[7].startswith(nested)]
            assert others(views[view]) == others(want[view]) and len(others(want[view])) == 2
            continue
        assert views[view] == want[view], ("pdf", view)


def test_without_libreoffice_a_doc_that_needs_it_is_rejected_saying_how_to_install_and_the_rest_loads(
        prefect_harness, tmp_path):
    inbox = tmp_path / "inbox" / "2024"
    inbox.mkdir(parents=True)
    shutil.copyfile(FORMATS / "national_project_text_box.doc", inbox / "教师培训.doc")
    shutil.copyfile(FORMATS / "national_department.doc", inbox / "财政局.doc")  # read without LibreOffice
    shutil.copyfile(CASES / "seed_000_department_hubei.docx", inbox / "科技厅.docx")
    db = tmp_path / "w.duckdb"
    ingest(Settings(inbox=str(tmp_path / "inbox"), db=str(db), province=None, soffice=str(tmp_path / "no-soffice")))
    with duckdb.connect(str(db), read_only=True) as con:
        files = {p: (s, r, m) for p, s, r, m in con.execute("SELECT path, status, reason, message FROM files").fetchall()}
    status, reason, message = files["2024/教师培训.doc"]
    assert (status, reason) == ("rejected", "converter_missing")
    assert "libreoffice-writer-nogui" in message and "教师培训.doc" in message
    assert files["2024/财政局.doc"][0] in ("loaded", "loaded_with_warnings")
    assert files["2024/科技厅.docx"][0] in ("loaded", "loaded_with_warnings")
