"""The registry CSV of expected submitters (transforms/registry.py)."""
from __future__ import annotations

import pytest

from tests.conftest import REPO
from transforms.registry import RegistryError, read_registry


def _csv(tmp_path, text, encoding="utf-8"):
    p = tmp_path / "registry.csv"
    p.write_bytes(text.encode(encoding))
    return p


def test_sample_registry_loads_with_regions_from_codes():
    frame = read_registry(REPO / "samples" / "registry.csv")
    rows = {(r["department"], r["budget_year"]): r for r in frame.to_dict("records")}
    daye = rows[("大冶市财政局", 2024)]
    assert (daye["province"], daye["city"], daye["county"], daye["level"]) == ("湖北省", "黄石市", "大冶市", "county")
    assert pd_isna(rows[("湖北省财政厅", 2024)]["city"]) and rows[("湖北省财政厅", 2024)]["project_forms"] == 1
    assert rows[("黄石市交通运输局", 2024)]["department_form"] is False
    assert ("鄂州市教育局", 2023) in rows


def test_chinese_headers_bom_defaults_and_inferred_region(tmp_path):
    p = _csv(tmp_path, "\ufeff部门名称,项目表数,联系人\n鄂州市 教育局,2,张三\n大冶市财政局,,\n")
    a, b = read_registry(p).to_dict("records")
    assert (a["department"], a["department_key"], a["region_code"], a["city"], a["level"]) == (
        "鄂州市 教育局", "鄂州市教育局", "420700", "鄂州市", "city")
    assert a["department_form"] is True and a["project_forms"] == 2 and a["contact"] == "张三"
    assert pd_isna(a["budget_year"]) and b["region_code"] == "420281"


def pd_isna(v):
    import pandas as pd

    return pd.isna(v)


def test_gb18030_file_from_excel(tmp_path):
    p = _csv(tmp_path, "部门名称,地区代码,级次,部门整体表,预算年度\n黄石市财政局,420200,市级,是,2024年\n", "gb18030")
    (row,) = read_registry(p).to_dict("records")
    assert (row["level"], row["department_form"], row["budget_year"]) == ("city", True, 2024)


def test_bad_lines_are_all_reported_with_line_numbers(tmp_path):
    p = _csv(tmp_path, "department,region_code,level,department_form,project_forms,budget_year\n"
                       "鄂州市财政局,999999,city,1,0,2024\n"
                       ",420700,city,1,0,2024\n"
                       "鄂州市教育局,420700,town,1,0,2024\n"
                       "鄂州市科技局,420700,city,maybe,0,2024\n"
                       "鄂州市水务局,420700,city,1,-1,2024\n"
                       "鄂州市民政局,420700,city,1,0,24\n"
                       "鄂州市统计局,420700,city,1,0,2024\n"
                       "鄂州市统计局,420700,city,1,0,2024\n")
    with pytest.raises(RegistryError) as err:
        read_registry(p)
    problems = err.value.problems
    assert [p.split("行")[0] for p in problems] == ["第2", "第3", "第4", "第5", "第6", "第7", "第9"]
    assert "地区代码" in problems[0] and "重复" in problems[-1]


def test_missing_department_column(tmp_path):
    with pytest.raises(RegistryError, match="department"):
        read_registry(_csv(tmp_path, "name,code\n鄂州市财政局,420700\n"))
