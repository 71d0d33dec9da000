"""Read-only access to a published warehouse (for the CLI summary, dashboards, tests).

Readers never block a run and are never blocked by one: a run writes a private copy and
replaces the published file atomically (see store.py). A connection keeps seeing the state it
opened; reconnect to see a newer run. DuckDB shares one database instance per path inside a
process, so close connections when done (``with connect_readonly(p) as con: ...``).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from jixiao.catalog import name_zh
from warehouse.labels import SUBMISSION_STATUS_ZH

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
        runs_completed = con.execute("SELECT count(*) FROM raw.runs WHERE status = 'completed'").fetchone()[0]
        last = con.execute(
            """SELECT run_id, started_at, finished_at, inbox, files_seen, files_processed, forms_loaded, findings
               FROM raw.runs WHERE status = 'completed' ORDER BY finished_at DESC, run_id DESC LIMIT 1"""
        ).fetchone()
        years = [r[0] for r in con.execute(
            "SELECT DISTINCT budget_year FROM submissions WHERE is_current AND budget_year IS NOT NULL ORDER BY 1"
        ).fetchall()]
        findings_by_check = findings_table(con)
        status = status_counts(con)
        # warnings about the warehouse itself, kept by the last completed run (issue 12.7)
        warehouse_warnings = [] if last is None else [
            {"code": k, "message": t} for k, t in con.execute(
                "SELECT key, text FROM raw.run_stats WHERE run_id = ? AND key = 'foreign_wal' ORDER BY text",
                [last[0]]).fetchall()]
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
        "findings_by_check": {r["check"]: r["findings"] for r in findings_by_check},
        "submission_status": status,
        "warehouse_warnings": warehouse_warnings,
    }


def _has(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                            "AND table_name = ?", [name]).fetchone()[0])


def findings_table(con) -> list[dict]:
    """Findings by check: check, Chinese name (jixiao.catalog), severity, findings, forms, files (most first)."""
    rows = con.execute(
        """SELECT "check", min(severity), count(*), count(DISTINCT submission_id), count(DISTINCT path)
           FROM quality_issues GROUP BY "check" ORDER BY count(*) DESC, "check" """).fetchall()
    return [{"check": c, "check_zh": name_zh(c), "severity": sev, "findings": int(n),
             "forms": int(forms), "files": int(files)} for c, sev, n, forms, files in rows]


def status_counts(con) -> dict:
    """Per budget year: departments by submission status, and the departments still missing."""
    if not _has(con, "submission_status"):
        return {}
    out: dict = {}
    for year, status, n in con.execute(
            "SELECT budget_year, status, count(*) FROM submission_status GROUP BY ALL ORDER BY ALL").fetchall():
        out.setdefault(int(year), {"counts": {}, "missing": []})["counts"][status] = int(n)
    for year, dept, status in con.execute(
            "SELECT budget_year, department, status FROM submission_status "
            "WHERE status IN ('missing', 'rejected', 'partial') ORDER BY budget_year, status, department").fetchall():
        out[int(year)]["missing"].append(f"{dept}（{SUBMISSION_STATUS_ZH.get(status, status)}）")
    return out


def file_outcomes(db_path: str | Path) -> list[dict]:
    """One row per file: path, status, reason, forms, message (for the run's artifact)."""
    with connect_readonly(db_path) as con:
        rows = con.execute("SELECT path, status, coalesce(reason, ''), forms, coalesce(message, '') "
                           "FROM files ORDER BY path").fetchall()
    return [{"path": p, "status": st, "reason": r, "forms": int(f), "message": m} for p, st, r, f, m in rows]


def findings_by_check(db_path: str | Path) -> list[dict]:
    with connect_readonly(db_path) as con:
        return findings_table(con)


def _md_table(head: list[str], rows: list[list]) -> list[str]:
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:.1%}" if v <= 1 else f"{v:,.2f}"
        return str(v).replace("|", "\\|")

    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(cell(v) for v in r) + " |" for r in rows]


def rollup_markdown(db_path: str | Path) -> str:
    """The province and city rollups as markdown tables (for the run's artifact)."""
    with connect_readonly(db_path) as con:
        prov = con.execute(
            """SELECT budget_year, province, departments, projects, CAST(income_total_wan AS DOUBLE),
                      CAST(expenditure_total_wan AS DOUBLE), quantitative_share, warnings, expected, submitted, missing
               FROM province_rollup ORDER BY budget_year DESC, province""").fetchall()
        city = con.execute(
            """SELECT budget_year, province, city, departments, projects, CAST(income_total_wan AS DOUBLE),
                      CAST(expenditure_total_wan AS DOUBLE), quantitative_share, warnings, expected, submitted, missing
               FROM city_rollup ORDER BY budget_year DESC, province, region_code, city""").fetchall()
    head = ["部门整体表", "项目表", "收入合计(万元)", "支出合计(万元)", "量化占比", "警告", "应报", "已报", "未报"]
    lines = ["## 全省汇总 province_rollup", ""]
    lines += _md_table(["年度", "省"] + head, [list(r) for r in prov]) if prov else ["（无）"]
    lines += ["", "## 市州汇总 city_rollup", ""]
    lines += _md_table(["年度", "省", "市州"] + head, [list(r) for r in city]) if city else ["（无）"]
    return "\n".join(lines)


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
    by_check = d.get("findings_by_check") or {}
    if by_check:
        lines.append("审核问题 findings by check: " + ", ".join(f"{c} {name_zh(c)} {n}" for c, n in by_check.items()))
    for year, st in sorted((d.get("submission_status") or {}).items(), reverse=True):
        counts = ", ".join(f"{SUBMISSION_STATUS_ZH.get(k, k)} {k} {n}" for k, n in st["counts"].items())
        lines.append(f"报送情况 submission status {year}: {counts}")
        if st["missing"]:
            shown = "、".join(st["missing"][:12]) + ("…" if len(st["missing"]) > 12 else "")
            lines.append(f"  待催报 to chase: {shown}")
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
    for w in d.get("warehouse_warnings") or []:
        lines.append(f"仓库警告 warehouse warning: {w['code']} {name_zh(w['code'])}: {w['message']}")
    return "\n".join(lines)


#: file statuses the run's per-file artifact lists (the rest loaded cleanly or were skipped)
PROBLEM_STATUSES = ("rejected", "loaded_with_warnings")


def problem_files(db_path: str | Path, limit: int = 200) -> tuple[list[dict], int]:
    """The rejected and warned files (rejected first), at most `limit`, and how many more there are."""
    with connect_readonly(db_path) as con:
        rows = con.execute(
            "SELECT path, status, coalesce(reason, ''), forms, coalesce(message, '') FROM files "
            "WHERE status IN ('rejected', 'loaded_with_warnings') "
            "ORDER BY status = 'loaded_with_warnings', path LIMIT ?", [limit]).fetchall()
        (total,) = con.execute("SELECT count(*) FROM files "
                               "WHERE status IN ('rejected', 'loaded_with_warnings')").fetchone()
    return ([{"path": p, "status": st, "reason": r, "forms": int(f), "message": m} for p, st, r, f, m in rows],
            int(total) - len(rows))
