"""The SQL layers on the two-run scenario of conftest.py."""
from __future__ import annotations

import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.warehouse.conftest import A, B, C, F, G
from warehouse.store import submission_id

CONTRACT_VIEWS = ("files", "submissions", "funding", "goals", "indicators", "quality_issues",
                  "city_rollup", "province_rollup")
KEYS = {
    "files": ["path"],
    "submissions": ["submission_id"],
    "funding": ["submission_id", "source_table", "source_row", "source_col"],
    "goals": ["submission_id", "horizon", "seq"],
    "indicators": ["submission_id", "source_table", "source_row", "source_col"],
    "city_rollup": ["budget_year", "province", "city"],
    "province_rollup": ["budget_year", "province"],
}
NOT_NULL = {
    "files": ["path", "status", "message", "forms", "size_bytes", "modified_at"],
    "submissions": ["submission_id", "path", "sha256", "form_index", "form_type", "budget_year",
                    "is_current", "status", "warnings"],
    "funding": ["submission_id", "form_type", "budget_year", "direction", "category", "amount_wan"],
    "goals": ["submission_id", "budget_year", "horizon", "text"],
    "indicators": ["submission_id", "form_type", "budget_year", "horizon", "name", "is_target", "value_kind"],
    "quality_issues": ["path", "severity", "check", "message"],
    "city_rollup": ["budget_year", "province", "city", "region_code", "departments", "projects",
                    "indicators", "target_values", "quantitative_targets", "warnings"],
    "province_rollup": ["budget_year", "province", "region_code", "departments", "projects", "indicators",
                        "target_values", "quantitative_targets", "warnings", "cities",
                        "provincial_departments"],
}
PLAIN_TYPES = {"VARCHAR", "BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP",
               "DECIMAL(18,4)", "DECIMAL(9,4)"}
# the contract check of the project, run as a script (it needs only duckdb)
CONTRACT_CHECK = Path(__file__).resolve().parents[2] / "warehouse" / "contract.py"


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def by_path(con):
    return {r[0]: r[1:] for r in rows(con, "SELECT path, status, reason, message, forms FROM files")}


@pytest.mark.parametrize("which", ["r1", "r2"])
@pytest.mark.parametrize("view", sorted(KEYS))
def test_unique_keys(scenario, which, view):
    cols = ", ".join(f'"{c}"' for c in KEYS[view])
    with scenario.con(which) as con:
        dupes = rows(con, f"SELECT {cols}, count(*) FROM {view} GROUP BY ALL HAVING count(*) > 1")
        assert dupes == []
        assert rows(con, f"SELECT count(*) FROM {view}")[0][0] > 0


@pytest.mark.parametrize("which", ["r1", "r2"])
@pytest.mark.parametrize("view", sorted(NOT_NULL))
def test_not_null(scenario, which, view):
    with scenario.con(which) as con:
        for col in NOT_NULL[view]:
            assert rows(con, f'SELECT count(*) FROM {view} WHERE "{col}" IS NULL')[0][0] == 0, (view, col)


def test_every_view_column_is_a_plain_scalar(con):
    types = rows(con, """
        SELECT c.table_name, c.column_name, c.data_type
        FROM information_schema.columns c
        WHERE c.table_schema IN ('main', 'staging', 'intermediate', 'rollups')""")
    views = {t for t, _, _ in types}
    assert set(CONTRACT_VIEWS) <= views and any(v.startswith("stg_") for v in views)
    odd = [(t, c, d) for t, c, d in types if d not in PLAIN_TYPES]
    assert odd == []


