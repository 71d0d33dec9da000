"""Read every public view the way Superset does: SQLAlchemy + duckdb-engine, read-only.

Run as its own process (`python -m tests.support.superset_probe DB URL_STYLE`), as a dashboard
server is one: it prints one line per view and exits non-zero on the first problem.
"""
from __future__ import annotations

import sys

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from warehouse.store import PUBLIC_VIEWS


def reflect(con, insp, view: str, columns: list[dict]) -> None:
    """What Superset calls when a dataset is added: every reflection call must answer (views
    have no keys nor indexes: empty answers, never an error)."""
    assert view in insp.get_table_names() + insp.get_view_names(), view
    pk = insp.get_pk_constraint(view)
    assert pk.get("constrained_columns") in ([], None), (view, pk)
    assert insp.get_foreign_keys(view) == [], view
    assert insp.get_indexes(view) == [], view
    table = sa.Table(view, sa.MetaData(), autoload_with=con)
    assert [c.name for c in table.columns] == [c["name"] for c in columns], view
    assert con.execute(sa.select(table).limit(1)).fetchall(), view


def probe(db: str, url_style: str) -> None:
    if url_style == "query":  # what one types into Superset's SQLAlchemy URI field
        engine = sa.create_engine(f"duckdb:///{db}?access_mode=read_only", poolclass=NullPool)
    else:
        engine = sa.create_engine(f"duckdb:///{db}", connect_args={"read_only": True}, poolclass=NullPool)
    try:
        with engine.connect() as con:
            assert con.execute(sa.text("SELECT current_setting('access_mode')")).scalar() == "read_only"
            insp = sa.inspect(con)
            views = set(insp.get_view_names())
            assert set(PUBLIC_VIEWS) <= views, sorted(set(PUBLIC_VIEWS) - views)
            for view in PUBLIC_VIEWS:
                columns = insp.get_columns(view)
                assert columns and all(not isinstance(c["type"], sa.types.NullType) for c in columns), view
                table = sa.table(view, *(sa.column(c["name"]) for c in columns))
                rows = con.execute(sa.select(table).limit(1000)).fetchall()
                assert rows, view
                count = con.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                assert count >= len(rows)
                reflect(con, insp, view, columns)
                print(f"{view} columns={len(columns)} rows={count}")
            try:
                con.execute(sa.text("CREATE TABLE dashboards_must_not_write (a INTEGER)"))
            except sa.exc.DBAPIError:
                print("write refused")
            else:
                raise AssertionError("a read-only dashboard connection could write")
    finally:
        engine.dispose()


if __name__ == "__main__":
    probe(sys.argv[1], sys.argv[2])
