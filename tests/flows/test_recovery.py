"""Issue 12.10 through the CLI: a damaged published warehouse is one sentence naming the file and
the way back; `jixiao ingest --rebuild` sets it aside, reloads the registry from the CSV it came
from and rebuilds from the inbox."""
from __future__ import annotations

import subprocess

import duckdb

from tests.conftest import REPO
from tests.support.runs import JIXIAO, env_for, ingest_cmd, run_ok, write_forms


def test_a_damaged_warehouse_is_named_and_rebuild_brings_it_back(prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = env_for(tmp_path, api_url=PREFECT_API_URL.value())
    inbox = tmp_path / "inbox"
    write_forms(inbox, ["鄂州市财政局", "黄石市财政局"])
    db = tmp_path / "w.duckdb"
    reg = subprocess.run([str(JIXIAO), "registry", "load", str(REPO / "samples" / "registry.csv"), "--db", str(db)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert reg.returncode == 0, reg.stderr
    run_ok(env, inbox, db)
    data = db.read_bytes()
    db.write_bytes(data[:4096] + bytes(len(data) - 4096))  # the header survives, the rest is zeros

    broken = subprocess.run(ingest_cmd(inbox, db), env=env, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr, broken.stderr
    (line,) = broken.stderr.strip().splitlines()
    assert str(db) in line and "--rebuild" in line and ".building" not in line

    rebuilt = run_ok(env, inbox, db, "--rebuild")
    assert "registry reloaded from" in rebuilt.stderr, rebuilt.stderr
    (aside,) = tmp_path.glob("w.duckdb.damaged-*")
    assert aside.read_bytes()[4096:] == bytes(len(data) - 4096)  # kept as it was, for whoever looks
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.registry").fetchone()[0] == 12
        assert con.execute("SELECT count(*) FROM submissions WHERE is_current").fetchone()[0] == 2
