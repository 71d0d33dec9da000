"""The ingestion benchmark: real CLI runs over generated inboxes, against the targets of issue 6.

    .venv/bin/python -m bench.run --forms 1000 10000 [--workers N] [--workdir .bench] [--runner processes|dask]
    make bench                      # the same, 1k and 10k forms

For each inbox size it generates N distinct forms (bench/generate.py, cached in the workdir), then
runs ``jixiao ingest`` as a subprocess against a Prefect server started once for the benchmark
(or the one of ``PREFECT_API_URL`` when set), and reports:

* forms/s end to end (wall time of the subprocess, start-up included) and without the fixed
  start-up cost (the wall time of an ingest over an empty inbox, measured first);
* ms/form per stage, read from the run's ``run_stats`` rows (extract, normalize, validate are
  CPU seconds summed over the worker processes; load is the single writer's wall time);
* peak RSS of the whole ``jixiao`` process tree (the flow process and its workers; the shared
  Prefect server is not in it), sampled every 0.1 s (sum of RSS; sum of PSS, which counts shared pages once, every 0.5 s);
* the bare-lxml baseline of the same files in the same run: zip read + ``lxml.etree.fromstring``
  of word/document.xml, in a pool of as many processes as the ingest had workers, summed per
  file, and the ratio of the extract stage to it;
* the re-run over the unchanged inbox (wall time, and without start-up);
* view and rollup query times at >= 1M indicator values, on a copy of the largest warehouse
  multiplied in SQL (INSERT ... SELECT with new content keys; every copy is a current submission);
* the fixed start-up cost of ``jixiao ingest``: with a temporary Prefect server (no
  ``PREFECT_API_URL``) and with the running server reused;
* with ``--mix N`` (issue 10): N forms as the mixed inbox offices send (70% .docx, 15% .doc/.wps,
  10% .xlsx, 5% PDF; ``bench.generate --mix``) and the same N forms as .docx only, each ingested
  into a fresh warehouse, alternating, ``--mix-rounds`` times; forms/s of both and the ratio,
  against the target of at least half the .docx rate.

Results are printed as a table and written to WORKDIR/results.json.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_VALUES = 1_000_000


# --------------------------------------------------------------------------- processes

def _tree_memory(proc: psutil.Process, with_pss: bool) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over a process and all its descendants. RSS counts the pages
    that forked workers share with their parent once per process; PSS splits them."""
    rss = pss = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0, 0
    for p in procs:
        try:
            if with_pss:
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            else:
                rss += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
            pass
    return rss, pss


def run_cli(args: list[str], env: dict) -> dict:
    """Run a command; wall seconds, peak RSS of its process tree, exit code, output tail."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO)
    ps = psutil.Process(proc.pid)
    peak = peak_pss = 0
    out_chunks = []
    import threading

    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    tick = 0
    while proc.poll() is None:  # RSS every 0.1 s, PSS (reads smaps) every 0.5 s
        rss, pss = _tree_memory(ps, with_pss=tick % 5 == 0)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        tick += 1
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    reader.join()
    out = b"".join(out_chunks).decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{out[-3000:]}")
    return {"wall_s": wall, "peak_rss_mib": peak / 2**20, "peak_pss_mib": peak_pss / 2**20, "output": out}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer:
    """The benchmark's Prefect server: PREFECT_API_URL's when set, else one started here."""

    def __init__(self, env: dict, home: Path):
        self.env = env
        self.home = home
        self.proc = None
        self.url = env.get("PREFECT_API_URL")

    def __enter__(self) -> "PrefectServer":
        if self.url:
            return self
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        env = dict(self.env, PREFECT_HOME=str(self.home))
        env.pop("PREFECT_API_URL", None)
        self.log = open(self.home / "server.log", "wb")
        self.proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                      "--port", str(port)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError("the Prefect server did not start; see " + str(self.home / "server.log"))

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None
            self.log.close()


# --------------------------------------------------------------------------- measurements

def _bare_parse(paths: list[str]) -> float:
    from lxml import etree

    from extractors.docx_reader import _PARSER

    total = 0.0
    for p in paths:
        t0 = time.perf_counter()
        with zipfile.ZipFile(p) as zf:
            xml = zf.read("word/document.xml")
        etree.fromstring(xml, _PARSER)
        total += time.perf_counter() - t0
    return total


def bare_lxml_ms(files: list[Path], workers: int) -> float:
    """ms per file of zip read + lxml parse, in `workers` processes like the ingest."""
    paths = [str(p) for p in files]
    chunks = [paths[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_bare_parse, [c[:20] for c in chunks]))  # warm imports and page cache
        total = sum(pool.map(_bare_parse, chunks))
    return 1000 * total / max(1, len(paths))


def printed_stages(output: str) -> dict:
    """The '耗时 seconds: open 0.12, …, publish 0.40' line of `jixiao ingest`."""
    for line in output.splitlines():
        if line.startswith("耗时 seconds:"):
            pairs = (item.strip().rsplit(" ", 1) for item in line.split(":", 1)[1].split(","))
            return {k: float(v) for k, v in pairs}
    return {}


def run_stats(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        run = con.execute("SELECT run_id, forms_loaded, files_processed FROM raw.runs "
                          "WHERE status = 'completed' ORDER BY finished_at DESC LIMIT 1").fetchall()[0]
        rows = con.execute("SELECT key, value, text FROM raw.run_stats WHERE run_id = ?", [run[0]]).fetchall()
        stats = {k: (v if v is not None else t) for k, v, t in rows}
        stats["forms_loaded"] = run[1]
        stats["indicator_values"] = con.execute("SELECT count(*) FROM indicators").fetchall()[0][0]
        stats["db_mib"] = db.stat().st_size / 2**20
        return stats
    finally:
        con.close()


MULTIPLY_SQL = """
CREATE TEMP TABLE _k AS SELECT range AS k FROM range(1, $copies);
CREATE TEMP TABLE _sha AS
    SELECT c.sha256 AS sha, _k.k, md5(c.sha256 || '#' || _k.k) || md5(_k.k || '#' || c.sha256) AS sha2
    FROM raw.contents AS c, _k;
