"""docs/analysts.md: its ten cookbook queries run on the demo warehouse and answer something."""
from __future__ import annotations

import re

import duckdb
import pytest

from tests.conftest import REPO
from tests.support.demo import demo_warehouse

DOC = REPO / "docs" / "analysts.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_cookbook_has_ten_questions():
    assert len(QUERIES) == 10


@pytest.mark.parametrize("n", range(len(QUERIES)), ids=lambda n: f"q{n + 1}")
def test_cookbook_query_runs_on_the_demo_warehouse(prefect_harness, n):
    with duckdb.connect(str(demo_warehouse()), read_only=True) as con:
        rows = con.execute(QUERIES[n]).fetchall()
    assert rows, QUERIES[n]


def test_every_public_view_is_documented():
    from warehouse.store import PUBLIC_VIEWS

    text = DOC.read_text(encoding="utf-8")
    assert all(f"| `{v}` |" in text for v in PUBLIC_VIEWS)
