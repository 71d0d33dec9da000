"""Dashboard drivers bundle older DuckDBs: the published warehouse must open read-only in DuckDB
1.3 and answer every public view. DuckDB 1.3 runs in its own venv (pip from the registry,
cached under .venv/old-readers/), in its own process."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO
from tests.support.demo import demo_warehouse
from warehouse.store import PUBLIC_VIEWS

OLD_DUCKDB = "1.3.2"
VENV = REPO / ".venv" / "old-readers" / f"duckdb-{OLD_DUCKDB}"

READ_EVERY_VIEW = textwrap.dedent("""
    import sys, duckdb
    assert duckdb.__version__ == sys.argv[2], duckdb.__version__
    con = duckdb.connect(sys.argv[1], read_only=True)
    for view in sys.argv[3:]:
        n = con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0]
        con.execute(f'SELECT * FROM "{view}"').fetchall()
        print(view, n)
""")


@pytest.fixture(scope="module")
def old_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"duckdb=={OLD_DUCKDB}"],
                       check=True, timeout=600)
    return python


def write_for_old_readers(db: Path, target: Path, version: str = "v1.3.0") -> Path:
    """A copy of the warehouse in an older storage format (what publish does once it writes one)."""
    target.unlink(missing_ok=True)
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{db}' AS pub (READ_ONLY)")
        con.execute(f"ATTACH '{target}' AS old (STORAGE_VERSION '{version}')")
        con.execute("COPY FROM DATABASE pub TO old")
    return target


def _read_with_old(python: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-c", READ_EVERY_VIEW, str(db), OLD_DUCKDB, *PUBLIC_VIEWS],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()


def test_v1_3_storage_copy_answers_every_public_view_in_duckdb_1_3(db, old_python, tmp_path):
    old = write_for_old_readers(db, tmp_path / "warehouse_v13.duckdb")
    proc = _read_with_old(old_python, old)
    assert proc.returncode == 0, proc.stderr
    counts = dict(line.split() for line in proc.stdout.splitlines())
    assert list(counts) == list(PUBLIC_VIEWS)
    with duckdb.connect(str(db), read_only=True) as con:
        for view in PUBLIC_VIEWS:
            assert int(counts[view]) == con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0], view


def test_published_file_itself_opens_in_duckdb_1_3(db, old_python):
    proc = _read_with_old(old_python, db)
    assert proc.returncode == 0, proc.stderr
