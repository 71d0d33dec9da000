"""raw_indicators rows: one per indicator value cell, parsed (number, unit, comparator, kind)."""
from __future__ import annotations

from transforms.normalize.rows import IndicatorRow
from transforms.records import FormRecord
from transforms.values import parse_value
from transforms.years import fiscal_year

#: a 计算符号 column's words → comparator
COMPARATOR_WORDS = {
    "=": "=", "＝": "=", "等于": "=", ">=": ">=", "≥": ">=", "≧": ">=", "大于等于": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "小于等于": "<=", ">": ">", "大于": ">", "<": "<", "小于": "<",
}


def indicators(sid: str, form: FormRecord, budget_year: int) -> list[IndicatorRow]:
    out = []
    for cell in form.indicators:
        value = parse_value(cell.value_raw)
        unit, comparator = value.unit, value.comparator
        if value.kind == "quantitative":
            # a 计量单位 / 计算符号 column supplies what the value itself does not say
            unit = unit or cell.unit_hint
            hinted = COMPARATOR_WORDS.get(cell.comparator_hint or "")
            if hinted and comparator in (None, "="):
                comparator = hinted
        fy = fiscal_year(cell.period, budget_year)
        out.append(IndicatorRow(
            submission_id=sid, horizon=cell.horizon, goal=cell.goal, level1=cell.level1 or None,
            level2=cell.level2 or None, name=cell.name, basis=cell.basis, category=cell.category, fiscal_year=fy,
            is_target=cell.horizon == "long_term" or fy == budget_year, value_raw=cell.value_raw,
            value_num=value.num, value_num_max=value.num_max, value_unit=unit, comparator=comparator,
            value_kind=value.kind, source_table=cell.table, source_row=cell.row, source_col=cell.col))
    return out
