#!/usr/bin/env python3
"""Check a jixiao warehouse against its public contract (docs/contract.md).

Usage: python warehouse/contract.py warehouse.duckdb   (needs only duckdb; imports nothing of jixiao)
Exit 0 when the contract holds; otherwise lists what is wrong and exits 1.

The contract is declared once, beside each public model: ``warehouse/models/marts/*.toml`` and
``warehouse/models/rollups/*.toml`` (columns, accepted values), with the order of the views in
``warehouse/models/manifest.toml``. The tests (tests/warehouse/test_contract.py) and this
check read the same declarations.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

MODELS = Path(__file__).resolve().parent / "models"


def _declarations() -> dict[str, dict]:
    manifest = tomllib.loads((MODELS / "manifest.toml").read_text(encoding="utf-8"))
    found = {}
    for layer, spec in manifest.items():
        if isinstance(spec, dict) and spec.get("public"):
            for path in sorted((MODELS / layer).glob("*.toml")):
                found[path.stem] = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: found[name] for name in manifest["public"]["order"]}


#: public view → its declaration (columns, accepted_values, key, not_null, grain), in contract order
CONTRACT: dict[str, dict] = _declarations()
PUBLIC_VIEWS: tuple[str, ...] = tuple(CONTRACT)
COLUMNS: dict[str, tuple[str, ...]] = {v: tuple(d.get("columns", ())) for v, d in CONTRACT.items()}
ACCEPTED_VALUES: dict[tuple[str, str], set] = {
    (v, col): set(values) for v, d in CONTRACT.items() for col, values in d.get("accepted_values", {}).items()}


def check(con) -> list[str]:
    """Problems of the warehouse open on ``con`` (empty when the contract holds): every public
    view is a view in main with at least its declared columns, and coded columns hold only
    their accepted values. Columns may be added; none may go."""
    problems = []
    views = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal "
        "AND database_name = current_database()").fetchall()}
    for view, wanted in COLUMNS.items():
        if view not in views:
            problems.append(f"{view}: missing")
            continue
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?",
            [view]).fetchall()}
        missing = [c for c in wanted if c not in have]
        if missing:
            problems.append(f"{view}: missing columns {', '.join(missing)}")
    for (view, col), allowed in ACCEPTED_VALUES.items():
        if view not in views:
            continue
        seen = {r[0] for r in con.execute(f'SELECT DISTINCT "{col}" FROM main."{view}"').fetchall()}
        extra = sorted(str(v) for v in seen - allowed - {None})
        if extra:
            problems.append(f"{view}.{col}: values outside the contract: {', '.join(extra)}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    import duckdb

    try:
        con = duckdb.connect(argv[0], read_only=True)
    except duckdb.Error as e:
        print(f"cannot open {argv[0]}: {e} / 无法打开仓库文件", file=sys.stderr)
        return 2
    try:
        problems = check(con)
    finally:
        con.close()
    for p in problems:
        print(p)
    print("contract holds" if not problems else f"{len(problems)} contract problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
