"""raw_funding rows: one per funding value, money in 万元, the fiscal year resolved."""
from __future__ import annotations

from transforms import checks
from transforms.normalize.rows import FundingRow
from transforms.records import Finding, FormRecord, finding
from transforms.years import fiscal_year


def wan(amount: float | None, money_factor: float) -> float | None:
    """An amount of the form's money unit in 万元 (to 0.0001)."""
    return None if amount is None else round(amount * money_factor, 4)


def funding(sid: str, form: FormRecord, budget_year: int) -> tuple[list[FundingRow], list[Finding]]:
    """The form's funding rows, and a warning for each amount that is not a number."""
    rows, findings = [], []
    for line in form.funding:
        amount = checks.amount(line.amount_raw)
        if line.amount_raw.strip() and amount is None:
            findings.append(finding("funding_value_unparsed", f"表{line.table + 1} 第{line.row + 1}行 第{line.col + 1}列",
                                    category=line.category, raw=line.amount_raw.strip()))
        rows.append(FundingRow(
            submission_id=sid, fiscal_year=fiscal_year(line.period, budget_year), direction=line.direction,
            category=line.category, is_total=line.category == "合计", amount_wan=wan(amount, form.money_factor),
            share_pct=checks.amount(line.share_raw), source_table=line.table, source_row=line.row,
            source_col=line.col))
    return rows, findings
