"""Issue 12 chaos: ingests under faults (SIGTERM, SIGKILL, the lock deleted with a second run
started, a full disk), fixed seed. After each: the published warehouse equals the previous
publish (S0) or a clean run's (R), no process of the run is alive, and the next run completes."""
from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time

from tests.flows.test_crash_safety import prefect_env  # noqa: F401 - one Prefect server for the module
from tests.support.fs import small_disk
from tests.support.runs import (CITIES, ingest_cmd, run_ok, snapshot, tagged, views, wait_all_gone,
                                wait_until_working, with_tag, write_forms)

SEED = 20261203


def _start(env, inbox, db, tag, log):
    return subprocess.Popen(ingest_cmd(inbox, db), env=tagged(env, tag), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def test_chaos(prefect_env, tmp_path):  # noqa: F811
    rng = random.Random(SEED)
    inbox = tmp_path / "inbox"
    write_forms(inbox, ["鄂州市财政局", "黄石市财政局"])
    s0 = tmp_path / "s0.duckdb"
    run_ok(prefect_env, inbox, s0)
    write_forms(inbox, [f"{c}{d}" for d in ("教育局", "民政局") for c in CITIES], folder="2024/新")
    ref = tmp_path / "ref.duckdb"
    shutil.copyfile(s0, ref)
    run_ok(prefect_env, inbox, ref)
    allowed = (views(snapshot(s0)), views(snapshot(ref)))
    log = open(tmp_path / "runs.log", "ab")
    outcomes = []

    for n, fault in enumerate(["SIGTERM", "SIGKILL", "lock deleted", "SIGKILL", "SIGTERM"]):
        db = tmp_path / f"c{n}.duckdb"
        shutil.copyfile(s0, db)
        tag = f"chaos-{n}"
        proc = _start(prefect_env, inbox, db, tag, log)
        procs = wait_until_working(proc, db)
        time.sleep(rng.uniform(0, 1.5))
        second = None
        if fault == "lock deleted":
            db.with_name(db.name + ".lock").unlink(missing_ok=True)
            second = _start(prefect_env, inbox, db, tag, log)
        else:
            proc.send_signal(getattr(signal, fault))
        proc.wait(timeout=300)
        if second is not None:
            second.wait(timeout=300)
        assert not wait_all_gone(procs + with_tag(tag)), fault
        assert views(snapshot(db)) in allowed, f"{fault}: a mixed warehouse"
        outcomes.append((fault, proc.returncode, views(snapshot(db)) == allowed[1]))
        run_ok(prefect_env, inbox, db)  # the next run completes
        assert views(snapshot(db)) == allowed[1]

    # a full disk: the warehouse folder on a small file system (root), else a file-size limit
    with small_disk(tmp_path / "small", size=f"{(s0.stat().st_size * 3) // 2 // 1024 + 64}k") as small:
        folder = small if small is not None else tmp_path / "limited"
        folder.mkdir(exist_ok=True)
        db = folder / "w.duckdb"
        shutil.copyfile(s0, db)
        extra = {} if small is not None else {"preexec_fn": _limit_file_size(s0.stat().st_size * 3 // 2)}
        proc = subprocess.run(ingest_cmd(inbox, db), env=prefect_env, capture_output=True, text=True, timeout=300,
                              **extra)
        assert proc.returncode != 0 and views(snapshot(db)) == allowed[0], proc.stdout + proc.stderr[-2000:]
        assert not list(folder.glob("w.duckdb.building*"))  # the failed run removed its copy
        outcomes.append(("full disk", proc.returncode, False))
        shutil.copyfile(db, tmp_path / "after-full.duckdb")
    db = tmp_path / "after-full.duckdb"
    run_ok(prefect_env, inbox, db)
    assert views(snapshot(db)) == allowed[1]
    print(outcomes)


def _limit_file_size(limit: int):
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        import signal as s

        s.signal(s.SIGXFSZ, s.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing

    return apply
