"""One catalog of every code: each code the product uses (found in its source and SQL, and
collected by normalizing the sample inbox) has an entry with a stage, severity, Chinese name
and sentence."""
from __future__ import annotations

import hashlib
import re
import string

import pytest

from jixiao.catalog import CATALOG, SEVERITIES, STAGES, catalog_rows, code, name_zh, sentence
from tests.conftest import REPO, SAMPLES

PRODUCT = ["extractors", "transforms", "warehouse", "flows", "intake", "office"]
# the places a code is written in Python: finding("x", …), ExtractError.of("x"), reject(f, "x", …),
# catalog_sentence(f, "x"), file_error(f, "x", …), classify's ("ignored", "x"), reason = "x"
PY_CODES = [
    r'\bfinding\(\s*"([a-z_0-9]+)"', r'ExtractError(?:\.of)?\(\s*"([a-z_0-9]+)"', r'\breject\(\s*\w+,\s*"([a-z_0-9]+)"',
    r'catalog_sentence\(\s*\w+,\s*"([a-z_0-9]+)"', r'file_error\(\s*\w+,\s*"([a-z_0-9]+)"',
    r'"ignored",\s*"([a-z_0-9]+)"', r'\["?reason"?\]\s*=\s*"([a-z_0-9]+)"', r'"reason"\]\s*=\s*"([a-z_0-9]+)"',
    r'\bsentence\(\s*"([a-z_0-9]+)"',
]


def _python_codes() -> set[str]:
    found = set()
    for top in PRODUCT:
        for path in (REPO / top).rglob("*.py") if (REPO / top).is_dir() else ():
            text = path.read_text(encoding="utf-8")
            for pattern in PY_CODES:
                found |= set(re.findall(pattern, text))
    return found


def _sql_reasons() -> set[str]:
    """The literals a `... AS reason` CASE of the warehouse SQL can give."""
    found = set()
    for path in (REPO / "warehouse").rglob("*.sql"):
        text = path.read_text(encoding="utf-8")
        # a select-list CASE up to its `END AS reason` or `END AS message_code`
        for block in re.findall(r"\n\s+CASE\b((?:(?!\n\s+CASE\b).)*?)\n\s+END AS (?:reason|message_code)", text, re.S):
            found |= set(re.findall(r"(?:THEN|ELSE|,)\s*'([a-z_]+)'", block))
    return found


def test_the_source_uses_codes_and_every_one_is_in_the_catalog():
    used = _python_codes() | _sql_reasons()
    # the scan itself finds the codes everyone knows are there
    assert {"funding_sum_mismatch", "year_conflict", "corrupt", "schema_invalid", "not_a_document",
            "duplicate", "text_grid_mismatch"} <= used
    assert sorted(used - set(CATALOG)) == []


def test_the_sample_inbox_produces_only_catalog_codes():
    from transforms.normalize import NormalizeOptions, SourceFile, normalize_batch

    files, seen = [], set()
    for p in sorted(SAMPLES.rglob("*.docx")):
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            files.append(SourceFile(p.relative_to(SAMPLES).as_posix(), str(p), digest))
    batch = normalize_batch(files, NormalizeOptions(default_province="湖北省"))
    codes = set(batch.frames["raw_findings"]["check"]) | set(batch.contents["reason"].dropna())
    assert codes and codes <= set(CATALOG)
    for row in batch.frames["raw_findings"].to_dict("records"):
        assert row["severity"] == code(row["check"]).severity


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_entry_is_complete(name):
    entry = CATALOG[name]
    assert entry.code == name and re.fullmatch(r"[a-z0-9_]+", name)
    assert entry.stage in STAGES and entry.severity in SEVERITIES
    assert entry.name_zh.strip() and any("\u4e00" <= ch <= "\u9fff" for ch in entry.name_zh)
    for template in [entry.template] + [t for _, t in entry.variants]:
        assert template.strip() and not template.startswith("《")  # the stage names the file
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        assert fields == {f.split(".")[0] for f in fields}  # plain names only


def test_names_the_issue_asked_for():
    assert name_zh("funding_sum_mismatch") == "资金合计不符"
    assert name_zh("year_conflict") == "年度不一致"
    assert name_zh("not_in_catalog") == "not_in_catalog"


def test_sentences_fill_their_templates_and_variants():
    assert sentence("missing_department", where="第1张表").startswith("第1张表缺少“部门（单位）名称”")
    assert "压缩炸弹" in sentence("too_large", "bomb")
    assert sentence("year_conflict", "path", stated=2024, other=2023).startswith("文档中的预算年度为2024年")


def test_catalog_rows_are_one_per_code():
    rows = catalog_rows()
    assert [r["code"] for r in rows] == list(CATALOG)
    assert set(rows[0]) == {"code", "stage", "severity", "name_zh", "template", "affects_status"}


def test_review_findings_never_change_a_file_status():
    # issue 13.10: read and consistency codes make loaded_with_warnings; review codes are counted apart
    for c in CATALOG.values():
        assert c.affects_status is (c.stage != "review"), c.code
    assert not code("target_below_prior").affects_status and code("funding_sum_mismatch").affects_status
    assert code("year_conflict").affects_status and code("cell_unplaced").affects_status


# the fields the staging SQL fills in files.message (stg_file_status, stg_content_status)
SQL_FILLED_FIELDS = {"primary_path", "reason", "forms", "warnings", "findings", "paths"}
# the codes files.message is built from: publish sentences, the scan's ignore reasons, the
# intake outcomes of a content
MESSAGE_CODES = [c.code for c in CATALOG.values() if c.stage == "publish"] + [
    "word_lock_file", "not_a_document", "unreadable", "broken_symlink", "symlink_loop", "not_a_regular_file",
    "duplicate", "superseded", "rejected"]


@pytest.mark.parametrize("name", MESSAGE_CODES)
def test_every_field_of_a_files_message_template_is_filled_by_sql(name):
    fields = {f for _, f, _, _ in string.Formatter().parse(code(name).template) if f}
    assert fields <= SQL_FILLED_FIELDS, (name, fields - SQL_FILLED_FIELDS)
