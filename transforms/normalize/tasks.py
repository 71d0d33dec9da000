"""raw_tasks rows: 年度主要任务 of the national department template, money in 万元."""
from __future__ import annotations

from transforms import checks
from transforms.normalize.funding import wan
from transforms.normalize.rows import TaskRow
from transforms.records import FormRecord


def tasks(sid: str, form: FormRecord) -> list[TaskRow]:
    out = []
    for seq, task in enumerate(form.tasks):
        def amount(category: str) -> float | None:
            return wan(checks.amount(task.amounts_raw.get(category, "")), form.money_factor)

        out.append(TaskRow(sid, seq, task.task, task.content or None, amount("合计"), amount("财政拨款"),
                           amount("其他资金"), task.table, task.row))
    return out
