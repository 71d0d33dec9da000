"""The public contract (warehouse/contract.py, declared beside each public model), the model
invariants (grain/key, not null, accepted values) on the tiny two-run warehouse of conftest.py,
the raw DDL against the pandera models, rollups that count nothing as 0, the schemas and the
storage version of the published file."""
from __future__ import annotations

import re

import duckdb
import pytest

from tests.conftest import REPO
from tests.warehouse.factory import Library, run, scan, sha
from transforms.schemas import MODELS as PANDERA
from warehouse import contract, models
from warehouse.publish import STORAGE_VERSION

PUBLIC = models.public_models()
DECLARED = [m for m in models.models() if m.key or m.not_null or m.accepted_values]


def test_contract_is_read_from_the_model_declarations():
    assert contract.PUBLIC_VIEWS == tuple(m.name for m in PUBLIC)
    assert all(contract.COLUMNS[m.name] == m.columns for m in PUBLIC)


@pytest.mark.parametrize("which", ["r1", "r2"])
def test_the_contract_holds_and_columns_are_exactly_the_declared_ones(scenario, which):
    with scenario.con(which) as con:
        assert contract.check(con) == []
        for m in PUBLIC:
            have = tuple(r[0] for r in con.execute(f"DESCRIBE main.{m.name}").fetchall())
            assert have == m.columns, m.name  # declaration in step with the SQL


def test_main_holds_exactly_the_public_views(con):
    objects = con.execute("SELECT table_name, table_type FROM information_schema.tables "
                          "WHERE table_schema = 'main'").fetchall()
    assert sorted(objects) == sorted((v, "VIEW") for v in contract.PUBLIC_VIEWS)
    schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
    assert schemas == {"main", "raw", "staging", "intermediate", "rollups"}


def test_docs_contract_lists_every_public_column():
    text = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
    for m in PUBLIC:
        section = text.split(f"**{m.name}**", 1)
        assert len(section) == 2, m.name
        body = section[1].split("\n**", 1)[0]
        assert [c for c in m.columns if f"`{c}`" not in body] == [], m.name


@pytest.mark.parametrize("which", ["r1", "r2"])
@pytest.mark.parametrize("model", DECLARED, ids=lambda m: m.name)
def test_model_invariants(scenario, which, model):
    rel = f"main.{model.name}" if model in PUBLIC else models.relation(model)
    with scenario.con(which) as con:
        if model.key:
            cols = ", ".join(f'"{c}"' for c in model.key)
            assert con.execute(f"SELECT {cols}, count(*) FROM {rel} GROUP BY ALL HAVING count(*) > 1").fetchall() == []
        for col in model.not_null:
            assert con.execute(f'SELECT count(*) FROM {rel} WHERE "{col}" IS NULL').fetchone()[0] == 0, col
        for col, allowed in model.accepted_values.items():
            seen = {r[0] for r in con.execute(f'SELECT DISTINCT "{col}" FROM {rel}').fetchall()} - {None}
            assert seen <= set(allowed), (col, seen - set(allowed))


def test_staging_never_reads_a_mart_and_layers_read_only_down():
    rank = {"raw": 0, "staging": 1, "intermediate": 2, "rollups": 4, "main": 3}
    layer_rank = {"staging": 1, "intermediate": 2, "marts": 3, "rollups": 4}
    for m in models.models():
        for schema, _ in m.refs:
            assert schema != "main", (m.name, "reads a public view")
            assert rank[schema] <= layer_rank[m.layer], (m.name, schema)


def test_no_clerk_sentence_is_written_in_sql():
    for path in (REPO / "warehouse" / "models").glob("*/*.sql"):
        literals = re.findall(r"'([^']*)'", path.read_text(encoding="utf-8"))
        assert not [s for s in literals if re.search(r"[。，]", s)], path.name


# ------------------------------------------------------------------ raw DDL = pandera models
DUCK_TYPES = {"str": {"VARCHAR"}, "string[pyarrow]": {"VARCHAR"}, "string[python]": {"VARCHAR"}, "int64": {"INTEGER", "BIGINT"}, "Int64": {"INTEGER", "BIGINT"},
              "float64": {"DOUBLE", "DECIMAL(18,4)", "DECIMAL(9,4)"}, "bool": {"BOOLEAN"}}


def test_raw_ddl_matches_the_pandera_models(tmp_path):
    with duckdb.connect(str(tmp_path / "ddl.duckdb")) as con:
        con.execute(models.RAW_DDL.read_text(encoding="utf-8"))
        for table, model in PANDERA.items():
            ddl = {r[0]: r[1] for r in con.execute(f"DESCRIBE raw.{table}").fetchall()}
            stamped = set(models.raw_tables()[table].get("stamp", {}))
            columns = model.to_schema().columns
            assert set(ddl) - stamped == set(columns), table
            for name, col in columns.items():
                assert ddl[name] in DUCK_TYPES[str(col.dtype)], (table, name, ddl[name], str(col.dtype))


# ------------------------------------------------------------------ rollups count nothing as 0
def test_rollup_measures_are_zero_not_null_when_nothing_to_add(tmp_path):
    lib = Library()
    s = sha("bare")
    lib.content(s)
    lib.form(s, form_type="project", project_name="无指标项目")  # no funding, no indicators
    db = tmp_path / "w.duckdb"
    run(db, "r1", scan([("a.docx", s, "2024-01-01 00:00")]), lib)
    with duckdb.connect(str(db), read_only=True) as con:
        for view in ("city_rollup", "province_rollup"):
            cur = con.execute(f"SELECT * FROM {view}")
            cols = [d[0] for d in cur.description]
            (row,) = cur.fetchall()
            measures = {c: v for c, v in zip(cols, row) if c not in ("budget_year", "province", "city", "region_code")}
            assert all(v is not None and v == 0 for k, v in measures.items() if k not in ("projects", "cities")), measures
            assert measures["projects"] == 1


# ------------------------------------------------------------------ storage version (issue 11)
def test_published_file_is_in_the_older_storage_format(scenario):
    with scenario.con("r2") as con:
        tag = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                          "WHERE database_name = current_database()").fetchone()[0]
    assert tag.rstrip("+") == STORAGE_VERSION == "v1.0.0"
    header = scenario.r2.read_bytes()[:20]
    assert header[8:12] == b"DUCK" and int.from_bytes(header[12:20], "little") == 64  # DuckDB 1.0 reads 64 only


def test_a_file_in_the_newer_format_is_rewritten_in_the_older_one(tmp_path, scenario):
    db = tmp_path / "new.duckdb"
    with duckdb.connect(str(db)) as con:  # a warehouse written by DuckDB 2.0 defaults, old layout
        con.execute(f"ATTACH '{scenario.r2}' AS src (READ_ONLY)")
        con.execute("CREATE TABLE contents AS SELECT * FROM src.raw.contents")
        con.execute("CREATE TABLE inbox_files AS SELECT * FROM src.raw.inbox_files")
        assert con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                           "WHERE database_name = 'new'").fetchone()[0] != "v1.0.0+"
    run(db, "r9", scan([]))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                           "WHERE database_name = current_database()").fetchone()[0] == "v1.0.0+"
        assert con.execute("SELECT count(*) FROM raw.contents").fetchone()[0] > 0  # carried over
        assert contract.check(con) == []
