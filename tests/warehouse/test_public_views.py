"""Dashboard-ready public views: plain scalar types, rollups materialised at publish, and every
public view read through SQLAlchemy + duckdb-engine in read-only mode, the way Superset does."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from tests.conftest import REPO
from tests.support.demo import demo_warehouse
from warehouse.store import PUBLIC_VIEWS

PLAIN = {"BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "TIMESTAMP", "DATE", "DECIMAL(18,4)", "DECIMAL(9,4)"}
CHECK_CONTRACT = REPO / "warehouse" / "contract.py"  # the contract check of the project


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()


def test_every_public_view_has_plain_scalar_columns_only(db):
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema = 'main'").fetchall()
    types = {(t, c): d for t, c, d in rows if t in PUBLIC_VIEWS}
    assert {t for t, _ in types} == set(PUBLIC_VIEWS)
    odd = {k: d for k, d in types.items() if d not in PLAIN}
    assert odd == {}


def test_rollups_and_status_are_views_over_materialised_tables(db):
    with duckdb.connect(str(db), read_only=True) as con:
        kinds = dict(con.execute("SELECT table_schema || '.' || table_name, table_type "
                                 "FROM information_schema.tables").fetchall())
        # the tables behind them live out of main (rollups/, intermediate/ in warehouse/models)
        for view, table in (("city_rollup", "rollups.mat_city_rollup"), ("province_rollup", "rollups.mat_province_rollup"),
                            ("submission_status", "intermediate.int_submission_status")):
            assert kinds[f"main.{view}"] == "VIEW" and kinds[table] == "BASE TABLE"
            sql = con.execute("SELECT sql FROM duckdb_views() WHERE schema_name = 'main' AND view_name = ?",
                              [view]).fetchone()[0]
            assert table in sql
            assert con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0


def test_contract_still_holds(db):
    check = subprocess.run([sys.executable, str(CHECK_CONTRACT), str(db)], capture_output=True, text=True)
    assert check.returncode == 0 and "contract holds" in check.stdout, check.stdout


@pytest.mark.parametrize("url_style", ["query", "connect_args"])
def test_every_public_view_reads_through_sqlalchemy_duckdb_engine_read_only(db, url_style):
    # in its own process, as a dashboard server is (and so duckdb-engine's objects never outlive
    # this test run's interpreter)
    proc = subprocess.run([sys.executable, "-m", "tests.support.superset_probe", str(db), url_style],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == list(PUBLIC_VIEWS)
    assert all("rows=0" not in line for line in lines[:-1])
    assert lines[-1] == "write refused"
