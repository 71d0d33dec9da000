"""Issue 12 chaos: ingests under faults (SIGTERM, SIGKILL, the lock deleted with a second run
started, a file rewritten between the scan and its read, a full disk), fixed seed. After each: the published warehouse equals the previous
publish (S0) or a clean run's (R), no process of the run is alive, and the next run completes."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import time

from tests.flows.test_crash_safety import prefect_env  # noqa: F401 - one Prefect server for the module
from tests.support.fs import small_disk
from testkit.hostile import form_bytes
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

    # a file rewritten mid-run: the pool starts only after the scan, so rewriting the last file
    # of the run then changes its bytes between scan and read (intake.read.Changed)
    outcomes.append(_rewritten_mid_run(prefect_env, tmp_path, inbox, s0, log))

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


def _rewrite(path, data: bytes, mtime: int) -> None:
    """Replace a file's bytes and mtime at once, so a reader sees the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.utime(tmp, (mtime, mtime))
    os.replace(tmp, path)


def _rewritten_mid_run(env, tmp_path, inbox, s0, log):
    """The run reads the rewritten file as it is now (Changed: new sha256, size, mtime in
    `files`), loses no other file, and publishes what a clean run over the final inbox gives."""
    here = tmp_path / "inbox-rewritten"
    shutil.copytree(inbox, here)  # copy2: mtimes kept
    target = max(p for p in (here / "2024" / "新").iterdir())
    rel = target.relative_to(here).as_posix()
    dept = target.name.split(" ")[0]
    new_bytes, new_mtime = form_bytes(dept, target="999人次"), 1_700_500_000
    final = tmp_path / "inbox-final"  # the inbox as it is when the run ends
    shutil.copytree(inbox, final)
    _rewrite(final / rel, new_bytes, new_mtime)
    ref_final = tmp_path / "ref-final.duckdb"
    shutil.copyfile(s0, ref_final)
    run_ok(env, final, ref_final)

    db = tmp_path / "rewritten.duckdb"
    shutil.copyfile(s0, db)
    tag = "chaos-rewrite"
    proc = _start(env, here, db, tag, log)
    procs = wait_until_working(proc, db)  # the scan is recorded: it hashed the old bytes
    _rewrite(target, new_bytes, new_mtime)
    proc.wait(timeout=300)
    assert proc.returncode == 0
    assert not wait_all_gone(procs + with_tag(tag)), "file rewritten"
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        sha, size, value = con.execute(
            "SELECT f.sha256, f.size_bytes, i.value_raw FROM files f JOIN submissions s USING (sha256) "
            "JOIN indicators i USING (submission_id) WHERE f.path = ? AND i.name = '培训人次'", [rel]).fetchone()
        assert (sha, size, value) == (hashlib.sha256(new_bytes).hexdigest(), len(new_bytes), "999人次")
    got = views(snapshot(db))
    assert got == views(snapshot(ref_final)), "file rewritten: lost or stale rows"
    run_ok(env, here, db)  # the next run completes and changes nothing
    assert views(snapshot(db)) == got
    return ("file rewritten", proc.returncode, True)


def _limit_file_size(limit: int):
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        import signal as s

        s.signal(s.SIGXFSZ, s.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing

    return apply
