"""The SQL models in layer folders (raw → staging → intermediate → marts → rollups) and the one
function that builds them.

Each model is one SELECT in ``<layer>/<name>.sql`` with its declaration in ``<layer>/<name>.toml``
beside it (grain, key, not-null columns, accepted values; public models also their columns).
``manifest.toml`` declares each layer's schema and materialisation once. Models name what they
read schema-qualified (``staging.stg_submissions``), which gives the build order.

Only the standard library here: ``warehouse/contract.py`` reads the same declarations without
the rest of the project.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
LAYERS = ("staging", "intermediate", "marts", "rollups")  # build order; raw is DDL
RAW_DDL = MODELS_DIR / "raw" / "tables.sql"
#: a schema-qualified reference inside a model's SQL
REF = re.compile(r"\b(raw|staging|intermediate|rollups|main)\.([a-z_][a-z0-9_]*)\b")


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    sql: str
    grain: str
    key: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    accepted_values: dict = field(default_factory=dict)
    columns: tuple[str, ...] = ()  # public models: every column of the view, in order
    description: str = ""

    @property
    def refs(self) -> set[tuple[str, str]]:
        return set(REF.findall(self.sql))

    @property
    def comment(self) -> str:
        key = "(" + ", ".join(self.key) + ")" if self.key else "none"
        return f"grain: {self.grain}; key: {key}" + (f"; {self.description}" if self.description else "")


@cache
def manifest() -> dict:
    return tomllib.loads((MODELS_DIR / "manifest.toml").read_text(encoding="utf-8"))


@cache
def raw_tables() -> dict:
    """raw table → {replace_by, stamp}, in write order (raw/tables.toml)."""
    return tomllib.loads((MODELS_DIR / "raw" / "tables.toml").read_text(encoding="utf-8"))


def _load(layer: str, sql_path: Path) -> Model:
    decl_path = sql_path.with_suffix(".toml")
    if not decl_path.exists():
        raise FileNotFoundError(f"{sql_path.name} has no declaration {decl_path.name} beside it")
    d = tomllib.loads(decl_path.read_text(encoding="utf-8"))
    return Model(name=sql_path.stem, layer=layer, sql=sql_path.read_text(encoding="utf-8").strip().rstrip(";"),
                 grain=d["grain"], key=tuple(d.get("key", ())), not_null=tuple(d.get("not_null", ())),
                 accepted_values=dict(d.get("accepted_values", {})), columns=tuple(d.get("columns", ())),
                 description=d.get("description", ""))


@cache
def models() -> tuple[Model, ...]:
    """Every model in build order: layer by layer, and within a layer after what it reads."""
    out: list[Model] = []
    for layer in LAYERS:
        todo = {p.stem: _load(layer, p) for p in sorted((MODELS_DIR / layer).glob("*.sql"))}
        done: set[str] = set()
        while todo:
            ready = [m for m in todo.values()
                     if all(n in done or n not in todo for _, n in m.refs)]
            if not ready:
                raise ValueError(f"{layer}: models read each other in a cycle: {sorted(todo)}")
            for m in ready:
                out.append(m)
                done.add(m.name)
                del todo[m.name]
    return tuple(out)


def public_models() -> tuple[Model, ...]:
    """The public views, in manifest order."""
    by_name = {m.name: m for m in models() if manifest()[m.layer].get("public")}
    order = manifest()["public"]["order"]
    if set(order) != set(by_name):
        raise ValueError(f"manifest public.order {sorted(order)} != public models {sorted(by_name)}")
    return tuple(by_name[n] for n in order)


def relation(m: Model) -> str:
    """Where a model's rows are stored (what other models read)."""
    layer = manifest()[m.layer]
    if layer["materialized"] == "table" and "storage" in layer:
        # a name of its own: a table and the main view over it sharing one name make SQLAlchemy
        # reflection (Superset) see both at once
        return f"{layer['storage']}.mat_{m.name}"
    return f"{layer['schema']}.{m.name}"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build(con) -> None:
    """(Re)build every model from the raw tables: drop what the last build left (every view in
    main, the model schemas), then create each model as its layer's manifest entry says."""
    con.execute(RAW_DDL.read_text(encoding="utf-8"))
    for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary "
                               "AND database_name = current_database() AND schema_name = 'main'").fetchall():
        con.execute(f'DROP VIEW IF EXISTS main."{name}"')
    schemas = {manifest()[layer].get("storage", manifest()[layer]["schema"]) for layer in LAYERS} - {"main"}
    for schema in sorted(schemas):
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        con.execute(f"CREATE SCHEMA {schema}")
    for m in models():
        layer = manifest()[m.layer]
        kind = "TABLE" if layer["materialized"] == "table" else "VIEW"
        con.execute(f"CREATE {kind} {relation(m)} AS\n{m.sql}")
        con.execute(f"COMMENT ON {kind} {relation(m)} IS {_quote(m.comment)}")
        if layer.get("public") and relation(m) != f"main.{m.name}":
            con.execute(f"CREATE VIEW main.{m.name} AS SELECT * FROM {relation(m)}")
            con.execute(f"COMMENT ON VIEW main.{m.name} IS {_quote(m.comment + '; materialised at publish')}")