CREATE TEMP TABLE _sid AS
    SELECT s.submission_id AS sid, m.k, left(m.sha2, 16) || '-' || s.form_index AS sid2
    FROM raw.raw_submissions AS s JOIN _sha AS m ON m.sha = s.sha256;
INSERT INTO raw.inbox_files BY NAME
    SELECT i.* REPLACE (i.path || ' #' || m.k AS path, m.sha2 AS sha256)
    FROM raw.inbox_files AS i JOIN _sha AS m ON m.sha = i.sha256
    QUALIFY row_number() OVER (PARTITION BY i.sha256, m.k ORDER BY i.path) = 1;
INSERT INTO raw.contents BY NAME SELECT c.* REPLACE (m.sha2 AS sha256) FROM raw.contents AS c JOIN _sha AS m ON m.sha = c.sha256;
INSERT INTO raw.raw_submissions BY NAME
    SELECT s.* REPLACE (m.sha2 AS sha256, left(m.sha2, 16) || '-' || s.form_index AS submission_id,
                        s.logical_key || '#' || m.k AS logical_key)
    FROM raw.raw_submissions AS s JOIN _sha AS m ON m.sha = s.sha256;
INSERT INTO raw.raw_funding BY NAME SELECT t.* REPLACE (x.sid2 AS submission_id) FROM raw.raw_funding AS t JOIN _sid AS x ON x.sid = t.submission_id;
INSERT INTO raw.raw_goals BY NAME SELECT t.* REPLACE (x.sid2 AS submission_id) FROM raw.raw_goals AS t JOIN _sid AS x ON x.sid = t.submission_id;
INSERT INTO raw.raw_indicators BY NAME SELECT t.* REPLACE (x.sid2 AS submission_id) FROM raw.raw_indicators AS t JOIN _sid AS x ON x.sid = t.submission_id;
INSERT INTO raw.raw_findings BY NAME
    SELECT f.* REPLACE (m.sha2 AS sha256, CASE WHEN f.submission_id IS NULL THEN NULL
                        ELSE left(m.sha2, 16) || '-' || split_part(f.submission_id, '-', 2) END AS submission_id)
    FROM raw.raw_findings AS f JOIN _sha AS m ON m.sha = f.sha256;