def test_every_view_has_a_comment_with_grain_and_key(con):
    for name, comment in rows(con, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"):
        assert comment and "grain" in comment and "key" in comment, name


def test_files_statuses_after_second_run(con):
    f = by_path(con)
    status = {p: v[0] for p, v in f.items()}
    assert status == {
        "2024/黄石市科技局.docx": "superseded",
        "0copy/黄石市科技局.docx": "duplicate",
        "00early/黄石市科技局.docx": "duplicate",
        "2024/黄石市科技局-修订.docx": "loaded_with_warnings",
        "2024/大冶市教育局.docx": "loaded_with_warnings",
        "2024/湖北省科技厅.docx": "loaded_with_warnings",
        "2024/黄石市科技局-项目.docx": "loaded",
        "2024/仙桃市财政局.docx": "loaded",
        "2024/鄂城区农业局.docx": "loaded",
        "2024/~$黄石市科技局.docx": "ignored",
        "说明.txt": "ignored",
    }
    assert f["2024/黄石市科技局-项目.docx"][3] == 2
    assert "2024/黄石市科技局-修订.docx" in f["2024/黄石市科技局.docx"][2]  # names the newer file
    assert f["2024/黄石市科技局.docx"][1] == "superseded"


def test_duplicate_by_identical_sha_keeps_original_loaded(con_r1, con):
    f1 = by_path(con_r1)
    assert f1["2024/黄石市科技局.docx"][0] == "loaded"  # first seen, earlier mtime
    assert f1["0copy/黄石市科技局.docx"][0] == "duplicate"  # sorts first by path, but newer mtime
    assert f1["0copy/黄石市科技局.docx"][1] == "duplicate"
    assert "2024/黄石市科技局.docx" in f1["0copy/黄石市科技局.docx"][2]
    # a copy seen in a later run stays a duplicate even with the oldest mtime
    assert by_path(con)["00early/黄石市科技局.docx"][0] == "duplicate"
    # the content is loaded once: one submission row, its path the primary path
    subs = rows(con_r1, "SELECT path FROM submissions WHERE sha256 = ?", [A])
    assert subs == [("2024/黄石市科技局.docx",)]


def test_rejected_content_shows_reason_and_message(con_r1, con):
    f = by_path(con_r1)["坏文件.docx"]
    assert f[0] == "rejected" and f[1] == "corrupt"
    assert f[2] == "文件已损坏，无法打开，请重新导出后提交。"
    assert f[3] == 0
    issues = rows(con_r1, "SELECT submission_id, path, severity, \"check\" FROM quality_issues WHERE sha256 = ?", [F])
    assert issues == [(None, "坏文件.docx", "error", "corrupt")]
    # removed from the inbox in r2: gone from the views, raw rows kept
    assert "坏文件.docx" not in by_path(con)
    assert rows(con, "SELECT count(*) FROM quality_issues WHERE sha256 = ?", [F])[0][0] == 0
    assert rows(con, "SELECT count(*) FROM raw.raw_findings WHERE sha256 = ?", [F])[0][0] == 1
    assert rows(con, "SELECT outcome FROM raw.contents WHERE sha256 = ?", [F]) == [("rejected",)]


def test_ignored_files(con):
    f = by_path(con)
    lock = f["2024/~$黄石市科技局.docx"]
    assert lock[:2] == ("ignored", "word_lock_file") and "~$" in lock[2] and lock[3] == 0
    txt = f["说明.txt"]
    assert txt[:2] == ("ignored", "not_a_docx") and txt[3] == 0
    assert rows(con, "SELECT sha256 FROM files WHERE path = ?", ["2024/~$黄石市科技局.docx"]) == [(None,)]


def test_supersede_by_newer_mtime(con):
    old, new = submission_id(A, 0), submission_id(G, 0)
    got = {r[0]: r[1:] for r in rows(con, "SELECT submission_id, is_current, status, warnings, superseded_by, path "
                                          "FROM submissions WHERE submission_id IN (?, ?)", [old, new])}
    assert got[old][:2] == (False, "superseded") and got[old][3] == new
    assert got[old][4] == "2024/黄石市科技局.docx"
    assert got[new][:3] == (True, "loaded_with_warnings", 1)  # its file-level warning counts
    one_current = rows(con, "SELECT logical_key FROM submissions GROUP BY logical_key "
                            "HAVING count(*) FILTER (WHERE is_current) <> 1")
    assert one_current == []


def _versions_library(*labels):
    from tests.warehouse.factory import Library, sha
    lib = Library()
    shas = [sha(x) for x in labels]
    for s in shas:
        lib.content(s)
        lib.targets(lib.form(s), quantitative=1)  # one logical submission: 黄石市科技局 2024
    return lib, shas


def _current(db):
    import duckdb
    with duckdb.connect(str(db), read_only=True) as c:
        return (dict(rows(c, "SELECT path, status FROM files")),
                rows(c, "SELECT DISTINCT submission_id FROM indicators"))


def test_a_version_read_in_a_later_run_supersedes_whatever_its_mtime_says(tmp_path):
    """Issue 12.2: a first version dated 2099 must not pin itself; the run-2 correction with an
    older mtime is current, and re-processing the 2099 content later does not make it newer."""
    from tests.warehouse.factory import run, scan
    lib, (skewed, fixed) = _versions_library("dated 2099", "correction")
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("a.docx", skewed, "2099-01-01 00:00")]), lib)
    run(db, "r2", scan([("a.docx", skewed, "2099-01-01 00:00"), ("b.docx", fixed, "2024-01-01 00:00")]), lib)
    want = ({"a.docx": "superseded", "b.docx": "loaded"}, [(submission_id(fixed, 0),)])
    assert _current(db) == want
    run(db, "r3", scan([("a.docx", skewed, "2099-01-01 00:00"), ("b.docx", fixed, "2024-01-01 00:00")]), lib,
        reprocess={skewed})  # re-read (a path finding changed): still the first run's version
    assert _current(db) == want


