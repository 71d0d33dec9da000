"""The two seeds (real .docx rebuilds) produce the review findings DOMAIN.md predicts."""
from __future__ import annotations

import hashlib

import pytest

from tests.conftest import CASES
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch
from transforms.normalize.rows import IndicatorRow
from transforms.review import quantitative_share

SEEDS = {"seed_000_department_hubei": "2024/鄂州市/部门整体绩效目标表.docx",
         "seed_003_project_hubei": "2024/湖北省/附表五 综合事务工作专项预算绩效目标.docx"}


@pytest.fixture(scope="module")
def seeds():
    out = {}
    for case, rel in SEEDS.items():
        path = CASES / f"{case}.docx"
        src = SourceFile(rel, str(path), hashlib.sha256(path.read_bytes()).hexdigest())
        out[case] = normalize_batch([src], NormalizeOptions(default_province="湖北省")).frames
    return out


def _findings(frames, check):
    return [r for r in frames["raw_findings"].to_dict("records") if r["check"] == check]


def test_seed_000_core_technology_target_below_prior(seeds):
    (hit,) = _findings(seeds["seed_000_department_hubei"], "target_below_prior")
    assert "核心技术攻关" in hit["message"] and "130项" in hit["message"] and "136项" in hit["message"]


def test_seed_000_long_term_148_below_annual_350(seeds):
    hits = _findings(seeds["seed_000_department_hubei"], "long_term_below_annual")
    named = {h["message"].split("“")[1].split("”")[0]: h for h in hits}
    assert "148家" in named["高新技术企业"]["message"] and "“350”" in named["高新技术企业"]["message"]
    # the same slip in the other core outputs of that form
    assert set(named) == {"高新技术企业", "科技型中小企业", "产业技术创新联合体", "技术合同成交额", "政府采购执行率"}


def test_seed_000_long_term_text_contradicts_grid(seeds):
    hits = _findings(seeds["seed_000_department_hubei"], "text_grid_mismatch")
    assert sorted(h["message"].split("“")[1].split("”")[0] for h in hits) == ["科技型中小企业", "高新技术企业"]


def _indicator_rows(frames):
    return [IndicatorRow(**r) for r in frames["raw_indicators"].to_dict("records")]


def test_seed_quantitative_shares(seeds):
    rows = _indicator_rows(seeds["seed_000_department_hubei"])
    assert quantitative_share(rows) == (44, 82)  # 53.7%
    rows = _indicator_rows(seeds["seed_003_project_hubei"])
    assert quantitative_share([r for r in rows if r.horizon == "annual"]) == (21, 29)  # 72.4%
    assert quantitative_share(rows) == (26, 38)
    for frames in seeds.values():
        assert _findings(frames, "quantitative_share_low") == []


def test_seed_003_findings(seeds):
    frames = seeds["seed_003_project_hubei"]
    (placeholder,) = _findings(frames, "placeholder_target")
    assert "为高新技术企业提供培育服务次数" in placeholder["message"] and "“次”" in placeholder["message"]
    below = sorted(h["message"].split("“")[2].split("”")[0] for h in _findings(frames, "target_below_prior"))
    assert below == ["工作许可证办件量", "科技交流与合作人次", "重大科普活动"]
    for check in ("rate_over_100", "unit_inconsistent", "template_text", "value_missing", "long_term_below_annual"):
        assert _findings(frames, check) == [], check
