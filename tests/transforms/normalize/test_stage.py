"""The normalize stage (transforms/normalize/stage.py) over a batch of real files: years,
regions, findings, rejections, and validation that rejects only the failing form."""
from __future__ import annotations

import hashlib

import pandas as pd

from testkit.docx_builder import C, Document, P, Table, save
from transforms.normalize import NormalizedBatch, NormalizeOptions, SourceFile, normalize_batch, validate
from transforms.normalize.rows import empty_frames

W = 1000


def _department(dept="鄂州市财政局", years=("2022年", "2023年"), amounts=("60", "40", "100")):
    return Table([W] * 6, [
        [C("部门（单位）名称"), C(dept, colspan=5)],
        [C("填报人"), C("张三", colspan=2), C("联系电话"), C("0711-1234567", colspan=2)],
        [C("总体资金情况", colspan=2), C("当年金额"), C("占比"), C("近两年收支金额", colspan=2)],
        [C(""), C(""), C(""), C(""), C(years[0]), C(years[1])],
        [C("收入构成", rowspan=3), C("财政拨款"), C(amounts[0]), C("60%"), C("50"), C("50")],
        [C("单位资金"), C(amounts[1]), C("40%"), C("50"), C("50")],
        [C("合  计"), C(amounts[2]), C("100%"), C("100"), C("100")],
        [C("一级指标"), C("二级指标"), C("三级指标", colspan=2), C("指标值", colspan=2)],
        [C("产出"), C("数量"), C("培训人次", colspan=2), C("100人次", colspan=2)],
    ])


def _file(tmp_path, rel, blocks):
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    save(Document(blocks), path)
    return SourceFile(rel, str(path), hashlib.sha256(path.read_bytes()).hexdigest())


def _run(files, year=None):
    return normalize_batch(files, NormalizeOptions(default_year=year, default_province="湖北省"), "run-1").frames


def test_year_from_history_columns_and_region_from_name(tmp_path):
    f = _file(tmp_path, "x/a.docx", [P("部门整体绩效目标表"), _department()])
    out = _run([f])
    (sub,) = out["raw_submissions"].to_dict("records")
    assert (sub["budget_year"], sub["year_source"]) == (2024, "history")
    assert (sub["province"], sub["city"], sub["admin_level"], sub["region_code"]) == ("湖北省", "鄂州市", "city", "420700")
    assert sub["filer"] == "张三" and sub["phone"] == "0711-1234567"
    funding = out["raw_funding"]
    assert set(funding["fiscal_year"]) == {2022, 2023, 2024}
    assert funding.loc[funding["fiscal_year"].eq(2024) & funding["is_total"], "amount_wan"].item() == 100
    assert out["raw_findings"].empty


def test_funding_arithmetic_findings(tmp_path):
    f = _file(tmp_path, "2024/a.docx", [_department(amounts=("60", "30", "100"))])
    checks = set(_run([f])["raw_findings"]["check"])
    assert {"funding_sum_mismatch", "funding_share_mismatch"} <= checks


