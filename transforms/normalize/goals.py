"""raw_goals rows: the goal texts of a form (长期目标, 年度目标, 目标1…), in reading order."""
from __future__ import annotations

from transforms.normalize.rows import GoalRow
from transforms.records import FormRecord


def goals(sid: str, form: FormRecord) -> list[GoalRow]:
    return [GoalRow(sid, g.horizon, g.code, seq, g.text) for seq, g in enumerate(form.goals)]
