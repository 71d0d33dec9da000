"""warehouse/labels.py is the one home of the Chinese names of coded values: where SQL must say
them too (submission_status.status_zh), both say the same."""
from __future__ import annotations

import re

from tests.conftest import REPO
from warehouse.labels import SUBMISSION_STATUS_ZH


def test_submission_status_names_are_the_views_own():
    sql = (REPO / "warehouse" / "models" / "intermediate" / "int_submission_status.sql").read_text(encoding="utf-8")
    case = sql.split("CASE status", 1)[1].split("END AS status_zh", 1)[0]
    in_sql = dict(re.findall(r"WHEN '(\w+)' THEN '([^']+)'", case))
    (otherwise,) = re.findall(r"ELSE '([^']+)'", case)
    in_sql["not_in_registry"] = otherwise  # the only status the CASE leaves to ELSE
    assert in_sql == SUBMISSION_STATUS_ZH
