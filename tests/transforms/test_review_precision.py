"""Precision and recall of the review findings on generated forms with known planted problems
(issue 13 item 10).

Base forms are drawn by the round-trip generator (testkit/generate.py: random Hubei department
forms with every variation, values from the whole hand-written value table, so they carry
findings of their own). Into each base form one indicator is planted per check — a problem
(the check must fire, naming that indicator) or its near-miss twin (nothing may fire) — and the
form is read back. A finding counts against the check when it is new on the planted form:

* true positive: a new finding of the planted check that names the planted indicator;
* false positive: any other new finding (another check, or a near-miss that fired);
* false negative: a planted problem with no true positive.

``quantitative_share_low`` is a form-level ratio that any added indicator moves; it is disabled
here and tested by its threshold arithmetic in test_review.py. The figures are in
docs/analysts.md (Review checks → measured precision).
"""
from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from jixiao.settings import ReviewConfig
from testkit.docx_builder import save
from testkit.forms import DepartmentForm, Ind, department_document
from testkit.generate import hubei_department
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch

YEAR = 2024
LOCATION = re.compile(r"表\d+ 第\d+行(?: 第\d+列)?")
BASE_FORMS = 12


def an(name, values):
    return Ind(name, tuple(values), "计划标准", "绩效基本型")


def lt(name, value):
    return Ind(name, (value,), "计划标准", "绩效基本型")


# check → (planted problem, near-miss twin). Each is (long-term indicators, annual indicators,
# a sentence added to the annual goal); the names are not among the generator's own.
PLANTS = {
    "target_below_prior": (([], [an("核心技术攻关项目", ("96项", "136项", "130项"))], ""),
                           ([], [an("核心技术攻关项目", ("96项", "130项", "136项"))], "")),
    "long_term_below_annual": (([lt("高新技术企业总数", "148家")],
                                [an("高新技术企业总数", ("227家", "313家", "350家"))], ""),
                               ([lt("高新技术企业总数", "400家")],
                                [an("高新技术企业总数", ("227家", "313家", "350家"))], "")),
    "rate_over_100": (([], [an("专项资金执行率", ("95%", "96%", "292%"))], ""),
                      ([], [an("专项资金执行率", ("95%", "96%", "100%"))], "")),
    "unit_inconsistent": (([], [an("产业技术创新联合体", ("2个", "3项", "4个"))], ""),
                          ([], [an("产业技术创新联合体", ("2个", "3个", "4个"))], "")),
    "value_missing": (([], [an("评审系统建设", ("1套", "1套", ""))], ""),
                      ([], [an("评审系统建设", ("", "", "1套"))], "")),
    "placeholder_target": (([], [an("科普活动场次", ("30场", "35场", "待定"))], ""),
                           ([], [an("科普活动场次", ("新增", "无", "40场"))], "")),
    "template_text": (([], [an("XX专项指标", ("1项", "2项", "3项"))], ""),
                      ([], [an("XXL号服装采购", ("1项", "2项", "3项"))], "")),
    "text_grid_mismatch": (([], [an("科技企业数量", ("", "", "12000家"))], "科技企业数量达到2万家以上。"),
                           ([], [an("科技企业数量", ("", "", "12000家"))], "科技企业数量达到1.2万家以上。")),
}
PLANTED_NAMES = {"target_below_prior": "核心技术攻关项目", "long_term_below_annual": "高新技术企业总数",
                 "rate_over_100": "专项资金执行率", "unit_inconsistent": "产业技术创新联合体",
                 "value_missing": "评审系统建设", "placeholder_target": "科普活动场次",
                 "template_text": "XX专项指标", "text_grid_mismatch": "科技企业数量"}


def plant(base: DepartmentForm, long_term: list, annual: list, goal: str) -> DepartmentForm:
    f = copy.deepcopy(base)
    if long_term:
        f.long_term = f.long_term + [("履职效能", [("抽查指标", long_term)])]
    f.annual = f.annual + [("履职效能", [("抽查指标", annual)])]
    if goal:
        f.annual_goal = f"{f.annual_goal}\n{goal}"
    return f


def read_findings(tmp: Path, forms: dict[str, DepartmentForm]) -> dict[str, Counter]:
    """(check, message) of every finding of each form, all read in one batch as the flow does."""
    files, by_sha = [], {}
    for key, f in forms.items():
        path = tmp / str(YEAR) / f"{key}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        save(department_document(f), path)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append(SourceFile(f"{YEAR}/{key}.docx", str(path), sha))
        by_sha[sha] = key
    cfg = ReviewConfig(disabled=("quantitative_share_low",))
    frames = normalize_batch(files, NormalizeOptions(default_province="湖北省", review=cfg)).frames
    assert len(by_sha) == len(forms), "two planted forms saved the same bytes"
    assert frames["contents"]["outcome"].eq("ok").all(), frames["contents"].to_dict("records")
    assert len(frames["raw_submissions"]) == len(forms)
    out = {key: Counter() for key in forms}
    for r in frames["raw_findings"].to_dict("records"):
        key = by_sha[r["sha256"]]  # the sentence without the file's own name
        # the sentence without the file's name and cell (a planted long-term row moves the
        # annual rows below it one down: the same finding, another row number)
        message = LOCATION.sub("", r["message"].replace(f"《{key}.docx》", ""))
        out[key][(r["check"], message)] += 1
    return out


def measure(tmp: Path, bases: list[DepartmentForm]) -> dict[str, Counter]:
    forms = {}
    for i, base in enumerate(bases):
        forms[f"b{i}"] = base
        for check, (problem, twin) in PLANTS.items():
            forms[f"b{i}_{check}_problem"] = plant(base, *problem)
            forms[f"b{i}_{check}_twin"] = plant(base, *twin)
    got = read_findings(tmp, forms)
    score = {check: Counter() for check in PLANTS}
    for i in range(len(bases)):
        base = got[f"b{i}"]
        for check in PLANTS:
            for kind in ("problem", "twin"):
                new = got[f"b{i}_{check}_{kind}"] - base
                hits = sum(n for (c, msg), n in new.items() if c == check and PLANTED_NAMES[check] in msg)
                others = sum(new.values()) - hits
                if kind == "problem":
                    score[check]["tp"] += min(hits, 1)
                    score[check]["fp"] += others + max(0, hits - 1)
                    score[check]["fn"] += hits == 0
                else:
                    score[check]["fp"] += sum(new.values())
                for (c, msg), n in new.items():
                    if not (kind == "problem" and c == check and PLANTED_NAMES[check] in msg):
                        print(f"unexpected on {check}/{kind}: {c} {msg}")
    return score


@settings(max_examples=1, deadline=None, derandomize=True, database=None, phases=(Phase.generate,),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(data=st.data())
def test_review_findings_precision_and_recall_on_planted_forms(tmp_path_factory, data):
    bases = []
    while len(bases) < BASE_FORMS:  # distinct forms: equal bytes would be one content
        base = data.draw(hubei_department(YEAR)).form
        if base not in bases:
            bases.append(base)
    score = measure(tmp_path_factory.mktemp("planted"), bases)
    table = []
    for check, s in score.items():
        precision = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
        recall = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 0.0
        table.append((check, s["tp"], s["fp"], s["fn"], precision, recall))
        print(f"{check:24} tp={s['tp']:3} fp={s['fp']:3} fn={s['fn']:3} "
              f"precision={precision:.2f} recall={recall:.2f}")
    assert all(tp == BASE_FORMS for _, tp, _, _, _, _ in table), table
    assert [(c, p, r) for c, _, _, _, p, r in table] == [(c, 1.0, 1.0) for c in PLANTS], table
