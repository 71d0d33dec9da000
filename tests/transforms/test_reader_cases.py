"""Case files written by other writers read exactly like the same form saved by Word.

tests/cases/libreoffice_*.docx are generated forms (the national project golden case and the
rebuilt seed 000) opened and saved by real LibreOffice (`soffice --headless --convert-to
docx:"MS Word 2007 XML"`, LibreOffice 7.4): its own w:tblGrid, w:gridSpan, `w:vMerge
w:val="continue"`, run properties and namespaces. Their expected rows are the Word originals'
(tests/cases/national_project.expected.json, seed_000_department_hubei.expected.json), which
were checked by hand against the seeds and the golden case.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import pytest

from tests.conftest import CASES
from tests.transforms.test_reader_roundtrip import _plain, assert_form
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch

LIBREOFFICE_CASES = ["libreoffice_national_project", "libreoffice_seed_000_department_hubei"]


def _normalize(tmp_path, stem: str, folder: str = "2024"):
    path = tmp_path / folder / f"{stem}.docx"
    path.parent.mkdir(parents=True)
    shutil.copyfile(CASES / f"{stem}.docx", path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return normalize_batch([SourceFile(f"{folder}/{stem}.docx", str(path), sha)], NormalizeOptions()).frames, sha


@pytest.mark.parametrize("stem", LIBREOFFICE_CASES)
def test_a_form_saved_by_libreoffice_reads_like_the_word_original(tmp_path, stem):
    frames, sha = _normalize(tmp_path, stem)
    want = json.loads((CASES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    (content,) = frames["contents"].to_dict("records")
    assert content["outcome"] == "ok", content
    (sub,) = frames["raw_submissions"].to_dict("records")
    assert_form(frames, want, sub)
    reader_findings = frames["raw_findings"][frames["raw_findings"]["check"].isin(["cell_unplaced",
                                                                                    "column_unrecognized"])]
    assert reader_findings.empty


def test_the_libreoffice_cases_are_libreoffice_files():
    for stem in LIBREOFFICE_CASES:
        with zipfile.ZipFile(CASES / f"{stem}.docx") as zf:
            assert "LibreOffice" in zf.read("docProps/app.xml").decode()
            assert b'w:vMerge w:val="continue"' in zf.read("word/document.xml")


# --------------------------------------------------------------------------- issue 13 classes

READER_CASES = ["reader_wps_budget_export", "reader_enshi_department_values", "reader_beijing_grid_export"]


def _read_case(tmp_path, stem: str):
    want = json.loads((CASES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    frames, _ = _normalize(tmp_path, stem, str(want["budget_year"]))
    (content,) = frames["contents"].to_dict("records")
    assert content["outcome"] == "ok", content
    (sub,) = frames["raw_submissions"].to_dict("records")
    assert_form(frames, want, sub)
    return frames, {k: _plain(v) for k, v in sub.items()}


def _indicators(frames) -> dict:
    """(name, fiscal_year) -> (value_raw, value_num, value_num_max, value_unit, comparator, value_kind)"""
    out = {}
    for r in frames["raw_indicators"].to_dict("records"):
        year = None if r["fiscal_year"] is None or r["fiscal_year"] != r["fiscal_year"] else int(r["fiscal_year"])
        out[(r["name"], year)] = tuple(None if (isinstance(v, float) and v != v) else v for v in (
            r["value_raw"], r["value_num"], r["value_num_max"], r["value_unit"], r["comparator"], r["value_kind"]))
    return out


def _checks(frames) -> list:
    return sorted(frames["raw_findings"]["check"])


@pytest.mark.parametrize("stem", READER_CASES)
def test_a_hand_checked_case_reads_as_its_expected_rows(tmp_path, stem):
    frames, _ = _read_case(tmp_path, stem)
    assert not {"cell_unplaced", "column_unrecognized", "year_conflict"} & set(_checks(frames))


def test_wps_budget_export_builds_values_from_split_columns_and_converts_yuan(tmp_path):
    """Classes 1 (WPS XML), 2 (a grid continued under a w:tblHeader row), 3 (计算符号 | 指标值 |
    计量单位 and explanatory columns), 6 (项目资金（元）)."""
    with zipfile.ZipFile(CASES / "reader_wps_budget_export.docx") as zf:
        xml = zf.read("word/document.xml")
    assert b"w:tblGrid" not in xml and b"w:gridSpan" not in xml and b'w:vMerge w:val="continue"' in xml
    assert b"mc:AlternateContent" in xml and b"w14:paraId" in xml and xml.count(b"<w:tbl>") == 2
    assert b"w:tblHeader" in xml
    frames, sub = _read_case(tmp_path, "reader_wps_budget_export")
    got = _indicators(frames)
    assert got[("养护里程", None)] == ("360", 360.0, None, "公里", ">=", "quantitative")
    assert got[("日常养护里程", 2025)] == ("120", 120.0, None, "公里", ">=", "quantitative")
    assert got[("养护站点", 2025)] == ("6", 6.0, None, "个", "=", "quantitative")  # ＝
    assert got[("路况优良率", 2025)] == ("85", 85.0, None, "%", ">=", "quantitative")
    # the rows after the page break keep the first table's columns
    assert got[("每公里养护成本", 2025)] == ("2.5", 2.5, None, "万元", "<=", "quantitative")
    assert got[("交通事故发生率", 2025)] == ("3", 3.0, None, "%", "<", "quantitative")
    assert got[("沿线群众满意度", 2025)] == ("90", 90.0, None, "%", ">=", "quantitative")  # 大于等于
    assert got[("群众出行条件", None)] == ("持续改善", None, None, None, None, "qualitative")
    assert len(got) == 8
    explanatory = ("反映任务完成情况", "的目标", "完成得满分")
    assert not [v for v in frames["raw_indicators"]["value_raw"] if any(w in str(v) for w in explanatory)]
    money = {r["category"]: r["amount_wan"] for r in frames["raw_funding"].to_dict("records")}
    assert money == {"合计": 250.0, "财政拨款": 200.0, "其他资金": 50.0}  # 2500000元 = 250万元
    assert (sub["province"], sub["city"], sub["county"], sub["region_code"]) == ("四川省", "成都市", "武侯区", "510107")
    assert sub["implementation_period"] == "2025年1月-2027年12月"


ENSHI_TARGETS = {  # the 2026 column, each a value shape of class 7, parsed by hand
    "公用经费控制率": ("≤3‰", 3.0, None, "‰", "<=", "quantitative"),
    "审批办结时限": ("2-5个工作日", 2.0, 5.0, "个工作日", ">=", "quantitative"),
    "预算执行率": ("85%-90%", 85.0, 90.0, "%", ">=", "quantitative"),
    "绩效自评覆盖率": ("达标率≥98%", 98.0, None, "%", ">=", "quantitative"),
    "问题整改率": ("95%及以上", 95.0, None, "%", ">=", "quantitative"),
    "整改办结时限": ("3天及以下", 3.0, None, "天", "<=", "quantitative"),
    "民族团结进步创建示范单位": ("≤5/万", 5.0, None, "/万", "<=", "quantitative"),
    "少数民族群众发病率": ("3.2例/10万人", 3.2, None, "例/10万人", "=", "quantitative"),
    "宗教活动场所巡查": ("5次/月", 5.0, None, "次/月", "=", "quantitative"),
    "运输补贴标准": ("12元/吨·公里", 12.0, None, "元/吨·公里", "=", "quantitative"),
    "双语服务达标率": ("98.50%", 98.5, None, "%", "=", "quantitative"),
    "少数民族特色村寨数量": ("较上年提高5%", 5.0, None, "较上年%", "=", "quantitative"),
    "项目完工时间": ("2026年底前", None, None, None, None, "qualitative"),
    "年度报告报送": ("11月30日前", None, None, None, None, "qualitative"),
    "民族文化节举办时间": ("2026年9月", None, None, None, None, "qualitative"),
    "服务对象满意度": ("≥95%", 95.0, None, "%", ">=", "quantitative"),
}


def test_enshi_department_reads_every_value_shape_wording_and_the_fields_below(tmp_path):
    """Classes 4 (单位名称; a cover page and 编制说明 before the title), 5 (placeholders in the
    table's fields, the real ones in a paragraph below), 6 (单位：元), 7 (value shapes),
    8 (恩施州 = 恩施土家族苗族自治州), 2 (the annual grid continued without a header)."""
    frames, sub = _read_case(tmp_path, "reader_enshi_department_values")
    got = _indicators(frames)
    assert {name: got[(name, 2026)] for name in ENSHI_TARGETS} == ENSHI_TARGETS
    assert len([k for k in got if k[1] is not None]) == 3 * len(ENSHI_TARGETS)  # 2024, 2025, 2026 each
    assert (sub["department"], sub["filer"], sub["phone"]) == ("恩施州民族宗教事务委员会", "李娜", "0718-8224567")
    assert (sub["province"], sub["city"], sub["county"], sub["admin_level"], sub["region_code"]) == (
        "湖北省", "恩施土家族苗族自治州", None, "city", "422800")
    money = {(r["direction"], r["category"], r["fiscal_year"]): r["amount_wan"]
             for r in frames["raw_funding"].to_dict("records")}
    assert money[("income", "合计", 2026)] == 1250.0 and money[("expenditure", "人员类项目支出", 2026)] == 812.5
    checks = _checks(frames)
    assert "header_field_missing" not in checks  # the paragraph below fills 填报人 and 联系电话
    # true findings only: 预算执行率, 绩效自评覆盖率, 服务对象满意度 lowered; not the time limits
    # (审批办结时限, 整改办结时限) nor the falling 发病率 (a cap)
    lowered = sorted(m.split("指标“")[1].split("”")[0] for c, m in
                     zip(frames["raw_findings"]["check"], frames["raw_findings"]["message"]) if c == "target_below_prior")
    assert lowered == ["服务对象满意度", "绩效自评覆盖率", "预算执行率"]


def test_beijing_district_grid_export_reads_wording_and_continuation(tmp_path):
    """Classes 2 (continued without header or restated labels), 4 (预算单位, 目标值, the title and
    单位 as merged rows in the table), 8 (a 直辖市 district)."""
    frames, sub = _read_case(tmp_path, "reader_beijing_grid_export")
    assert (sub["department"], sub["province"], sub["city"], sub["county"], sub["admin_level"],
            sub["region_code"]) == ("北京市朝阳区财政局", "北京市", "北京市", "朝阳区", "county", "110105")
    assert sub["budget_year"] == 2026
    rows = frames["raw_indicators"].sort_values(["source_table", "source_row"]).to_dict("records")
    assert [(r["level1"], r["level2"], r["name"], r["value_raw"]) for r in rows] == [
        ("产出指标", "数量指标", "重点项目绩效评价", "30项"),
        ("产出指标", "数量指标", "财政业务培训", "≥800人次"),
        ("产出指标", "质量指标", "预算编制准确率", "≥95%"),
        ("产出指标", "质量指标", "采购意向公开率", "100%"),  # first row of the continuation
        ("产出指标", "时效指标", "预算草案报送", "12月31日前"),
        ("效益指标", "社会效益指标", "财政透明度", "持续提升"),
        ("满意度指标", "服务对象满意度指标", "预算单位满意度", "不低于90%"),
    ]
    assert len({r["source_table"] for r in rows}) == 2
    # the form names no filer and no phone: those two findings are true
    assert _checks(frames).count("header_field_missing") == 2
