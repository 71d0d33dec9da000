"""Review findings (transforms/review.py) on real .docx department forms: for every check one
form that triggers it and one that does not; thresholds from the config."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from testkit.docx_builder import save
from testkit.forms import DepartmentForm, FundingLine, Ind, department_document
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch
from jixiao.settings import SettingsError, load_settings
from transforms.review import ReviewConfig


def lt(name, value):
    return Ind(name, (value,), "计划标准", "绩效基本型")


def an(name, values):
    return Ind(name, tuple(values), "计划标准", "绩效基本型")


def form(long_term=(), annual=(), long_term_goal="持续推进科技强市建设。", annual_goal="完成年度工作任务。",
         department="鄂州市科学技术局") -> DepartmentForm:
    money = [FundingLine("财政拨款", "100", "100%", ("90", "95")), FundingLine("合  计", "100", "100%", ("90", "95"))]
    spend = [FundingLine("人员类项目支出", "100", "100%", ("90", "95")),
             FundingLine("合  计", "100", "100%", ("90", "95"))]
    return DepartmentForm(
        department=department, filer="梁婧", phone="027-60896392", history_years=(2022, 2023),
        income=money, expenditure=spend, functions="推动全市科技发展。", tasks="加强核心技术攻关。",
        long_term_until=2025, long_term_goal=long_term_goal,
        long_term=[("履职效能", [("核心业务", list(long_term) or [lt("科技企业满意度", "95%")])])],
        annual_goal=annual_goal,
        annual=[("履职效能", [("核心业务", list(annual) or [an("科技企业满意度", ("95%", "95%", "95%"))])])],
    )


def findings(tmp_path, f: DepartmentForm, cfg: ReviewConfig | None = None, check: str | None = None):
    path = tmp_path / "2024" / "form.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    save(department_document(f), path)
    src = SourceFile("2024/form.docx", str(path), hashlib.sha256(path.read_bytes()).hexdigest())
    out = normalize_batch([src], NormalizeOptions(default_province="湖北省", review=cfg or ReviewConfig())).frames
    assert len(out["raw_submissions"]) == 1
    rows = out["raw_findings"].to_dict("records")
    return [r for r in rows if check is None or r["check"] == check]


# -- quantitative_share_low -------------------------------------------------------------------

QUALITATIVE = [lt("创新引领增强", "效果明显"), lt("服务体制改革成效", "明显"), lt("工作计划健全性", "健全")]


def test_quantitative_share_low_triggers_below_half(tmp_path):
    f = form(long_term=[lt("科技企业满意度", "95%"), *QUALITATIVE],
             annual=[an("科技企业满意度", ("95%", "95%", "95%")), an("创新能力提升", ("明显",) * 3)])
    (hit,) = findings(tmp_path, f, check="quantitative_share_low")
    assert hit["severity"] == "warning" and hit["location"] == "绩效指标表"
    assert "鄂州市科学技术局" in hit["message"] and "33.3%（2/6" in hit["message"] and "低于50%" in hit["message"]


def test_quantitative_share_at_or_above_threshold_is_quiet_and_threshold_is_configurable(tmp_path):
    f = form(long_term=[lt("科技企业满意度", "95%"), lt("创新引领增强", "效果明显")],
             annual=[an("科技企业满意度", ("95%", "95%", "95%")), an("核心技术攻关", ("96项", "130项", "140项"))])
    assert findings(tmp_path, f, check="quantitative_share_low") == []  # 3/4
    low = form(long_term=[lt("科技企业满意度", "95%"), *QUALITATIVE])
    assert findings(tmp_path, low, ReviewConfig(quantitative_share_min=30), "quantitative_share_low") == []
    assert len(findings(tmp_path, form(), ReviewConfig(quantitative_share_min=100.1), "quantitative_share_low")) == 1


def test_compound_values_count_as_quantitative(tmp_path):
    f = form(long_term=[lt("职称评审通过率", "高级不超过80%、中级不超过90%"), lt("创新引领增强", "效果明显")],
             annual=[an("职称评审通过率", ("待定", "高级不超过80%、中级不超过90%", "高级不超过80%、中级不超过90%"))])
    assert findings(tmp_path, f, check="quantitative_share_low") == []  # 2/3


# -- target_below_prior -----------------------------------------------------------------------

def test_target_below_prior_higher_is_better(tmp_path):
    f = form(annual=[an("核心技术攻关", ("96项", "136项", "130项"))])
    (hit,) = findings(tmp_path, f, check="target_below_prior")
    assert "核心技术攻关" in hit["message"] and "130项" in hit["message"] and "136项" in hit["message"]
    assert "2023年" in hit["message"] and hit["location"].startswith("表1 第") and "列" in hit["location"]


def test_target_above_prior_is_quiet(tmp_path):
    assert findings(tmp_path, form(annual=[an("核心技术攻关", ("96项", "130项", "136项"))]),
                    check="target_below_prior") == []


def test_caps_are_reversed_by_name(tmp_path):
    loosened = form(annual=[an("“三公”经费变动率", ("0%", "0%", "5%"))])
    (hit,) = findings(tmp_path, loosened, check="target_below_prior")
    assert "控制类" in hit["message"] and "5%" in hit["message"]
    tightened = form(annual=[an("“三公”经费变动率", ("5%", "3%", "0%")), an("投诉率", ("2%", "1%", "0.5%"))])
    assert findings(tmp_path, tightened, check="target_below_prior") == []


def test_explicit_comparator_overrides_the_name(tmp_path):
    # ≤ makes 办件量 a cap: 2500 below 2700 is a tighter cap, not a lower target
    capped = form(annual=[an("工作许可证办件量", ("2000件", "2700件", "≤2500件"))])
    assert findings(tmp_path, capped, check="target_below_prior") == []
    # ≥ makes 误差率 a floor (unusual, but written): 3% below 5% is then a lower target
    floor = form(annual=[an("测量误差率", ("5%", "5%", "≥3%"))])
    assert len(findings(tmp_path, floor, check="target_below_prior")) == 1


def test_ranges_time_limits_and_morbidity_rates_are_not_read_as_floors(tmp_path):
    # a range's lower bound is not a floor; 时限 / a unit of working days has no direction;
    # a 发病率 is a cap (all three were false findings on tests/cases/reader_enshi_department_values)
    quiet = form(annual=[an("审批办结时限", ("5个工作日", "5个工作日", "2-5个工作日")),
                         an("受理周期", ("10天", "10天", "7天")),
                         an("少数民族群众发病率", ("3.5例/10万人", "3.4例/10万人", "3.2例/10万人"))])
    assert findings(tmp_path, quiet, check="target_below_prior") == []
    # a range below last year's value is still a lower target when the name says more is better
    lower = form(annual=[an("预算执行率", ("96%", "97%", "85%-90%"))])
    assert len(findings(tmp_path, lower, check="target_below_prior")) == 1
    # and a rising morbidity cap is reported as a loosened cap
    (hit,) = findings(tmp_path, form(annual=[an("传染病发病率", ("3例/10万人", "3例/10万人", "4例/10万人"))]),
                      check="target_below_prior")
    assert "控制类" in hit["message"]


# -- long_term_below_annual -------------------------------------------------------------------

def test_long_term_below_annual(tmp_path):
    f = form(long_term=[lt("高新技术企业", "148家")], annual=[an("高新技术企业", ("227", "313", "350"))])
    (hit,) = findings(tmp_path, f, check="long_term_below_annual")
    assert "148家" in hit["message"] and "350" in hit["message"] and "截止2025年" in hit["message"]


def test_long_term_at_or_above_annual_is_quiet(tmp_path):
    f = form(long_term=[lt("高新技术企业", "400家"), lt("“三公”经费变动率", "0%")],
             annual=[an("高新技术企业", ("227", "313", "350")), an("“三公”经费变动率", ("0%", "0%", "0%"))])
    assert findings(tmp_path, f, check="long_term_below_annual") == []


# -- rate_over_100 ----------------------------------------------------------------------------

def test_rate_over_100(tmp_path):
    f = form(annual=[an("预算执行率", ("95%", "96%", "292%"))])
    (hit,) = findings(tmp_path, f, check="rate_over_100")
    assert "预算执行率" in hit["message"] and "292%" in hit["message"]


def test_growth_rates_and_normal_rates_are_quiet(tmp_path):
    f = form(annual=[an("技术合同成交额增长率", ("80%", "110%", "120%")), an("预算执行率", ("95%", "96%", "100%"))])
    assert findings(tmp_path, f, check="rate_over_100") == []
    assert findings(tmp_path, form(annual=[an("预算执行率", ("95%", "96%", "105%"))]),
                    ReviewConfig(rate_max_pct=110), "rate_over_100") == []


# -- unit_inconsistent ------------------------------------------------------------------------

def test_unit_inconsistent(tmp_path):
    (hit,) = findings(tmp_path, form(annual=[an("产业技术创新联合体", ("2个", "3项", "4个"))]), check="unit_inconsistent")
    assert "个" in hit["message"] and "项" in hit["message"] and "2023年“3项”" in hit["message"]


def test_same_units_and_yi_vs_yiyuan_are_consistent(tmp_path):
    f = form(long_term=[lt("技术合同成交额", "90亿元")], annual=[an("技术合同成交额", ("56亿", "75亿", "80亿元"))])
    assert findings(tmp_path, f, check="unit_inconsistent") == []


# -- value_missing / placeholder_target -------------------------------------------------------

def test_empty_and_placeholder_targets(tmp_path):
    f = form(annual=[an("培育服务次数", ("", "", "次")), an("科普活动", ("30项", "35项", "待定")),
                     an("评审系统", ("1套", "1套", ""))])
    got = {(r["check"], r["message"].split("“")[1].split("”")[0]) for r in findings(tmp_path, f)
           if r["check"] in ("value_missing", "placeholder_target")}
    assert got == {("placeholder_target", "培育服务次数"), ("placeholder_target", "科普活动"), ("value_missing", "评审系统")}


def test_placeholders_in_history_columns_are_not_target_findings(tmp_path):
    f = form(annual=[an("保密系统建设", ("新增", "无", "1套"))])
    assert [r for r in findings(tmp_path, f) if r["check"] in ("value_missing", "placeholder_target")] == []


# -- template_text ----------------------------------------------------------------------------

def test_template_text(tmp_path):
    f = form(annual=[an("XX指标", ("1项", "2项", "3项")), an("科普活动", ("30项", "35项", "XX"))],
             annual_goal="完成XX项重点任务，服务**家企业。")
    hits = findings(tmp_path, f, check="template_text")
    assert len(hits) == 3
    assert not findings(tmp_path, f, check="placeholder_target")  # XX is reported once, as template text


def test_real_text_is_not_template(tmp_path):
    f = form(annual=[an("XXL号服装采购", ("1项", "2项", "3项"))], annual_goal="完成3项重点任务。")
    assert findings(tmp_path, f, check="template_text") == []


# -- text_grid_mismatch -----------------------------------------------------------------------

def test_text_grid_mismatch(tmp_path):
    f = form(long_term=[lt("高新技术企业", "148家"), lt("科技型中小企业", "1200家")],
             long_term_goal="高新技术企业总数突破400家以上，科技型中小企业达到1000家以上。")
    (hit,) = findings(tmp_path, f, check="text_grid_mismatch")
    assert "突破400家以上" in hit["message"] and "148家" in hit["message"] and "1000" not in hit["message"]


def test_text_agreeing_with_grid_is_quiet(tmp_path):
    f = form(annual=[an("高新技术企业", ("227", "313", "350"))],
             annual_goal="培育壮大创新主体，高新技术企业新增40家，总数达到350家以上。")
    assert findings(tmp_path, f, check="text_grid_mismatch") == []


# -- config -----------------------------------------------------------------------------------

def test_config_from_toml_env_and_options(tmp_path):
    # the layering itself is tested in tests/jixiao/test_settings.py; here the review file's table
    toml = tmp_path / "review.toml"
    toml.write_text('[review]\nquantitative_share_min = 60\ncap_words = ["控制率"]\ndisabled = ["template_text"]\n',
                    encoding="utf-8")
    cfg = load_settings({"review_config": str(toml)}, env={}).review
    assert cfg == replace(ReviewConfig(), quantitative_share_min=60, cap_words=("控制率",), disabled=("template_text",))
    assert load_settings(env={"JIXIAO_REVIEW_CONFIG": str(toml), "JIXIAO_QUANTITATIVE_SHARE_MIN": "40"}
                         ).review.quantitative_share_min == 40
    assert load_settings({"review_config": str(toml), "quantitative_share_min": 70, "rate_max_pct": None},
                         env={}).review.quantitative_share_min == 70
    assert load_settings(env={}).review == ReviewConfig()
    bad = tmp_path / "bad.toml"
    bad.write_text("[review]\nquantitative_share_minimum = 60\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown review setting"):
        load_settings({"review_config": str(bad)}, env={})


def test_shipped_sample_config_is_the_defaults():
    from tests.conftest import REPO

    assert load_settings({"review_config": str(REPO / "samples" / "review.toml")}, env={}).review == ReviewConfig()


# -- text_grid_mismatch precision on planted problems (issue 13 item 10) -----------------------

# (indicator, grid target, goal text agreeing with it, goal text contradicting it)
PLANTS = [
    ("地区生产总值", "5000亿元", "地区生产总值突破5000亿元", "地区生产总值突破8000亿元"),
    ("地区生产总值", "5000亿元", "地区生产总值达到0.5万亿元", "地区生产总值达到0.8万亿元"),
    ("科技企业数量", "12000家", "科技企业数量达到1.2万家以上", "科技企业数量达到2万家以上"),
    ("政策知晓率", "95%", "政策知晓率不低于90%", "政策知晓率不低于98%"),
    ("政策知晓率", "92%", "政策知晓率保持在90%-95%", "政策知晓率保持在96%-99%"),
    ("政策知晓率", "95%", "政策知晓率较上年提高5个百分点", "政策知晓率达到99%"),
    ("投诉处理时限", "3天", "投诉处理时限不超过5天", "投诉处理时限不超过2天"),
    ("培训人次", "1200人次", "培训人次超过1200人次", "培训人次超过1500人次"),
]


def test_text_grid_mismatch_precision_on_planted_forms(tmp_path):
    """Every clean form is quiet and every planted one is found: precision = recall = 1.0."""
    true_pos = false_pos = planted = 0
    for i, (name, grid, clean, bad) in enumerate(PLANTS):
        for text, is_planted in ((clean, False), (bad, True)):
            f = form(annual=[an(name, ("", "", grid))], annual_goal=f"1.{text}。\n2.完成年度工作任务。")
            hits = findings(tmp_path / f"{i}{is_planted}", f, check="text_grid_mismatch")
            planted += is_planted
            true_pos += bool(hits) and is_planted
            false_pos += len(hits) if not is_planted else max(0, len(hits) - 1)
    precision = true_pos / (true_pos + false_pos)
    assert (precision, true_pos / planted) == (1.0, 1.0)