def test_a_corrected_file_at_the_same_path_in_a_later_run_is_current(tmp_path):
    from tests.warehouse.factory import run, scan
    lib, (skewed, fixed) = _versions_library("dated 2099", "correction")
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("a.docx", skewed, "2099-01-01 00:00"), ("copy/a.docx", skewed, "2099-01-02 00:00")]), lib)
    run(db, "r2", scan([("a.docx", fixed, "2024-01-01 00:00"), ("copy/a.docx", skewed, "2099-01-02 00:00")]), lib)
    assert _current(db) == ({"a.docx": "loaded", "copy/a.docx": "superseded"}, [(submission_id(fixed, 0),)])


def test_within_one_run_the_newer_mtime_wins(tmp_path):
    from tests.warehouse.factory import run, scan
    lib, (older, newer) = _versions_library("older", "newer")
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("z-older.docx", older, "2024-01-01 00:00"), ("a-newer.docx", newer, "2024-02-01 00:00")]), lib)
    assert _current(db) == ({"z-older.docx": "superseded", "a-newer.docx": "loaded"}, [(submission_id(newer, 0),)])


def test_current_only_in_funding_goals_indicators(con):
    for view in ("funding", "goals", "indicators"):
        stale = rows(con, f"SELECT count(*) FROM {view} v JOIN submissions s USING (submission_id) "
                          f"WHERE NOT s.is_current")[0][0]
        orphan = rows(con, f"SELECT count(*) FROM {view} v ANTI JOIN submissions s USING (submission_id)")[0][0]
        assert (view, stale, orphan) == (view, 0, 0)
    assert rows(con, "SELECT count(*) FROM indicators WHERE submission_id = ?", [submission_id(A, 0)])[0][0] == 0
    assert rows(con, "SELECT count(*) FROM raw.raw_indicators WHERE submission_id = ?", [submission_id(A, 0)])[0][0] == 4


def test_denormalised_columns(con):
    got = rows(con, "SELECT DISTINCT form_type, department, province, city, county, budget_year FROM indicators "
                    "WHERE submission_id = ?", [submission_id(B, 0)])
    assert got == [("department", "大冶市教育局", "湖北省", "黄石市", "大冶市", 2024)]
    amount = rows(con, "SELECT amount_wan FROM funding WHERE submission_id = ? AND is_total "
                       "AND direction = 'income' AND fiscal_year = 2024", [submission_id(G, 0)])
    assert amount == [(Decimal("120.0000"),)]


def test_quality_issues(con):
    got = sorted(rows(con, "SELECT sha256, submission_id, severity, \"check\", path FROM quality_issues"),
                 key=lambda r: r[3])
    assert got == sorted([
        (B, submission_id(B, 0), "warning", "missing_unit", "2024/大冶市教育局.docx"),
        (C, submission_id(C, 0), "warning", "share_sum", "2024/湖北省科技厅.docx"),
        (G, None, "warning", "year_sources_disagree", "2024/黄石市科技局-修订.docx"),
    ], key=lambda r: r[3])


