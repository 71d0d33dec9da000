"""Read-only access to a published warehouse (for the CLI summary, dashboards, tests).

Readers never block a run and are never blocked by one: a run writes a private copy and
replaces the published file atomically (see store.py). A connection keeps seeing the state it
opened; reconnect to see a newer run. DuckDB shares one database instance per path inside a
process, so close connections when done (``with connect_readonly(p) as con: ...``).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

FILE_STATUSES = ("loaded", "loaded_with_warnings", "superseded", "duplicate", "rejected", "ignored")


def connect_readonly(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `jixiao ingest INBOX --db {path}` first")
    return duckdb.connect(str(path), read_only=True)


def summary(db_path: str | Path) -> dict:
    """Counts of the published warehouse: files by status, current forms, indicator values,
    findings by severity, completed runs and the last one."""
    with connect_readonly(db_path) as con:
        by_status = dict(con.execute("SELECT status, count(*) FROM files GROUP BY status").fetchall())
        files_by_status = {s: int(by_status.pop(s, 0)) for s in FILE_STATUSES}
        files_by_status.update({s: int(n) for s, n in by_status.items()})
        forms_current, forms_superseded = con.execute(
            "SELECT count(*) FILTER (WHERE is_current), count(*) FILTER (WHERE NOT is_current) FROM submissions"
        ).fetchone()
        indicators = con.execute("SELECT count(*) FROM indicators").fetchone()[0]
        findings = dict(con.execute(
            "SELECT severity, count(*) FROM quality_issues GROUP BY severity ORDER BY severity"
        ).fetchall())
        runs_completed = con.execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone()[0]
        last = con.execute(
            """SELECT run_id, started_at, finished_at, inbox, files_seen, files_processed, forms_loaded, findings
               FROM runs WHERE status = 'completed' ORDER BY finished_at DESC, run_id DESC LIMIT 1"""
        ).fetchone()
        years = [r[0] for r in con.execute(
            "SELECT DISTINCT budget_year FROM submissions WHERE is_current AND budget_year IS NOT NULL ORDER BY 1"
        ).fetchall()]
    last_run = None
    if last is not None:
        keys = ("run_id", "started_at", "finished_at", "inbox", "files_seen", "files_processed",
                "forms_loaded", "findings")
        last_run = dict(zip(keys, last))
    return {
        "db": str(db_path),
        "files": int(sum(files_by_status.values())),
        "files_by_status": files_by_status,
        "forms_current": int(forms_current or 0),
        "forms_superseded": int(forms_superseded or 0),
        "budget_years": years,
        "indicators": int(indicators),
        "findings_by_severity": {"error": int(findings.pop("error", 0)),
                                 "warning": int(findings.pop("warning", 0)),
                                 **{k: int(v) for k, v in findings.items()}},
        "runs": int(runs_completed),
        "last_run": last_run,
    }


def format_summary(d: dict) -> str:
    """A few plain-text lines for the terminal."""
    statuses = ", ".join(f"{s} {n}" for s, n in d["files_by_status"].items() if n) or "none"
    findings = ", ".join(f"{s} {n}" for s, n in d["findings_by_severity"].items()) or "none"
    years = ", ".join(str(y) for y in d.get("budget_years") or []) or "-"
    lines = [
        f"仓库 warehouse: {d['db']}",
        f"文件 files: {d['files']} ({statuses})",
        f"现行表 current forms: {d['forms_current']} (superseded versions {d['forms_superseded']}); "
        f"预算年度 budget years: {years}",
        f"指标值 indicator values: {d['indicators']}",
        f"问题 findings: {findings}",
    ]
    last = d.get("last_run")
    if last:
        finished = last["finished_at"].strftime("%Y-%m-%d %H:%M:%S") if last["finished_at"] else "-"
        lines.append(
            f"运行 runs: {d['runs']} completed; last {last['run_id']} finished {finished} UTC "
            f"(files seen {last['files_seen']}, processed {last['files_processed']}, "
            f"forms loaded {last['forms_loaded']})"
        )
    else:
        lines.append("运行 runs: none completed")
    return "\n".join(lines)