def test_year_conflict_is_a_warning_and_path_year_is_used_without_document_year(tmp_path):
    conflict = _file(tmp_path, "2023/a.docx", [_department()])
    out = _run([conflict])
    assert out["raw_submissions"]["budget_year"].tolist() == [2024]
    assert out["raw_findings"]["check"].tolist() == ["year_conflict"]

    plain = Table([W] * 4, [[C("部门（单位）名称"), C("鄂州市教育局", colspan=3)],
                            [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")],
                            [C("产出"), C("数量"), C("x"), C("1家")]])
    from_path = _file(tmp_path, "2025年/教育局/b.docx", [plain])
    from_param = _file(tmp_path, "inbox/c.docx", [P("部门整体绩效目标表"), plain])
    out = _run([from_path, from_param], year=2026)
    subs = out["raw_submissions"].set_index("sha256")
    assert subs.loc[from_path.sha256, ["budget_year", "year_source"]].tolist() == [2025, "path"]
    assert subs.loc[from_param.sha256, ["budget_year", "year_source"]].tolist() == [2026, "parameter"]


def test_forms_without_department_or_year_are_rejected_and_the_batch_goes_on(tmp_path):
    no_dept = Table([W] * 4, [[C("部门（单位）名称"), C("", colspan=3)],
                              [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")],
                              [C("产出"), C("数量"), C("x"), C("1")]])
    no_year = Table([W] * 4, [[C("部门（单位）名称"), C("鄂州市教育局", colspan=3)],
                              [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")],
                              [C("产出"), C("数量"), C("x"), C("1")]])
    letter = _file(tmp_path, "2024/letter.docx", [P("关于报送绩效目标的函")])
    good = _file(tmp_path, "2024/good.docx", [_department()])
    files = [_file(tmp_path, "2024/a.docx", [P("部门整体绩效目标表"), no_dept]),
             _file(tmp_path, "misc/b.docx", [P("部门整体绩效目标表"), no_year]), letter, good]
    out = _run(files)
    contents = out["contents"].set_index("sha256")
    assert contents.loc[files[0].sha256, "reason"] == "missing_department"
    assert contents.loc[files[1].sha256, "reason"] == "missing_year"
    assert contents.loc[letter.sha256, "reason"] == "no_tables"
    assert contents.loc[good.sha256, "outcome"] == "ok"
    messages = out["raw_findings"].set_index("check")["message"]
    assert "a.docx" in messages["missing_department"] and "部门（单位）名称" in messages["missing_department"]
    assert out["raw_submissions"]["sha256"].tolist() == [good.sha256]


def test_schema_failures_drop_only_the_failing_form(tmp_path):
    good = _file(tmp_path, "2024/good.docx", [_department()])
    bad = _file(tmp_path, "2024/bad.docx", [_department(dept="局")])  # a one-character department
    out = _run([good, bad])
    assert out["raw_submissions"]["sha256"].tolist() == [good.sha256]
    contents = out["contents"].set_index("sha256")
    assert contents.loc[bad.sha256, ["outcome", "reason"]].tolist() == ["rejected", "schema_invalid"]
    finding = out["raw_findings"].query("check == 'schema_invalid'")
    assert len(finding) == 1 and "department" in finding["message"].item()
    assert not out["raw_funding"]["submission_id"].str.startswith(bad.sha256[:16]).any()


def test_an_empty_batch_validates_to_empty_frames():
    out = validate(NormalizedBatch("run-1", empty_frames())).frames
    assert set(out) == {"contents", "raw_submissions", "raw_funding", "raw_goals", "raw_indicators", "raw_tasks",
                        "raw_findings"}
    assert all(len(df) == 0 for df in out.values())


# -- what is not a target form is rejected with its reason, never read as one ------------------

def _reason(out):
    (content,) = out["contents"].to_dict("records")
    return content["outcome"], content["reason"], content["message"]


def test_a_self_evaluation_form_is_not_a_target_form(tmp_path):
    table = Table([W] * 8, [
        [C("项目名称"), C("教师培训经费", colspan=7)],
        [C("主管部门"), C("鄂州市教育局", colspan=3), C("实施单位"), C("鄂州市教育局", colspan=3)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年初目标值"), C("实际完成值"), C("分值"), C("得分"),
         C("偏差原因分析")],
        [C("产出指标"), C("数量指标"), C("培训人次"), C("1800人次"), C("1750人次"), C("10"), C("9"), C("疫情影响")],
    ])
    out = _run([_file(tmp_path, "2024/自评.docx", [P("项目支出绩效自评表（2023年度）"), table])])
    outcome, reason, message = _reason(out)
    assert (outcome, reason) == ("rejected", "not_a_target_form")
    assert "年初目标值" in message and out["raw_submissions"].empty


def test_a_sign_in_sheet_is_unrecognized_and_the_message_names_what_was_found(tmp_path):
    table = Table([W] * 5, [
        [C("序号"), C("姓名"), C("单位"), C("职务"), C("签名")],
        [C("1"), C("张三"), C("鄂州市财政局"), C("科员"), C("")],
        [C("2"), C("李四"), C("鄂州市教育局"), C("科长"), C("")],
    ])
    out = _run([_file(tmp_path, "2024/签到.docx", [P("预算绩效目标评审会议签到表"), table])])
    outcome, reason, message = _reason(out)
    assert (outcome, reason) == ("rejected", "unrecognized_form")
    assert "姓名" in message and "签名" in message  # the labels found
    assert "部门（单位）名称" in message and "一级/二级/三级指标" in message  # what was expected


def test_a_letter_without_tables_is_rejected_as_no_tables(tmp_path):
    out = _run([_file(tmp_path, "2024/函.docx", [P("关于报送2024年度预算绩效目标的函"), P("市财政局："),
                                                 P("现将我局2024年度预算绩效目标报送给你们，请审核。")])])
    assert _reason(out)[:2] == ("rejected", "no_tables")


def test_a_national_project_form_whose_amounts_do_not_add_up_loads_with_a_warning(tmp_path):
    from dataclasses import replace

    from testkit.forms import national_project_document
    from testkit.make_samples import TEACHER_TRAINING

    form = replace(TEACHER_TRAINING, total="3600000.00")  # 财政拨款 300 + 其他资金 50 ≠ 360 万元
    out = _run([_file(tmp_path, "2024/p.docx", national_project_document(form).blocks)])
    assert _reason(out)[0] == "ok"
    findings = out["raw_findings"]
    (mismatch,) = findings[findings["check"] == "funding_sum_mismatch"].to_dict("records")
    assert mismatch["severity"] == "warning" and "360" in mismatch["message"]


def test_a_cell_read_twice_rejects_its_form_instead_of_failing_the_load(tmp_path):
    import pandas as pd

    good = _file(tmp_path, "2024/good.docx", [_department()])
    other = _file(tmp_path, "2024/other.docx", [_department(dept="鄂州市教育局")])
    batch = normalize_batch([good, other], NormalizeOptions(default_province="湖北省"), "run-1")
    frames = dict(batch.frames)
    funding = frames["raw_funding"]
    twice = funding[funding["submission_id"].str.startswith(good.sha256[:16])].head(1)
    frames["raw_funding"] = pd.concat([funding, twice], ignore_index=True)
    out = validate(NormalizedBatch(batch.run_id, frames)).frames
    assert out["raw_submissions"]["sha256"].tolist() == [other.sha256]
    assert out["contents"].set_index("sha256").loc[good.sha256, "reason"] == "schema_invalid"


def test_the_batch_carries_its_run_id_stage_times_and_no_fake_tables(tmp_path):
    good = _file(tmp_path, "2024/good.docx", [_department()])
    batch = normalize_batch([good], NormalizeOptions(default_province="湖北省"), "run-7")
    assert batch.run_id == "run-7"
    assert set(batch.frames) == {"contents", "raw_submissions", "raw_funding", "raw_goals", "raw_indicators",
                                 "raw_tasks", "raw_findings"}
    assert batch.contents is batch.frames["contents"] and batch.contents["outcome"].tolist() == ["ok"]
    assert set(batch.stage_seconds) == {"extract", "normalize", "validate"} and batch.stage_seconds["extract"] > 0
    assert batch.inbox_corrections.empty and list(batch.inbox_corrections.columns) == [
        "path", "sha256", "size_bytes", "modified_at"]


def test_a_file_that_vanished_or_changed_becomes_a_correction(tmp_path):
    gone = _file(tmp_path, "2024/gone.docx", [_department()])
    changed = _file(tmp_path, "2024/changed.docx", [_department(dept="鄂州市教育局")])
    (tmp_path / gone.path).unlink()
    save(Document([_department(dept="鄂州市民政局")]), tmp_path / changed.path)
    batch = normalize_batch([gone, changed], NormalizeOptions(default_province="湖北省"), "run-1")
    corrections = batch.inbox_corrections.set_index("path")
    assert pd.isna(corrections.loc[gone.path, "sha256"])  # vanished: the path leaves the scan
    now = hashlib.sha256((tmp_path / changed.path).read_bytes()).hexdigest()
    assert corrections.loc[changed.path, "sha256"] == now != changed.sha256
    assert batch.contents["sha256"].tolist() == [now]
    assert batch.frames["raw_submissions"]["department"].tolist() == ["鄂州市民政局"]


def test_direct_readers_off_sends_every_doc_and_xls_to_libreoffice(tmp_path):
    """Settings.direct_readers = false: the operator's way back to LibreOffice for .doc/.wps/.xls/.et;
    the rows are the same either way."""
    import shutil

    from extractors import dispatch
    from tests.conftest import CASES, SAMPLES

    inbox = tmp_path / "inbox"
    (inbox / "2024").mkdir(parents=True)
    shutil.copyfile(CASES / "formats" / "national_project.doc", inbox / "2024" / "p.doc")
    shutil.copyfile(next(SAMPLES.rglob("*.et")), inbox / "2024" / "d.et")
    files = [SourceFile(p.relative_to(inbox).as_posix(), str(p), hashlib.sha256(p.read_bytes()).hexdigest())
             for p in sorted((inbox / "2024").iterdir())]
    rows = {}
    try:
        for on in (True, False):
            cache = tmp_path / f"cache-{on}"
            batch = normalize_batch(files, NormalizeOptions(default_province="湖北省", convert_cache_dir=str(cache),
                                                            direct_readers=on))
            converted = sorted(p.suffix for p in cache.glob("??/*"))
            assert converted == ([] if on else [".docx", ".xlsx"]), (on, converted)
            ind = batch.frames["raw_indicators"]
            rows[on] = sorted(map(repr, ind.drop(columns=[c for c in ind.columns if c.startswith("source_")])
                                  .itertuples(index=False)))
    finally:
        dispatch.use_direct_readers(True)
    assert rows[True] and rows[True] == rows[False]
