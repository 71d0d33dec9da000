"""A two-run scenario shared by the view tests.

Run r1 (inbox of 2024):
  2024/黄石市科技局.docx        A   department form of 黄石市科技局 (city 420200), 100 万元
  0copy/黄石市科技局.docx       A   byte-identical copy, later mtime → duplicate
  2024/大冶市教育局.docx        B   county department (大冶市 420281 → 黄石市), 50 万元, 1 warning
  2024/湖北省科技厅.docx        C   provincial department, 1000 万元, 1 warning
  2024/黄石市科技局-项目.docx   D   two project forms
  2024/仙桃市财政局.docx        E   仙桃市 429004 (province-administered, a city peer), 200 万元
  2024/鄂城区农业局.docx        H   county of 鄂州市 (420704 → 420700), only county forms there
  2024/~$黄石市科技局.docx          Word lock file → ignored
  说明.txt                          not a document → ignored
  坏文件.docx                   F   rejected (corrupt) with a file-level error
Run r2: 坏文件.docx removed; added
  2024/黄石市科技局-修订.docx   G   newer version of A's form (120 万元), a file-level warning
  00early/黄石市科技局.docx     A   another copy of A: earliest mtime and path, but seen later
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.factory import Library, run, scan, sha

A, B, C, D, E, F, G, H = (sha(x) for x in "ABCDEFGH")


def build_library() -> Library:
    lib = Library()
    lib.content(A)
    a = lib.form(A)
    lib.totals(a, 100)
    lib.totals(a, 90, fiscal_year=2023)
    lib.targets(a, quantitative=2, qualitative=1, history=1)
    lib.goal(a, "long_term", 1, "长期目标")
    lib.goal(a, "annual", 2, "年度目标一", code="年度目标01")

    lib.content(G)
    g = lib.form(G)
    lib.totals(g, 120)
    lib.targets(g, quantitative=3, qualitative=1, history=1)
    lib.goal(g, "annual", 1, "年度目标（修订）", code="年度目标01")
    lib.finding(G, "warning", "year_sources_disagree", message="文件名年份与表内年份不一致")

    lib.content(B)
    b = lib.form(B, department="大冶市教育局", county="大冶市", admin_level="county", region_code="420281")
    lib.totals(b, 50)
    lib.targets(b, quantitative=1, qualitative=1)
    lib.finding(B, "warning", "missing_unit", sid=b, message="指标值缺少计量单位")

    lib.content(C)
    c = lib.form(C, department="湖北省科技厅", city=None, admin_level="province", region_code="420000")
    lib.totals(c, 1000)
    lib.targets(c, quantitative=1)
    lib.finding(C, "warning", "share_sum", sid=c, message="占比合计不等于100%")

    lib.content(D)
    for i, name in enumerate(("项目A", "项目B")):
        p = lib.form(D, i, form_type="project", project_name=name)
        lib.funding(p, "income", "合计", 30)  # project money never counts in the rollups
        lib.targets(p, quantitative=1, qualitative=1)

    lib.content(E)
    e = lib.form(E, department="仙桃市财政局", city="仙桃市", region_code="429004")
    lib.totals(e, 200)
    lib.targets(e, quantitative=0, qualitative=1)

    lib.content(H)
    h = lib.form(H, department="鄂城区农业局", city="鄂州市", county="鄂城区", admin_level="county",
                 region_code="420704")
    lib.totals(h, 10)

    lib.content(F, outcome="rejected", reason="corrupt", message="文件已损坏，无法打开，请重新导出后提交。")
    lib.finding(F, "error", "corrupt", message="文件已损坏，无法打开。")
    return lib


SCAN_R1 = [
    ("2024/黄石市科技局.docx", A, "2024-01-10 09:00"),
    ("0copy/黄石市科技局.docx", A, "2024-01-11 09:00"),
    ("2024/大冶市教育局.docx", B, "2024-01-12 09:00"),
    ("2024/湖北省科技厅.docx", C, "2024-01-12 10:00"),
    ("2024/黄石市科技局-项目.docx", D, "2024-01-12 11:00"),
    ("2024/仙桃市财政局.docx", E, "2024-01-12 12:00"),
    ("2024/鄂城区农业局.docx", H, "2024-01-12 13:00"),
    ("2024/~$黄石市科技局.docx", None, "2024-01-12 14:00", "ignored", "word_lock_file"),
    ("说明.txt", sha("说明"), "2024-01-12 15:00", "ignored", "not_a_docx"),
    ("坏文件.docx", F, "2024-01-12 16:00"),
]
SCAN_R2 = [r for r in SCAN_R1 if r[0] != "坏文件.docx"] + [
    ("2024/黄石市科技局-修订.docx", G, "2024-02-01 09:00"),
    ("00early/黄石市科技局.docx", A, "2023-12-01 09:00"),
]


@dataclass
class Scenario:
    r1: Path  # published db after run r1 (a copy)
    r2: Path  # published db after run r2
    library: Library

    def con(self, which: str = "r2") -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(getattr(self, which)), read_only=True)


@pytest.fixture(scope="session")
def scenario(tmp_path_factory) -> Scenario:
    d = tmp_path_factory.mktemp("scenario")
    db = d / "warehouse.duckdb"
    lib = build_library()
    run(db, "r1", scan(SCAN_R1), lib, year_default=2024)
    shutil.copyfile(db, d / "after_r1.duckdb")
    run(db, "r2", scan(SCAN_R2), lib, year_default=2024)
    return Scenario(r1=d / "after_r1.duckdb", r2=db, library=lib)


@pytest.fixture
def con(scenario):
    c = scenario.con("r2")
    yield c
    c.close()


@pytest.fixture
def con_r1(scenario):
    c = scenario.con("r1")
    yield c
    c.close()
