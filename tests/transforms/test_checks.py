"""Consistency checks on real .docx forms: each warning fires when the numbers disagree, stays
silent when they agree (within the rounding tolerance), and the form is still loaded."""
from __future__ import annotations

import hashlib

import pytest

from testkit.hostile import department_form
from testkit.docx_builder import save
from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch

FUNDING_CHECKS = {"funding_sum_mismatch", "funding_share_mismatch", "funding_share_sum",
                  "funding_income_expenditure_mismatch", "funding_value_unparsed"}


def _findings(tmp_path, rel="2024/鄂州市/表.docx", **kw):
    path = tmp_path / rel
    save(department_form("鄂州市财政局", **kw), path)
    f = SourceFile(rel, str(path), hashlib.sha256(path.read_bytes()).hexdigest())
    out = normalize_batch([f], NormalizeOptions(default_province="湖北省")).frames
    assert out["contents"]["outcome"].tolist() == ["ok"]  # warnings never reject the form
    assert len(out["raw_submissions"]) == 1
    findings = out["raw_findings"]
    assert set(findings["severity"]) <= {"warning"}
    return findings


def _checks(findings) -> set[str]:
    return set(findings["check"]) & FUNDING_CHECKS


def test_consistent_funding_gives_no_finding(tmp_path):
    assert _checks(_findings(tmp_path)) == set()


def test_shares_rounded_within_tolerance_give_no_finding(tmp_path):
    findings = _findings(tmp_path, income=("1", "2", "3"), income_share=("33.33%", "66.67%", "100%"),
                         spend=("2", "1", "3"), spend_share=("66.68%", "33.34%", "100%"))
    assert _checks(findings) == set()  # 66.68 vs 66.667 and a sum of 100.02: within ±0.02


@pytest.mark.parametrize("kw, expected", [
    (dict(income=("60", "30", "100"), income_share=("60%", "30%", "100%"), spend=("63", "27", "90"),
          spend_share=("70%", "30%", "100%")),
     {"funding_sum_mismatch", "funding_share_sum", "funding_income_expenditure_mismatch"}),
    (dict(income_share=("65%", "35%", "100%")), {"funding_share_mismatch"}),
    (dict(income_share=("60%", "30%", "100%")), {"funding_share_mismatch", "funding_share_sum"}),
    # items 70+30 ≠ 合计 110; shares are item ÷ 合计 (so each matches) but sum to 90.91
    (dict(spend=("70", "30", "110"), spend_share=("63.64%", "27.27%", "100%")),
     {"funding_sum_mismatch", "funding_income_expenditure_mismatch", "funding_share_sum"}),
    # an amount that is not a number: reported, left out of the sums (which then disagree)
    (dict(income=("60", "见附件", "100"), income_share=("60%", "", "100%")),
     {"funding_value_unparsed", "funding_sum_mismatch", "funding_share_sum"}),
])
def test_each_disagreement_is_a_warning_naming_the_numbers(tmp_path, kw, expected):
    findings = _findings(tmp_path, **kw)
    assert _checks(findings) == expected
    for message in findings["message"]:
        assert message.startswith("《表.docx》")  # names the file for the clerk


def test_sum_mismatch_message_names_year_and_numbers(tmp_path):
    findings = _findings(tmp_path, income=("60", "30", "100"), income_share=("60%", "30%", "100%"),
                         spend=("60", "30", "90"), spend_share=("66.67%", "33.33%", "100%"))
    (msg,) = findings.loc[findings["check"].eq("funding_sum_mismatch"), "message"]
    assert "2024年收入" in msg and "=90万元" in msg and "合计100万元" in msg
    (msg,) = findings.loc[findings["check"].eq("funding_income_expenditure_mismatch"), "message"]
    assert "收入合计100万元" in msg and "支出合计90万元" in msg


def test_year_disagreement_between_document_and_path_is_a_warning(tmp_path):
    findings = _findings(tmp_path, rel="2023/鄂州市/表.docx")  # history 2022年/2023年 make 2024
    (msg,) = findings.loc[findings["check"].eq("year_conflict"), "message"]
    assert "2024" in msg and "2023" in msg


def test_large_amounts_are_written_out_in_the_sentence(tmp_path):
    # amounts in 元 reach the hundreds of millions: :g would say 2.65139e+08 and drop digits
    findings = _findings(tmp_path, income=("265139012", "30", "300000000"), income_share=("", "", ""),
                         spend=("265139012", "30", "300000000"), spend_share=("", "", ""))
    messages = " ".join(findings["message"])
    assert "265139012" in messages and "300000000" in messages and "e+" not in messages
