"""Who has not submitted: the registry loaded by `load_registry`, then ingestion runs; the
submission_status view and the rollups' expected / submitted / missing counts."""
from __future__ import annotations

import duckdb
import pytest

from flows.ingest import ingest
from jixiao.settings import Settings
from tests.flows.test_ingest import department_form
from testkit.docx_builder import save
from warehouse.registry import load_registry

REGISTRY = """department,region_code,level,department_form,project_forms,budget_year,contact
鄂州市财政局,420700,city,1,0,2024,预算科
鄂州市教育局,420700,city,1,0,,计财科
鄂州市科学技术局,420700,city,1,1,2024,
黄石市财政局,420200,city,1,0,2024,预算科 0714-8888888
湖北省财政厅,420000,province,1,0,2024,
"""


@pytest.fixture
def office(prefect_harness, tmp_path, inbox):
    db = tmp_path / "w.duckdb"
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert load_registry(db, registry) == 5  # before any run: creates the warehouse
    save(department_form("鄂州市财政局"), inbox / "2024" / "鄂州市" / "财政局.docx")
    save(department_form("鄂州市科学技术局"), inbox / "2024" / "鄂州市" / "科技局.docx")
    save(department_form("湖北省财政厅", target="待定"), inbox / "2024" / "湖北省" / "财政厅.docx")
    save(department_form("大冶市教育局"), inbox / "2024" / "黄石市" / "大冶市教育局.docx")
    (inbox / "2024" / "鄂州市" / "鄂州市教育局 部门整体绩效目标表.docx").write_bytes(b"not a zip at all")
    ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省"))
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_every_expected_department_has_a_status(office):
    rows = office.execute("SELECT budget_year, department, status, status_zh, in_registry, department_forms, "
                          "project_forms, findings, rejected_files, contact FROM submission_status "
                          "ORDER BY department").fetchall()
    got = {r[1]: r for r in rows}
    assert {d: r[2] for d, r in got.items()} == {
        "鄂州市财政局": "submitted",
        "鄂州市教育局": "rejected",  # its only file is corrupt (attributed by the file name)
        "鄂州市科学技术局": "partial",  # the department form came, the project form did not
        "黄石市财政局": "missing",
        "湖北省财政厅": "with_findings",  # 待定 as a target: placeholder_target
        "大冶市教育局": "not_in_registry",
    }
    assert all(r[0] == 2024 for r in rows)
    assert got["鄂州市教育局"][8] == 1 and got["黄石市财政局"][9] == "预算科 0714-8888888"
    assert got["湖北省财政厅"][7] >= 1 and got["黄石市财政局"][3] == "未报送"
    assert got["大冶市教育局"][4] is False


def test_rollups_gain_expected_submitted_missing(office):
    city = {r[0]: r[1:] for r in office.execute(
        "SELECT city, expected, submitted, missing, departments FROM city_rollup WHERE budget_year = 2024").fetchall()}
    assert city["鄂州市"] == (3, 2, 1, 2)
    assert city["黄石市"] == (1, 0, 1, 1)  # 大冶市教育局 filed (not in the registry); 黄石市财政局 missing
    prov = office.execute("SELECT expected, submitted, missing FROM province_rollup WHERE budget_year = 2024").fetchone()
    assert prov == (5, 3, 2)
    assert office.execute("SELECT count(*) FROM raw.registry WHERE city IS NULL").fetchone()[0] == 1


def test_registry_load_adds_no_run_and_reload_replaces_and_rematerialises(office, tmp_path):
    assert office.execute("SELECT count(*) FROM raw.runs").fetchone()[0] == 1
    db = office.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("department,region_code\n黄石市财政局,420200\n", encoding="utf-8")
    office.close()  # one DuckDB instance per path and process: reconnect to see the new file
    assert load_registry(db, smaller) == 1
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.runs").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM raw.registry").fetchone()[0] == 1
        assert con.execute("SELECT expected, missing FROM city_rollup WHERE city = '鄂州市'").fetchone() == (0, 0)
        assert con.execute("SELECT expected, missing FROM city_rollup WHERE city = '黄石市'").fetchone() == (1, 1)
