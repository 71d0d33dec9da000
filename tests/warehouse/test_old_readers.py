"""Dashboard drivers bundle older DuckDBs: the published warehouse must open read-only in DuckDB
1.0 and answer every public view. DuckDB 1.0 runs in its own venv (pip from the registry,
cached under .venv/old-readers/), in its own process."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import shutil

import duckdb
import pytest

from tests.conftest import REPO
from tests.support.demo import demo_warehouse
from warehouse.store import PUBLIC_VIEWS

OLD_DUCKDB = "1.0.0"  # the oldest release that opens the published storage format (v1.0.0)
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


def _read_with_old(python: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-c", READ_EVERY_VIEW, str(db), OLD_DUCKDB, *PUBLIC_VIEWS],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()


def _assert_same_counts(db: Path, stdout: str) -> None:
    counts = dict(line.split() for line in stdout.splitlines())
    assert list(counts) == list(PUBLIC_VIEWS)
    with duckdb.connect(str(db), read_only=True) as con:
        for view in PUBLIC_VIEWS:
            assert int(counts[view]) == con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0], view


def test_published_file_itself_opens_in_duckdb_1_0(db, old_python):
    proc = _read_with_old(old_python, db)
    assert proc.returncode == 0, proc.stderr
    _assert_same_counts(db, proc.stdout)


EVIDENCE = Path(__file__).parent / "evidence"  # package.json + package-lock.json pin the driver
EVIDENCE_CACHE = REPO / ".venv" / "old-readers" / "evidence-duckdb-2.0.1"


@pytest.fixture(scope="module")
def evidence_driver() -> Path:
    """Evidence's DuckDB driver from the npm registry, as its lock file pins it, installed once
    (`npm install`: `npm ci` trips on the lock's other-platform bindings)."""
    script = EVIDENCE_CACHE / "read_views.mjs"
    if not (EVIDENCE_CACHE / "node_modules" / "@evidence-dev" / "duckdb").exists():
        EVIDENCE_CACHE.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(EVIDENCE / name, EVIDENCE_CACHE / name)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-save"], cwd=EVIDENCE_CACHE, check=True,
                       capture_output=True, timeout=600)
    shutil.copy(EVIDENCE / "read_views.mjs", script)
    return script


def test_evidence_driver_reads_every_public_view_of_the_published_file(db, evidence_driver):
    # Evidence bundles DuckDB 1.4 (@duckdb/node-api 1.4.2): the published file must open in it as is.
    proc = subprocess.run(["node", str(evidence_driver), str(db), *PUBLIC_VIEWS],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    _assert_same_counts(db, proc.stdout)