CHECKPOINT;
"""

QUERIES = {
    "city_rollup (all rows)": "SELECT * FROM city_rollup",
    "province_rollup (all rows)": "SELECT * FROM province_rollup",
    "indicators: count by year/city": "SELECT budget_year, city, count(*), avg(value_num) FROM indicators GROUP BY ALL",
    "indicators: one department": "SELECT * FROM indicators WHERE department = $dept",
    "submissions: one city": "SELECT * FROM submissions WHERE city = $city",
    "funding: totals by city": "SELECT city, sum(amount_wan) FROM funding WHERE is_total GROUP BY ALL",
    "files: by status": "SELECT status, count(*) FROM files GROUP BY ALL",
    "quality_issues: by check": "SELECT \"check\", count(*) FROM quality_issues GROUP BY ALL",
}


def query_times(source_db: Path, work: Path, repeat: int = 5) -> dict:
    """Multiply `source_db` to >= 1M indicator values, then time the view queries (ms)."""
    big = work / "million.duckdb"
    shutil.copyfile(source_db, big)
    con = duckdb.connect(str(big))
    n = con.execute("SELECT count(*) FROM raw.raw_indicators").fetchall()[0][0]
    copies = max(1, math.ceil(TARGET_VALUES / max(1, n)))
    t0 = time.perf_counter()
    if copies > 1:
        from warehouse import models

        con.execute(MULTIPLY_SQL.replace("$copies", str(copies)))
        models.build(con)  # as a publish does: the staging tables are computed again
        con.execute("CHECKPOINT")
    build_s = time.perf_counter() - t0
    con.close()
    con = duckdb.connect(str(big), read_only=True)
    try:
        values = con.execute("SELECT count(*) FROM indicators").fetchall()[0][0]
        forms = con.execute("SELECT count(*) FROM submissions WHERE is_current").fetchall()[0][0]
        dept, city = con.execute("SELECT department, city FROM submissions WHERE city IS NOT NULL LIMIT 1").fetchall()[0]
        out = {}
        for name, sql in QUERIES.items():
            params = {k: v for k, v in (("dept", dept), ("city", city)) if "$" + k in sql}
            times = []
            for _ in range(repeat + 1):
                t = time.perf_counter()
                con.sql(sql, params=params or None).to_arrow_table()
                times.append(1000 * (time.perf_counter() - t))
            out[name] = {"first_ms": times[0], "median_ms": statistics.median(times[1:])}
        return {"indicator_values": values, "current_forms": forms, "copies": copies,
                "build_s": build_s, "queries": out}
    finally:
        con.close()
        big.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the benchmark

def corpus(work: Path, n: int, seed: int) -> Path:
    inbox = work / f"inbox-{n}"
    marker = work / f"inbox-{n}.complete"
    if not marker.exists():
        shutil.rmtree(inbox, ignore_errors=True)
        from bench.generate import generate

        t0 = time.perf_counter()
        generate(inbox, n, seed)
        marker.write_text(f"{n} forms, seed {seed}\n")
        print(f"  generated {n} forms in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return inbox


def mixed_corpus(work: Path, n: int, seed: int) -> tuple[Path, dict]:
    """N forms, the same as corpus(n, seed), a share of them in the other formats."""
    inbox = work / f"mix-{n}"
    marker = work / f"mix-{n}.complete"
    if not marker.exists():
        shutil.rmtree(inbox, ignore_errors=True)
        from bench.generate import generate, mix_formats

        t0 = time.perf_counter()
        counts = mix_formats(generate(inbox, n, seed), seed)
        marker.write_text(json.dumps(counts) + "\n")
        print(f"  generated {n} mixed forms {counts} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return inbox, json.loads(marker.read_text())


def mix_ratio(work: Path, n: int, args, env: dict) -> dict:
    """The mixed inbox against the same forms as .docx only, alternating fresh ingests."""
    inboxes = {"docx": corpus(work, n, args.seed)}
    inboxes["mix"], counts = mixed_corpus(work, n, args.seed)
    walls: dict[str, list[float]] = {"docx": [], "mix": []}
    loaded: dict[str, int] = {}
    for k in range(args.mix_rounds):
        for name in (("docx", "mix") if k % 2 == 0 else ("mix", "docx")):
            db = work / f"warehouse-{name}-{n}.duckdb"
            for f in (db, db.with_name(db.name + ".lock")):
                f.unlink(missing_ok=True)
            walls[name].append(run_cli(ingest_cmd(inboxes[name], db, args), env)["wall_s"])
            loaded[name] = run_stats(db)["forms_loaded"]
    rate = {name: loaded[name] / statistics.mean(w) for name, w in walls.items()}
    return {"forms": n, "formats": counts, "wall_s": walls, "forms_loaded": loaded,
            "forms_per_s": rate, "mix_to_docx": rate["mix"] / rate["docx"], "target": 0.5}


def ingest_cmd(inbox: Path, db: Path, args) -> list[str]:
    cmd = [str(BIN / "jixiao"), "ingest", str(inbox), "--db", str(db), "--workers", str(args.workers),
           "--runner", args.runner, "--batch-size", str(args.batch_size)]
    if args.dask_address:
        cmd += ["--dask-address", args.dask_address]
    return cmd


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench.run", description="jixiao ingestion benchmark (issue 6)")
    p.add_argument("--forms", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--workers", type=int, default=None, help="default: CPU count")
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--runner", choices=("processes", "dask"), default="processes")
    p.add_argument("--dask-address", default=None)
    p.add_argument("--workdir", default=str(REPO / ".bench"))
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--skip-queries", action="store_true")
    p.add_argument("--mix", type=int, default=None, metavar="N",
                   help="also N forms as the mixed inbox of issue 10 against the same N as .docx only")
    p.add_argument("--mix-rounds", type=int, default=2, help="alternating ingests of each (default: 2)")
    args = p.parse_args(argv)
    from transforms.pool import default_workers

    args.workers = args.workers or default_workers()
    work = Path(args.workdir).absolute()
    work.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="prefect-", dir=work))
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING")
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
               "cpus": os.cpu_count(), "workers": args.workers, "runner": args.runner,
               "batch_size": args.batch_size, "load_before": os.getloadavg(), "sizes": {}}
    empty = work / "inbox-empty"
    empty.mkdir(exist_ok=True)
    try:
        # 1. fixed start-up cost, temporary server (no PREFECT_API_URL)
        env_tmp = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        db0 = work / "startup.duckdb"
        db0.unlink(missing_ok=True)
        results["startup_temporary_server_s"] = run_cli(ingest_cmd(empty, db0, args), env_tmp)["wall_s"]
        with PrefectServer(env, home) as server:
            env_srv = dict(env, PREFECT_API_URL=server.url)
            db0.unlink(missing_ok=True)
            run_cli(ingest_cmd(empty, db0, args), env_srv)  # first flow call against this server
            db0.unlink(missing_ok=True)
            startup = run_cli(ingest_cmd(empty, db0, args), env_srv)["wall_s"]
            results["startup_reused_server_s"] = startup
            largest = None
            for n in args.forms:
                print(f"== {n} forms", file=sys.stderr)
                inbox = corpus(work, n, args.seed)
                files = sorted(inbox.rglob("*.docx"))
                db = work / f"warehouse-{n}.duckdb"
                for f in (db, db.with_name(db.name + ".lock")):
                    f.unlink(missing_ok=True)
                first = run_cli(ingest_cmd(inbox, db, args), env_srv)
                stats = run_stats(db)
                rerun = run_cli(ingest_cmd(inbox, db, args), env_srv)
                rerun_stats = run_stats(db)
                bare = bare_lxml_ms(files, args.workers)
                forms = stats["forms_loaded"]
                per = {k: 1000 * stats.get(k, 0.0) / max(1, forms) for k in ("extract", "normalize", "validate", "load")}
                results["sizes"][n] = {
                    "files": len(files), "forms_loaded": forms, "indicator_values": stats["indicator_values"],
                    "db_mib": stats["db_mib"],
                    "wall_s": first["wall_s"], "forms_per_s": forms / first["wall_s"],
                    "forms_per_s_without_startup": forms / max(1e-9, first["wall_s"] - startup),
                    "flow_s_before_publish": stats.get("before_publish"),
                    "publish_s": printed_stages(first["output"]).get("publish"),
                    "stage_ms_per_form": per, "stage_seconds": {k: v for k, v in stats.items() if isinstance(v, float)},
                    "peak_rss_mib": first["peak_rss_mib"], "peak_pss_mib": first["peak_pss_mib"],
                    "bare_lxml_ms_per_form": bare, "extract_to_bare_lxml": per["extract"] / bare if bare else None,
                    "rerun_wall_s": rerun["wall_s"], "rerun_without_startup_s": rerun["wall_s"] - startup,
                    "rerun_files_processed": rerun_stats.get("files_processed"),
                    "rerun_stage_seconds": printed_stages(rerun["output"]),
                    "rerun_peak_rss_mib": rerun["peak_rss_mib"],
                }
                print(json.dumps(results["sizes"][n], ensure_ascii=False, indent=1), file=sys.stderr)
                largest = db
            if args.mix:
                print(f"== the mixed inbox, {args.mix} forms", file=sys.stderr)
                results["mix"] = mix_ratio(work, args.mix, args, env_srv)
                print(json.dumps(results["mix"], ensure_ascii=False, indent=1), file=sys.stderr)
        if largest is not None and not args.skip_queries:
            print("== queries at >= 1M indicator values", file=sys.stderr)
            results["queries"] = query_times(largest, work)
    finally:
        results["load_after"] = os.getloadavg()
        (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
        shutil.rmtree(home, ignore_errors=True)
    print(report(results))
    return 0


def report(r: dict) -> str:
    lines = [f"jixiao benchmark {r['date']} — {r['cpus']} CPUs, workers={r['workers']}, runner={r['runner']}, "
             f"batch={r['batch_size']}; load average before {r['load_before'][0]:.2f}, after {r['load_after'][0]:.2f}",
             f"start-up of `jixiao ingest` (empty inbox): temporary Prefect server "
             f"{r.get('startup_temporary_server_s', float('nan')):.1f} s, running server reused "
             f"{r.get('startup_reused_server_s', float('nan')):.1f} s", ""]
    sizes = r["sizes"]
    if sizes:
        cols = list(sizes)
        def row(label, fn):
            vals = []
            for n in cols:
                try:
                    vals.append(fn(sizes[n]))
                except (TypeError, KeyError):
                    vals.append("–")
            lines.append(f"| {label} | " + " | ".join(vals) + " |")
        lines.append("| measure | " + " | ".join(f"{n} forms" for n in cols) + " |")
        lines.append("|---|" + "---|" * len(cols))
        row("forms/s end to end (start-up incl.)", lambda s: f"{s['forms_per_s']:.0f} ({s['wall_s']:.1f} s)")
        row("forms/s without start-up", lambda s: f"{s['forms_per_s_without_startup']:.0f}")
        for k in ("extract", "normalize", "validate", "load"):
            row(f"{k} ms/form", lambda s, k=k: f"{s['stage_ms_per_form'][k]:.2f}")
        row("bare lxml (zip+parse) ms/form", lambda s: f"{s['bare_lxml_ms_per_form']:.2f}")
        row("extract / bare lxml", lambda s: f"{s['extract_to_bare_lxml']:.2f}×")
        row("peak memory of the process tree: RSS sum (PSS sum)",
            lambda s: f"{s['peak_rss_mib']:.0f} MiB ({s['peak_pss_mib']:.0f} MiB)")
        row("flow: before publish / publish", lambda s: f"{s['flow_s_before_publish']:.1f} s / {s['publish_s']:.1f} s")
        row("re-run, unchanged inbox: whole CLI (server reused)", lambda s: f"{s['rerun_wall_s']:.1f} s")
        row("re-run inside the flow: open+scan / publish", lambda s: (
            f"{s['rerun_stage_seconds']['open'] + s['rerun_stage_seconds']['scan']:.2f} s / "
            f"{s['rerun_stage_seconds']['publish']:.2f} s"))
        row("indicator values / DB size", lambda s: f"{s['indicator_values']:,} / {s['db_mib']:.0f} MiB")
    m = r.get("mix")
    if m:
        rate = m["forms_per_s"]
        lines += ["", f"mixed inbox (issue 10), {m['forms']} forms {m['formats']}: "
                      f"{rate['mix']:.0f} forms/s against {rate['docx']:.0f} for the same forms as .docx only "
                      f"(mean of {len(m['wall_s']['mix'])} alternating ingests each, start-up incl.) = "
                      f"{m['mix_to_docx']:.0%} (target ≥ {m['target']:.0%}: "
                      f"{'met' if m['mix_to_docx'] >= m['target'] else 'NOT met'})"]
    q = r.get("queries")
    if q:
        lines += ["", f"queries at {q['indicator_values']:,} indicator values ({q['current_forms']:,} current forms; "
                      f"built by {q['copies']}× INSERT…SELECT in {q['build_s']:.1f} s), read-only connection, results fetched as Arrow:", "",
                  "| query | first ms | median ms |", "|---|---|---|"]
        for name, t in q["queries"].items():
            lines.append(f"| {name} | {t['first_ms']:.1f} | {t['median_ms']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
