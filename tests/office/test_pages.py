"""Every dashboard page in Streamlit's own headless harness (AppTest) against the demo warehouse."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from office.data import DB_ENV
from tests.conftest import REPO

PAGES = REPO / "office" / "pages"


def _page(monkeypatch, db, name: str) -> AppTest:
    monkeypatch.setenv(DB_ENV, str(db))
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def test_status_page_names_who_is_missing(monkeypatch, db):
    at = _page(monkeypatch, db, "status")
    assert at.title[0].value == "报送情况"
    assert at.selectbox(key="status_year").value == 2024
    assert _metric(at, "未报送") == "2"
    missing = at.dataframe[1].value
    assert set(missing["department"]) == {"湖北省教育厅", "黄石市财政局"}
    assert set(missing["status_zh"]) == {"未报送"}
    at.selectbox(key="status_year").select(2023).run()
    assert _metric(at, "部门") == "1"


def test_findings_page_filters_and_locates_each_cell(monkeypatch, db):
    at = _page(monkeypatch, db, "findings")
    table = at.dataframe[-1].value
    assert {"path", "department", "check", "check_zh", "severity", "table", "row", "column", "message"} <= set(table)
    located = table.dropna(subset=["row"])
    assert len(located) and (located["table"] >= 1).all()
    total = int(_metric(at, "问题"))
    at.multiselect(key="findings_checks").select("unit_inconsistent").run()
    filtered = at.dataframe[-1].value
    assert 0 < len(filtered) < total and set(filtered["check"]) == {"unit_inconsistent"}
    assert int(_metric(at, "问题")) == len(filtered)
    assert at.get("download_button")  # the filtered findings as CSV


def test_english_column_names_switch(monkeypatch, db):
    at = _page(monkeypatch, db, "findings")
    at.sidebar.toggle(key="english_columns").set_value(True).run()
    assert not at.exception
    assert at.sidebar.toggle(key="english_columns").value is True


def test_rollups_page_has_charts_and_year_over_year(monkeypatch, db):
    at = _page(monkeypatch, db, "rollups")
    assert _metric(at, "部门整体表") == "7" and _metric(at, "量化占比") == "69.8%"
    assert len(at.get("vega_lite_chart")) >= 4  # funding, indicators, quantitative share, year over year
    yoy = at.dataframe[-1].value
    assert list(yoy["budget_year"]) == [2023, 2024] and yoy["indicators_change"].iloc[1] == 245 - 8


def test_indicators_page_searches_by_name(monkeypatch, db):
    at = _page(monkeypatch, db, "indicators")
    at.text_input(key="indicator_name").input("满意度").run()
    assert not at.exception
    values = at.dataframe[-1].value
    assert len(values) and values["name"].str.contains("满意度").all()
    assert values["department"].nunique() > 1
    by_year = at.dataframe[0].value
    assert {"name", "department"} <= set(by_year.columns) and any(c.isdigit() for c in by_year.columns)


def test_a_new_publish_is_read_without_restart(monkeypatch, db, tmp_path):
    # the page reads the file on disk at each run: swap the published file (as a publish renames)
    live = tmp_path / "warehouse.duckdb"
    shutil.copyfile(db, live)
    at = _page(monkeypatch, live, "status")
    assert _metric(at, "部门") == "12"
    import duckdb

    newer = tmp_path / "newer.duckdb"
    shutil.copyfile(db, newer)
    with duckdb.connect(str(newer)) as con:
        con.execute("DELETE FROM intermediate.int_submission_status WHERE department = '黄石市财政局'")
    newer.replace(live)
    at.run()
    assert _metric(at, "部门") == "11"
