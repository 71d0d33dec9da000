"""docs/architecture.md tells a newcomer the truth: every path in its map exists, every product
module is named in it, and its table of raw tables lists exactly the columns of
warehouse/models/raw/tables.sql."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


def _raw_columns() -> dict[str, list[str]]:
    sql = (REPO / "warehouse" / "models" / "raw" / "tables.sql").read_text(encoding="utf-8")
    tables: dict[str, list[str]] = {}
    for m in re.finditer(r"CREATE TABLE IF NOT EXISTS raw\.(\w+) \((.*?)\n\);", sql, re.S):
        lines = [line.strip() for line in m.group(2).splitlines()]
        tables[m.group(1)] = [line.split()[0].strip('"') for line in lines
                              if line and not line.startswith(("--", "PRIMARY", "UNIQUE"))]
    for m in re.finditer(r"ALTER TABLE raw\.(\w+) ADD COLUMN IF NOT EXISTS (\w+)", sql):
        if m.group(2) not in tables[m.group(1)]:
            tables[m.group(1)].append(m.group(2))
    return tables


def _documented() -> dict[str, list[str]]:
    out = {}
    for m in re.finditer(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", DOC, re.M):
        text = re.sub(r"\([^)]*\)", "", m.group(2)).split(" — ")[0]
        out[m.group(1)] = [c.strip().split(" ")[0].strip("`") for c in text.split(",")]
    return out


def test_the_raw_table_list_matches_the_ddl():
    sql, doc = _raw_columns(), _documented()
    assert sorted(doc) == sorted(sql)
    for table, columns in sql.items():
        assert doc[table] == columns, table


def test_every_path_in_the_map_exists():
    map_ = DOC.split("```")[1]
    paths = set(re.findall(r"\b((?:intake|extractors|transforms|warehouse|flows|office|jixiao)/[\w/.]*)", map_))
    assert paths
    missing = [p for p in sorted(paths) if not (REPO / p).exists()]
    assert missing == []


ROOMS = ("intake", "extractors", "transforms", "warehouse", "flows", "office", "jixiao")


def test_every_product_module_is_named():
    """By its path, or by its file name in the row of its folder (`funding.py` under normalize)."""
    named = set(re.findall(r"`([\w/]+\.py)`|\b([\w]+\.py)\b", DOC))
    names = {a or b for a, b in named}
    missing = []
    for room in ROOMS:
        for path in sorted((REPO / room).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if path.name != "__init__.py" and rel not in names and path.name not in names:
                missing.append(rel)
    assert missing == []
