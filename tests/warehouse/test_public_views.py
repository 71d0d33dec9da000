"""Dashboard-ready public views: plain scalar types, rollups materialised at publish, and every
public view read through SQLAlchemy + duckdb-engine in read-only mode, the way Superset does."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tests.conftest import REPO
from tests.support.demo import demo_warehouse
from warehouse.store import PUBLIC_VIEWS

PLAIN = {"BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "TIMESTAMP", "DATE", "DECIMAL(18,4)", "DECIMAL(9,4)"}
CHECK_CONTRACT = REPO.parent / "shared" / "tools" / "check_contract.py"


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
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                 "WHERE table_schema = 'main'").fetchall())
        for view in ("city_rollup", "province_rollup", "submission_status"):
            assert kinds[view] == "VIEW" and kinds[f"mat_{view}"] == "BASE TABLE"
            sql = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = ?", [view]).fetchone()[0]
            assert f"mat_{view}" in sql
            assert con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0


def test_contract_still_holds(db):
    check = subprocess.run([sys.executable, str(CHECK_CONTRACT), str(db)], capture_output=True, text=True)
    assert check.returncode == 0 and "contract holds" in check.stdout, check.stdout


@pytest.mark.parametrize("url_style", ["query", "connect_args"])
def test_every_public_view_reads_through_sqlalchemy_duckdb_engine_read_only(db, url_style):
    if url_style == "query":  # what one types into Superset's SQLAlchemy URI field
        engine = sa.create_engine(f"duckdb:///{db}?access_mode=read_only", poolclass=NullPool)
    else:
        engine = sa.create_engine(f"duckdb:///{db}", connect_args={"read_only": True}, poolclass=NullPool)
    try:
        with engine.connect() as con:
            assert con.execute(sa.text("SELECT current_setting('access_mode')")).scalar() == "read_only"
            insp = sa.inspect(con)
            views = set(insp.get_view_names())
            assert set(PUBLIC_VIEWS) <= views
            for view in PUBLIC_VIEWS:
                columns = insp.get_columns(view)
                assert columns and all(not isinstance(c["type"], sa.types.NullType) for c in columns), view
                table = sa.table(view, *(sa.column(c["name"]) for c in columns))
                rows = con.execute(sa.select(table).limit(1000)).fetchall()
                assert rows, view
                count = con.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                assert count >= len(rows)
            with pytest.raises(sa.exc.DBAPIError):
                con.execute(sa.text("CREATE TABLE dashboards_must_not_write (a INTEGER)"))
    finally:
        engine.dispose()