def test_file_level_findings_of_superseded_files_are_hidden(tmp_path):
    from tests.warehouse.factory import Library, run, scan, sha
    import duckdb
    lib = Library()
    v1, v2 = sha("v1"), sha("v2")
    for s in (v1, v2):
        lib.content(s)
        lib.form(s)
        lib.finding(s, "warning", "file_check")
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("v1.docx", v1, "2024-01-01 00:00"), ("v2.docx", v2, "2024-02-01 00:00"),
                        ("v2 copy.docx", v2, "2024-03-01 00:00")]), lib)
    with duckdb.connect(str(db), read_only=True) as c:
        assert rows(c, "SELECT path FROM quality_issues") == [("v2.docx",)]
        assert dict(rows(c, "SELECT path, status FROM files")) == {
            "v1.docx": "superseded", "v2.docx": "loaded_with_warnings", "v2 copy.docx": "duplicate"}


def test_city_rollup(con):
    got = {r[2]: r for r in rows(con, "SELECT * FROM city_rollup")}
    cols = [d[0] for d in con.execute("SELECT * FROM city_rollup LIMIT 0").description]
    hs = dict(zip(cols, got["黄石市"]))
    assert hs["budget_year"] == 2024 and hs["province"] == "湖北省" and hs["region_code"] == "420200"
    assert hs["departments"] == 2  # 黄石市科技局 (current version) + 大冶市教育局 (county)
    assert hs["projects"] == 2
    assert hs["income_total_wan"] == Decimal("170.0000")  # 120 + 50; project money and 2023 excluded
    assert hs["expenditure_total_wan"] == Decimal("170.0000")
    assert hs["indicators"] == 10  # 4 + 2 + 2 + 2 distinct; history values are no extra indicator
    assert hs["target_values"] == 10 and hs["quantitative_targets"] == 6
    assert math.isclose(hs["quantitative_share"], 0.6)
    assert hs["warnings"] == 1  # the county form's warning; file-level warnings are not per-form

    xt = dict(zip(cols, got["仙桃市"]))
    assert xt["region_code"] == "429004" and xt["departments"] == 1 and xt["quantitative_share"] == 0.0
    ez = dict(zip(cols, got["鄂州市"]))
    assert ez["region_code"] == "420700"  # from its county's code
    # no target value: the share is 0, never NULL (issue 13 item 9)
    assert ez["target_values"] == 0 and ez["quantitative_share"] == 0.0
    assert ez["income_total_wan"] == Decimal("10.0000")
    assert set(got) == {"黄石市", "仙桃市", "鄂州市"}  # the provincial department has no city row


def test_province_rollup(con):
    cur = con.execute("SELECT * FROM province_rollup")
    cols = [d[0] for d in cur.description]
    (only,) = cur.fetchall()
    p = dict(zip(cols, only))
    assert (p["budget_year"], p["province"], p["region_code"]) == (2024, "湖北省", "420000")
    assert p["departments"] == 5 and p["provincial_departments"] == 1 and p["projects"] == 2
    assert p["cities"] == 3
    assert p["income_total_wan"] == Decimal("1380.0000")  # 120 + 50 + 1000 + 200 + 10
    assert p["indicators"] == 12 and p["target_values"] == 12 and p["quantitative_targets"] == 7
    assert math.isclose(p["quantitative_share"], 7 / 12)
    assert p["warnings"] == 2
    # province = its cities + provincial departments
    sums = rows(con, "SELECT sum(departments), sum(income_total_wan), sum(target_values) FROM city_rollup")[0]
    assert sums == (4, Decimal("380.0000"), 11)


