"""Review checks on one form that leave it loaded: completeness and funding arithmetic.

Each finding is a warning with a stable check code, a location a clerk can find and a
Chinese sentence with the numbers involved.
"""
from __future__ import annotations

from collections import defaultdict

from transforms.records import Finding, FormRecord, finding
from transforms.text import plain_number
from transforms.values import parse_value
from transforms.years import fiscal_year

REQUIRED_FIELDS = {
    "department": {"filer": "填报人", "phone": "联系电话"},
    "project": {"project_name": "项目名称", "project_code": "项目编码", "executing_unit": "项目执行单位"},
}
SUM_TOLERANCE_WAN = 0.011  # amounts are written to 0.01 万元
SHARE_TOLERANCE_PCT = 0.02  # 占比 are rounded so they sum to 100%
DIRECTION_ZH = {"income": "收入", "expenditure": "支出"}


def amount(text: str) -> float | None:
    """A money or percent cell as a number, or None when it holds none."""
    if not text or not text.strip():
        return None
    value = parse_value(text)
    if value.kind != "quantitative" or value.num is None or value.unit not in (None, "%", "万元", "元"):
        return None
    return value.num


def form_findings(form: FormRecord, budget_year: int) -> list[Finding]:
    return _missing_fields(form) + _funding_arithmetic(form, budget_year)


def _missing_fields(form: FormRecord) -> list[Finding]:
    out = []
    for field, label in REQUIRED_FIELDS.get(form.form_type or "", {}).items():
        if not form.fields.get(field):
            out.append(finding("header_field_missing", label, label=label))
    return out


def _funding_arithmetic(form: FormRecord, budget_year: int) -> list[Finding]:
    out: list[Finding] = []
    items: dict[tuple[str, int], list[tuple[str, float, str]]] = defaultdict(list)
    totals: dict[tuple[str, int], tuple[float, str]] = {}
    shares: dict[tuple[str, int], list[tuple[str, float, str, float | None]]] = defaultdict(list)
    for line in form.funding:
        value = amount(line.amount_raw)
        year = fiscal_year(line.period, budget_year)
        if value is None or year is None:
            continue
        value *= form.money_factor
        where = f"表{line.table + 1} 第{line.row + 1}行"
        key = (line.direction, year)
        if line.category == "合计":
            totals[key] = (value, where)
        else:
            items[key].append((line.category, value, where))
            share = amount(line.share_raw)
            if share is not None:
                shares[key].append((line.category, value, where, share))
    for key, (total, where) in sorted(totals.items()):
        direction, year = key
        parts = items.get(key, [])
        if parts and abs(sum(v for _, v, _ in parts) - total) > SUM_TOLERANCE_WAN:
            listed = "+".join(f"{c}{plain_number(v)}" for c, v, _ in parts)
            out.append(finding("funding_sum_mismatch", where, year=year, direction=DIRECTION_ZH[direction],
                               listed=listed, sum=plain_number(sum(v for _, v, _ in parts)), total=plain_number(total)))
        for category, value, cell, share in shares.get(key, []):
            if total:
                expected = value / total * 100
                if abs(expected - share) > SHARE_TOLERANCE_PCT + _precision(share):
                    out.append(finding("funding_share_mismatch", cell, year=year, category=category,
                                       share=plain_number(share), value=plain_number(value),
                                       total=plain_number(total), expected=expected))
        written = [s for _, _, _, s in shares.get(key, [])]
        if written and abs(sum(written) - 100) > SHARE_TOLERANCE_PCT * len(written) + 0.01:
            out.append(finding("funding_share_sum", where, year=year, direction=DIRECTION_ZH[direction],
                               sum=plain_number(sum(written))))
    for year in sorted({y for _, y in totals}):
        income, spend = totals.get(("income", year)), totals.get(("expenditure", year))
        if income and spend and abs(income[0] - spend[0]) > SUM_TOLERANCE_WAN:
            out.append(finding("funding_income_expenditure_mismatch", spend[1], year=year,
                               income=plain_number(income[0]), spend=plain_number(spend[0])))
    return out


def _precision(share: float) -> float:
    # a share written as a whole number (68%) is rounded to ±0.5
    return 0.5 if float(share).is_integer() else 0.005
