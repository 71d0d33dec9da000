"""Tiny hand-made NormalizedBatch-like frames for the warehouse tests (no .docx involved)."""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from dataclasses import dataclass

import pandas as pd

from transforms.schemas import MODELS
from warehouse.store import APPEND_TABLES, Warehouse, submission_id

# the pandera models are the one list of columns; the factory fills those it does not set
COLUMNS = {t: list(m.to_schema().columns) for t, m in MODELS.items()}


def sha(label: str) -> str:
    return hashlib.sha256(label.encode("utf-8")).hexdigest()


class Library:
    """Every processed content the tests know, keyed by sha256; ``frames(shas)`` gives the
    append() input for some of them."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {t: [] for t in APPEND_TABLES}
        self._cell = 0

    def _next_cell(self) -> int:
        self._cell += 1
        return self._cell

    def content(self, sha256: str, outcome: str = "ok", reason: str | None = None,
                message: str | None = None, source_path: str | None = None) -> str:
        self.rows["contents"].append({"sha256": sha256, "outcome": outcome, "reason": reason,
                                      "message": message, "forms": 0, "source_path": source_path})
        return sha256

    def form(self, sha256: str, form_index: int = 0, *, form_type: str = "department",
             department: str = "黄石市科技局", budget_year: int = 2024, province: str | None = "湖北省",
             city: str | None = "黄石市", county: str | None = None, admin_level: str = "city",
             region_code: str | None = "420200", project_name: str | None = None) -> str:
        sid = submission_id(sha256, form_index)
        key = "|".join([form_type, department, str(budget_year), project_name or ""])
        self.rows["raw_submissions"].append({
            "sha256": sha256, "form_index": form_index, "submission_id": sid, "form_type": form_type,
            "layout": f"hubei_{form_type}", "budget_year": budget_year, "year_source": "document",
            "department": department, "province": province, "city": city, "county": county,
            "admin_level": admin_level, "region_code": region_code, "filer": "张三", "phone": "027-1234567",
            "project_name": project_name, "project_code": None if project_name is None else f"P-{project_name}",
            "supervising_department": None, "executing_unit": None, "logical_key": key,
        })
        for c in self.rows["contents"]:
            if c["sha256"] == sha256:
                c["forms"] += 1
        return sid

    def funding(self, sid: str, direction: str, category: str, amount: float, fiscal_year: int = 2024,
                share_pct: float | None = None) -> None:
        self.rows["raw_funding"].append({
            "submission_id": sid, "fiscal_year": fiscal_year, "direction": direction, "category": category,
            "is_total": category == "合计", "amount_wan": amount, "share_pct": share_pct,
            "source_table": 0, "source_row": self._next_cell(), "source_col": 1,
        })

    def totals(self, sid: str, amount: float, fiscal_year: int = 2024) -> None:
        """income 合计 = expenditure 合计 = amount, with two income items."""
        self.funding(sid, "income", "财政拨款", amount * 0.8, fiscal_year, 80.0)
        self.funding(sid, "income", "单位资金", amount * 0.2, fiscal_year, 20.0)
        self.funding(sid, "income", "合计", amount, fiscal_year, 100.0)
        self.funding(sid, "expenditure", "合计", amount, fiscal_year, 100.0)

    def goal(self, sid: str, horizon: str, seq: int, text: str, code: str | None = None) -> None:
        self.rows["raw_goals"].append({"submission_id": sid, "horizon": horizon, "code": code,
                                       "seq": seq, "text": text})

    def indicator(self, sid: str, name: str, *, value_kind: str = "quantitative", is_target: bool = True,
                  fiscal_year: int | None = 2024, horizon: str = "annual", value_raw: str = "≥95%",
                  value_num: float | None = 95.0, goal: str | None = "年度目标01") -> None:
        self.rows["raw_indicators"].append({
            "submission_id": sid, "horizon": horizon, "goal": goal, "level1": "产出", "level2": "数量",
            "name": name, "basis": "计划标准", "category": "绩效基本型", "fiscal_year": fiscal_year,
            "is_target": is_target, "value_raw": value_raw,
            "value_num": value_num if value_kind == "quantitative" else None, "value_num_max": None,
            "value_unit": "%" if value_kind == "quantitative" else None,
            "comparator": ">=" if value_kind == "quantitative" else None, "value_kind": value_kind,
            "source_table": 1, "source_row": self._next_cell(), "source_col": 4,
        })

    def targets(self, sid: str, quantitative: int, qualitative: int = 0, history: int = 0) -> None:
        """`quantitative` + `qualitative` budget-year targets; `history` past-year values of the
        first indicators (same indicator, so not extra distinct indicators)."""
        for i in range(quantitative):
            self.indicator(sid, f"量化指标{i}")
        for i in range(qualitative):
            self.indicator(sid, f"定性指标{i}", value_kind="qualitative", value_raw="效果明显")
        for i in range(history):
            self.indicator(sid, f"量化指标{i}", is_target=False, fiscal_year=2023, value_raw="90%", value_num=90.0)

    def finding(self, sha256: str, severity: str, check: str, sid: str | None = None,
                message: str = "测试发现的问题") -> None:
        self.rows["raw_findings"].append({"sha256": sha256, "submission_id": sid, "severity": severity,
                                          "check": check, "location": "表1", "message": message})

    def frames(self, shas: set[str] | None = None) -> dict[str, pd.DataFrame]:
        out = {}
        for table, rows in self.rows.items():
            frame = pd.DataFrame(rows, columns=COLUMNS[table]).astype(
                {c: object for c in COLUMNS[table] if not rows or c not in rows[0]})
            if shas is not None:
                if "sha256" in frame.columns:
                    frame = frame[frame["sha256"].isin(shas)]
                else:
                    frame = frame[frame["submission_id"].str.slice(0, 16).isin({s[:16] for s in shas})]
            out[table] = frame.reset_index(drop=True)
        return out


@dataclass
class Batch:
    """A NormalizedBatch-like hand-off for Warehouse.load."""
    frames: dict[str, pd.DataFrame]
    inbox_corrections: pd.DataFrame | None = None


def scan(rows: list[tuple]) -> pd.DataFrame:
    """rows: (path, sha256, modified_at 'YYYY-MM-DD HH:MM' [, kind [, ignore_reason]])."""
    recs = []
    for r in rows:
        path, sha256, mtime = r[:3]
        kind = r[3] if len(r) > 3 else "docx"
        reason = r[4] if len(r) > 4 else None
        recs.append({"path": path, "sha256": sha256, "size_bytes": 1000 + len(path),
                     "modified_at": datetime.fromisoformat(mtime), "kind": kind, "ignore_reason": reason})
    return pd.DataFrame(recs, columns=["path", "sha256", "size_bytes", "modified_at", "kind", "ignore_reason"])


def run(db: Path, run_id: str, scan_frame: pd.DataFrame, library: Library | None = None,
        year_default: int | None = None, reprocess: set[str] | None = None) -> None:
    """One ingestion run the way the flow does it: record the scan, process only new contents."""
    with Warehouse.open(db, run_id, "inbox", year_default) as wh:
        wh.record_scan(scan_frame)
        if library is not None:
            present = set(scan_frame["sha256"].dropna())
            todo = (present - wh.intake_state().processed) | (reprocess or set())
            known = {r["sha256"] for r in library.rows["contents"]}
            if todo & known:
                wh.load(Batch(library.frames(todo & known)))
        wh.publish({})