def test_the_contract_holds(scenario):
    for db in (scenario.r1, scenario.r2):
        out = subprocess.run([sys.executable, str(CONTRACT_CHECK), str(db)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "contract holds" in out.stdout


def test_unprocessed_and_other_files(tmp_path):
    """A document whose content was never processed is not shown (cannot happen after a completed
    run); a non-document (kind other) without content is ignored; one with content follows it."""
    from tests.warehouse.factory import Library, run, scan, sha
    import duckdb
    lib = Library()
    rej = lib.content(sha("pdf"), outcome="rejected", reason="not_a_docx", message="不是 .docx 文件。")
    run(tmp_path / "w.duckdb", "r1", scan([
        ("pending.docx", sha("pending"), "2024-01-01 00:00"),
        ("notes.xlsx", sha("xlsx"), "2024-01-01 00:00", "other"),
        ("scan.pdf", rej, "2024-01-01 00:00", "other"),
    ]), lib)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as c:
        got = {r[0]: r[1:] for r in c.execute("SELECT path, status, reason FROM files").fetchall()}
    assert got == {"notes.xlsx": ("ignored", "not_a_document"), "scan.pdf": ("rejected", "not_a_docx")}


def test_review_findings_are_counted_apart_and_never_change_the_status(tmp_path):
    """Issue 13.10: loaded_with_warnings is for read/consistency warnings (catalog
    affects_status); review findings are counted in files.findings and submissions.findings."""
    from tests.warehouse.factory import Library, run, scan, sha
    import duckdb
    lib = Library()
    review, read, file_read = sha("review only"), sha("read warning"), sha("file-level read")
    for i, s in enumerate((review, read, file_read)):
        lib.content(s)
        sid = lib.form(s, department=f"黄石市第{i}局")
        lib.finding(s, "warning", "target_below_prior", sid=sid)
    lib.finding(review, "warning", "template_text")  # file-level review finding
    lib.finding(read, "warning", "funding_sum_mismatch", sid=submission_id(read, 0))
    lib.finding(file_read, "warning", "year_conflict")
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("review.docx", review, "2024-01-01 00:00"), ("read.docx", read, "2024-01-01 00:00"),
                        ("file.docx", file_read, "2024-01-01 00:00"),
                        ("copy/review.docx", review, "2024-01-02 00:00")]), lib)
    with duckdb.connect(str(db), read_only=True) as c:
        files = {r[0]: r[1:] for r in rows(c, "SELECT path, status, warnings, findings FROM files")}
        assert files == {"review.docx": ("loaded", 0, 2), "read.docx": ("loaded_with_warnings", 1, 1),
                         "file.docx": ("loaded_with_warnings", 1, 1), "copy/review.docx": ("duplicate", 0, 2)}
        subs = {r[0]: r[1:] for r in rows(c, "SELECT path, status, warnings, findings FROM submissions")}
        assert subs == {"review.docx": ("loaded", 0, 2), "read.docx": ("loaded_with_warnings", 1, 1),
                        "file.docx": ("loaded_with_warnings", 1, 1)}
        message = rows(c, "SELECT message FROM files WHERE path = 'review.docx'")[0][0]
        assert message.startswith("已入库（1 张表）") and "2 条审核意见" in message
        # the kind of each code comes from the catalog table, never from a list in SQL
        kinds = dict(rows(c, "SELECT code, affects_status FROM raw.catalog"))
        assert kinds["target_below_prior"] is False and kinds["year_conflict"] is True
        # submission_status still counts both kinds as findings
        assert rows(c, "SELECT sum(findings) FROM submission_status")[0][0] == 6


def test_no_template_field_survives_in_files_message(tmp_path):
    """Every catalog code as an ignore reason and as a rejection reason without a sentence of
    its own, beside loaded, superseded and duplicate files: no message shows a {field}."""
    from jixiao.catalog import CATALOG
    from tests.warehouse.factory import Library, run, scan, sha
    import duckdb
    lib = Library()
    files = []
    for code in CATALOG:
        files.append((f"ignored/{code}.docx", None, "2024-01-01 00:00", "ignored", code))
        lib.content(sha(code), outcome="rejected", reason=code, message=None)
        files.append((f"rejected/{code}.docx", sha(code), "2024-01-01 00:00"))
    v1, v2 = lib.content(sha("v1")), lib.content(sha("v2"))
    for s in (v1, v2):
        lib.form(s)
    lib.finding(v2, "warning", "target_below_prior", sid=submission_id(v2, 0))
    lib.finding(v2, "warning", "region_unknown")
    files += [("v1.docx", v1, "2024-01-01 00:00"), ("v2.docx", v2, "2024-02-01 00:00"),
              ("copy/v2.docx", v2, "2024-03-01 00:00")]
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan(files), lib)
    with duckdb.connect(str(db), read_only=True) as c:
        got = rows(c, "SELECT path, status, message FROM files")
    assert len(got) == len(files)
    assert [r for r in got if r[2] is None or "{" in r[2] or "}" in r[2]] == []
    statuses = {r[1] for r in got}
    assert statuses == {"ignored", "rejected", "superseded", "loaded_with_warnings", "duplicate"}
