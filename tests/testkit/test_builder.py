"""The generated .docx test cases and samples are real Word tables with real merges.

Checks use raw XML (lxml) and python-docx only; no product code.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from testkit import make_samples
from testkit.build_cases import GOLDEN_CASES, SEED_CASES
from testkit.reader_cases import READER_CASES
from testkit.docx_builder import C, Content, Document, Table, build, content, inserted, in_sdt, with_bookmark
from testkit.docx_text import W, document_xml, extract_text, grid_cols, table_cells, top_tables

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases"
INBOX = REPO / "samples" / "inbox"
SEED_000 = CASES / "seed_000_department_hubei.docx"
SEED_003 = CASES / "seed_003_project_hubei.docx"

SAMPLE_DOCX = sorted(p for p in INBOX.rglob("*.docx") if not p.name.startswith("~$"))


def n_tbl(path) -> int:
    return len(document_xml(path).findall(".//" + W + "tbl"))


def cells_with(rows, text):
    return [c for row in rows for c in row if c.text == text]


def one(rows, text):
    found = cells_with(rows, text)
    assert len(found) == 1, (text, found)
    return found[0]


# --------------------------------------------------------------------------- generic well-formedness


def check_table_wellformed(tbl):
    n = len(grid_cols(tbl))
    rows = table_cells(tbl)
    for r, row in enumerate(rows):
        assert sum(c.span for c in row) == n, f"row {r}: spans {[c.span for c in row]} != {n} grid columns"
        for c in row:
            last = c.tc[-1]
            while last.tag == W + "sdt":  # a content control around the cell's last paragraph
                last = last.find(W + "sdtContent")[-1]
            assert last.tag == W + "p", f"row {r} col {c.col}: a cell must end with a paragraph"
            if c.vmerge == "continue":
                above = [a for a in rows[r - 1] if a.col == c.col] if r else []
                assert above and above[0].vmerge in ("restart", "continue"), f"orphan vMerge at r{r} c{c.col}"
                assert above[0].span == c.span, f"vMerge span mismatch at r{r} c{c.col}"
                assert c.text == "", "continuation cells are empty"
    for tc in tbl.iter(W + "tc"):
        nested = tc.find(W + "tbl")
        if nested is not None:
            check_table_wellformed(nested)
    return rows


ALL_DOCX = [SEED_000, SEED_003] + SAMPLE_DOCX


@pytest.mark.parametrize("path", ALL_DOCX, ids=lambda p: p.name)
def test_opens_and_tables_are_wellformed(path):
    d = docx.Document(str(path))
    assert d.tables, "python-docx sees the table"
    for tbl in top_tables(path):
        check_table_wellformed(tbl)
    xml = document_xml(path)
    assert xml.findall(".//" + W + "gridSpan"), "horizontal merges are real gridSpan"
    assert xml.findall(".//" + W + "vMerge"), "vertical merges are real vMerge"


# --------------------------------------------------------------------------- determinism / up to date


@pytest.mark.parametrize("stem", sorted(SEED_CASES))
def test_seed_cases_are_up_to_date(stem):
    doc, expected = SEED_CASES[stem]
    data = build(doc())
    assert data == build(doc()), "deterministic"
    assert (CASES / f"{stem}.docx").read_bytes() == data, "rerun: python -m testkit.build_cases"
    on_disk = json.loads((CASES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(expected(), ensure_ascii=False)), "rerun build_cases"


@pytest.mark.parametrize("stem", sorted(GOLDEN_CASES))
def test_golden_cases_are_up_to_date(stem):
    doc, expected = GOLDEN_CASES[stem]
    assert (CASES / f"{stem}.docx").read_bytes() == build(doc()), "rerun: python -m testkit.build_cases"
    on_disk = json.loads((CASES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(expected(), ensure_ascii=False)), "rerun build_cases"


def test_samples_are_up_to_date(tmp_path):
    written = make_samples.build_inbox(tmp_path / "inbox", convert=False)
    on_disk = sorted(p.relative_to(INBOX).as_posix() for p in INBOX.rglob("*") if p.is_file())
    assert on_disk == written
    converted = {s.path for s in make_samples.SAMPLES if s.fmt != "docx"}
    for rel in written:
        if rel not in converted:
            assert (tmp_path / "inbox" / rel).read_bytes() == (INBOX / rel).read_bytes(), rel
    # the other formats were made from the .docx their form renders today
    assert make_samples.stale_conversions() == [], "rerun: python -m testkit.make_samples"
    expected = json.loads(json.dumps(make_samples.inbox_expectations(), ensure_ascii=False))
    assert json.loads((CASES / "sample_inbox.expected.json").read_text(encoding="utf-8")) == expected


# --------------------------------------------------------------------------- fidelity to the seed text


@pytest.mark.parametrize("stem", sorted(SEED_CASES))
def test_seed_docx_renders_back_to_seed_text(stem):
    seed = (CASES / f"{stem}.seed.txt").read_text(encoding="utf-8")
    got = extract_text(CASES / f"{stem}.docx")
    assert got.rstrip() == seed.rstrip()


# --------------------------------------------------------------------------- seed 000 structure


@pytest.fixture(scope="module")
def s000():
    tables = top_tables(SEED_000)
    assert len(tables) == 1
    return tables[0], table_cells(tables[0])


def test_seed000_one_table_with_titles_above():
    assert n_tbl(SEED_000) == 1
    d = docx.Document(str(SEED_000))
    assert [p.text for p in d.paragraphs[:2]] == ["部门整体绩效目标表", "单位：万元"]
    body = document_xml(SEED_000).find(W + "body")
    kinds = [c.tag for c in body]
    assert kinds[:3] == [W + "p", W + "p", W + "tbl"]


def test_seed000_grid(s000):
    tbl, rows = s000
    assert len(grid_cols(tbl)) == 10
    assert len(rows) == 2 + 10 + 3 + 43 + 1 + 43
    # header rows
    assert [c.text for c in rows[0]] == ["部门（单位）\n名称", "\u3000鄂州市科学技术局"]
    assert [c.span for c in rows[0]] == [2, 8]
    assert len(rows[1]) == 4 and rows[1][1].text == "\u3000梁  婧"


def test_seed000_funding_merges(s000):
    _, rows = s000
    block = one(rows, "部门总体\n资金情况")
    assert (block.vmerge, block.rowspan, block.col) == ("restart", 10, 0)
    head = one(rows, "总体资金情况")
    assert (head.span, head.vmerge, head.rowspan) == (3, "restart", 2)
    assert one(rows, "当年金额").rowspan == 2 and one(rows, "占比").rowspan == 2
    hist = one(rows, "近两年收支金额")
    assert hist.span == 3 and hist.vmerge is None
    y22, y23 = one(rows, "2022年"), one(rows, "2023年")
    assert (y22.row, y22.span, y23.span) == (hist.row + 1, 1, 2)
    assert len(rows[y22.row]) == 6  # header row: 4 continuation cells + 2 years
    for label in ("收入\n构成", "支出\n构成"):
        c = one(rows, label)
        assert (c.vmerge, c.rowspan) == ("restart", 4)
    totals = cells_with(rows, "合 \u00a0计")
    assert len(totals) == 2 and all(c.span == 2 for c in totals)
    empty_row = rows[one(rows, "财政专户管理资金").row]
    assert [c.text for c in empty_row] == ["", "", "财政专户管理资金", "", "", "", ""]


def test_seed000_long_term_grid(s000):
    _, rows = s000
    a = one(rows, "长期绩\n效指标")
    assert (a.vmerge, a.rowspan) == ("restart", 43)
    value_head = [c for c in cells_with(rows, "指标值") if c.row == a.row][0]
    assert value_head.span == 4
    # 履职效能 re-emitted: two separate merged cells (3 rows, then 4 rows)
    lz = [c for c in cells_with(rows, "履职\n效能") if c.row < one(rows, "年度目标：").row]
    assert [(c.vmerge, c.rowspan) for c in lz] == [("restart", 3), ("restart", 4)]
    assert lz[1].row == lz[0].row + 3
    assert [c.rowspan for c in cells_with(rows, "管理\n效率")] == [20, 20]  # long-term grid, annual grid
    assert [c.rowspan for c in cells_with(rows, "履职\n效能")] == [3, 4, 5]
    ys = [c for c in cells_with(rows, "项目支出成本控制")]
    assert [c.rowspan for c in ys] == [2, 2]
    # 满意度 is a one-row 一级 label per grid with two rows under it
    assert [c.rowspan for c in cells_with(rows, "满意度")] == [2, 2]


def test_seed000_annual_header_three_levels(s000):
    _, rows = s000
    a = one(rows, "年度绩效指标")
    assert (a.vmerge, a.rowspan) == ("restart", 43)
    h1, h2, h3 = rows[a.row], rows[a.row + 1], rows[a.row + 2]
    assert [c.text for c in h1] == ["年度绩效指标", "一级\n指标", "二级指标", "三级指标", "", "指标值",
                                    "指标值确定依据", "指标分类"]
    assert [c.span for c in h1] == [1, 1, 1, 1, 1, 3, 1, 1]
    assert [c.text for c in h2] == ["", "", "", "", "近两年指标值", "预期当年实现值", "", ""]
    assert [c.span for c in h2] == [1, 1, 1, 1, 3, 1, 1, 1]
    assert h2[5].vmerge == "restart" and h2[5].rowspan == 2
    assert [c.text for c in h3] == ["", "", "", "", "2022 年", "2023 年", "", "", ""]
    assert [c.span for c in h3] == [1, 1, 1, 1, 2, 1, 1, 1, 1]
    data = rows[a.row + 3]
    assert len(data) == 9 and [c.text for c in data[4:7]] == ["90%", "95%", "95%"]
    for c in h1[1:4] + h1[6:]:
        assert (c.vmerge, c.rowspan) == ("restart", 3)


def test_seed000_bookmark_line_breaks_and_empty_paragraphs(s000):
    tbl, rows = s000
    marks = list(tbl.iter(W + "bookmarkStart"))
    assert [m.get(W + "name") for m in marks] == ["_GoBack"]
    tc = marks[0].getparent().getparent()
    assert tc.tag == W + "tc"
    assert extract_text(SEED_000).count("[bookmark: _GoBack]“三公”经费变动率") == 1
    jb = cells_with(rows, "\n\n基本相符\n\n")
    assert len(jb) == 3
    assert all(len(c.tc.findall(W + "p")) == 5 for c in jb)
    assert len(cells_with(rows, "效果\n明显")) == 9
    c = cells_with(rows, "效果\n明显")[0]
    assert len(c.tc.findall(W + "p")) == 2, "line breaks inside cells are separate paragraphs"
    assert one(rows, "\u00a01.推动全市科技发展，研究拟订全市科技发展的规范性文件草案和科技促进经济社会发展的政策措施，"
                     "组织编制全市中长期科技发展规划；\n2.组织拟订全市科技体制改革的政策措施，制定和组织实施市级科技计划；\n"
                     "3.负责市级科学技术研究与开发经费、科技专项经费的使用和管理；\n4.负责组织高新技术企业申报及评审；\n"
                     "5.负责全市科技成果、科技奖励、科技保密、科技统计工作、外国专家管理，指导建设科技信息体系、生产力促进、"
                     "科技对外交流、技术市场管理、技术需求等工作。").span == 8


# --------------------------------------------------------------------------- seed 003 structure


@pytest.fixture(scope="module")
def s003():
    tables = top_tables(SEED_003)
    assert len(tables) == 1
    return tables[0], table_cells(tables[0])


def test_seed003_one_table_with_titles_above(s003):
    assert n_tbl(SEED_003) == 1
    d = docx.Document(str(SEED_003))
    assert [p.text for p in d.paragraphs[:2]] == ["附表五：", "综合事务工作专项预算绩效目标"]
    tbl, rows = s003
    assert len(grid_cols(tbl)) == 8
    assert len(rows) == 4 + 7 + 1 + 1 + 9 + 1 + 2 + 29


def test_seed003_full_width_rows_and_headers(s003):
    _, rows = s003
    for label in ("项目绩效总目标", "长期绩效目标表", "年度绩效目标表"):
        c = one(rows, label)
        assert c.span == 8 and len(rows[c.row]) == 1
    assert [c.span for c in rows[0]] == [1, 3, 2, 2]
    lt_value = [c for c in cells_with(rows, "指标值")]
    assert [c.span for c in lt_value] == [3, 3]
    an_head = rows[one(rows, "年度绩效目标表").row + 1]
    assert [c.text for c in an_head] == ["目标名称", "一级指标", "二级指标", "指标名称", "指标值", "绩效标准"]
    assert [c.rowspan for c in an_head] == [2, 2, 2, 2, 1, 2]
    sub = rows[an_head[0].row + 1]
    assert [c.text for c in sub] == ["", "", "", "", "前年", "上年", "预计当年实现", ""]


def test_seed003_goal_and_level_merges(s003):
    _, rows = s003
    lt_goal = [c for c in cells_with(rows, "长期目标") if c.vmerge == "restart"]
    assert len(lt_goal) == 1 and lt_goal[0].rowspan == 9
    spans = {}
    for code in ("年度目标01", "年度目标02", "年度目标03", "年度目标04", "年度目标05", "年度目标06"):
        # each code appears once in the goal list (a plain cell) and once merged down the annual grid
        listed, merged = cells_with(rows, code)
        assert listed.vmerge is None and listed.col == 0 and listed.row < merged.row
        spans[code] = merged
    assert {k: (c.vmerge, c.rowspan) for k, c in spans.items()} == {
        "年度目标01": ("restart", 8), "年度目标02": ("restart", 5), "年度目标03": ("restart", 3),
        "年度目标04": ("restart", 4), "年度目标05": ("restart", 3), "年度目标06": ("restart", 6)}


def cells_with_all(rows, text):
    return [c for row in rows for c in row if c.text == text]


def test_seed003_repeated_output_label_not_merged(s003):
    _, rows = s003
    g3 = [c for c in cells_with_all(rows, "年度目标03") if c.vmerge == "restart"][0]
    block = rows[g3.row:g3.row + 3]
    assert [r[1].text for r in block] == ["产出", "产出", "效益"]
    assert [r[1].vmerge for r in block[:2]] == [None, None]
    assert [r[2].text for r in block[:2]] == ["数量指标", "数量指标"]


def test_seed003_empty_cells_lone_unit_and_bookmark(s003):
    tbl, rows = s003
    r = [row for row in rows if len(row) == 8 and row[3].text == "为高新技术企业提供培育服务次数"][0]
    assert [c.text for c in r[4:]] == ["", "", "次", "历史数据"]
    marks = list(tbl.iter(W + "bookmarkStart"))
    assert [m.get(W + "name") for m in marks] == ["_GoBack"]
    host = marks[0].getparent().getparent()
    assert host.tag == W + "tc" and extract_text(SEED_003).count("[bookmark: _GoBack]积极开展科技交流与合作") == 1


# --------------------------------------------------------------------------- builder features


def test_builder_features_raw_xml():
    nested = Table([1000, 1000], [[C("a"), C("b")]])
    t = Table([1000, 1000, 1000], [
        [C("x", colspan=2, rowspan=2), C("y")],
        [C(in_sdt("sdt-block"))],
        [C(in_sdt("sdt-run", level="run")), C(inserted("ins", keep="pre")), C(with_bookmark("bm"))],
        [C(content("two\n\nparas")), C(None), C(Content(content("holder").paras, nested=nested))],
    ])
    data = build(Document([t]))
    assert data == build(Document([t]))
    xml = document_xml(data)
    assert len(xml.findall(".//" + W + "tbl")) == 2
    top = top_tables(data)[0]
    rows = check_table_wellformed(top)
    assert rows[0][0].span == 2 and rows[0][0].vmerge == "restart" and rows[0][0].rowspan == 2
    assert rows[1][0].vmerge == "continue" and rows[1][0].span == 2
    assert xml.findall(".//" + W + "sdt/" + W + "sdtContent/" + W + "p")  # block-level content control
    assert xml.findall(".//" + W + "p/" + W + "sdt/" + W + "sdtContent/" + W + "r")  # run-level
    ins = xml.findall(".//" + W + "ins")
    assert len(ins) == 1 and ins[0].find(W + "r/" + W + "t").text == "ins"
    assert xml.findall(".//" + W + "bookmarkStart") and xml.findall(".//" + W + "bookmarkEnd")
    # a cell holding a nested table ends with the mandatory empty paragraph after it
    assert [c.text for c in rows[3]] == ["two\n\nparas", "", "holder\n"]
    text = extract_text(data)
    assert "sdt-block" in text and "sdt-run" in text and "preins" in text and "[bookmark: _GoBack]bm" in text
    # python-docx alone does not see content-control or tracked-insertion text: the trap is real
    d = docx.Document(io.BytesIO(data))
    seen = [c.text for row in d.tables[0].rows for c in row.cells]
    assert "sdt-block" not in seen and "preins" not in seen


def test_builder_rejects_bad_geometry():
    with pytest.raises(ValueError):
        build(Document([Table([1000, 1000], [[C("a"), C("b"), C("c")]])]))
    with pytest.raises(ValueError):
        build(Document([Table([1000, 1000], [[C("a", rowspan=3), C("b")], [C("c")]])]))


# --------------------------------------------------------------------------- samples


def sample(rel):
    return INBOX / rel


def test_sample_inbox_layout():
    files = sorted(p.relative_to(INBOX).as_posix() for p in INBOX.rglob("*") if p.is_file())
    forms = [f for f in files if Path(f).suffix in (".docx", ".doc", ".wps", ".xlsx", ".et", ".pdf")
             and not Path(f).name.startswith("~$")]
    assert len(forms) == 14  # 2 seeds + 9 other Hubei forms + 2 national-template forms + 1 duplicate
    # every format an office sends is in the demo (issue 10)
    assert sorted(Path(f).suffix for f in forms if not f.endswith(".docx")) == [".doc", ".et", ".pdf", ".wps", ".xlsx"]
    assert any(f.startswith("2024/湖北省/") for f in forms) and any(f.startswith("2023/") for f in forms)
    assert sample(make_samples.SEED_003_PATH).read_bytes() == SEED_003.read_bytes()
    assert sample(make_samples.SEED_000_PATH).read_bytes() == SEED_000.read_bytes()
    dup, orig = make_samples.DUPLICATE
    assert sample(dup).read_bytes() == sample(orig).read_bytes() and Path(dup).parent != Path(orig).parent
    lock = sample(make_samples.LOCK_FILE)
    assert lock.name.startswith("~$") and lock.stat().st_size < 512
    assert (INBOX / "说明.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("sample", [s for s in make_samples.SAMPLES if s.fmt != "docx"], ids=lambda s: s.fmt)
def test_sample_in_another_format_reads_as_its_docx(sample, tmp_path):
    """The .doc, .wps, .xlsx, .et and PDF samples give the forms of the .docx they were made from."""
    from extractors.convert import Converter
    from extractors.dispatch import read_document
    from extractors.docx_reader import read_docx_bytes
    from testkit.formats import form_content
    from transforms.reader import read_forms

    want = [form_content(f) for f in read_forms(read_docx_bytes(make_samples.docx_bytes(sample)))]
    conv = Converter(cache_dir=tmp_path / "cache")
    doc = read_document((INBOX / sample.path).read_bytes(),
                        sample.path, conv)
    assert doc.source_format == sample.fmt
    assert [form_content(f) for f in read_forms(doc)] == want


def test_sample_variations_are_in_the_xml():
    # nested table inside a cell -> two w:tbl in the document, one top-level
    prov = sample("2024/湖北省/湖北省财政厅 部门整体绩效目标表.docx")
    assert n_tbl(prov) == 2 and len(top_tables(prov)) == 1
    xml = document_xml(prov)
    sdt = xml.findall(".//" + W + "tc/" + W + "sdt")
    assert sdt and "湖北省财政厅" in "".join(sdt[0].itertext())
    xt = document_xml(sample("2024/仙桃市/仙桃市卫生健康委员会 部门整体绩效目标表.docx"))
    assert ["".join(i.itertext()) for i in xt.iter(W + "ins")] == ["≥98%"]
    assert xt.findall(".//" + W + "p/" + W + "sdt")
    # blank continuation cells: no vMerge below the 一级/二级 label cells of the indicator grids
    eco_rows = table_cells(top_tables(sample("2024/黄石市/黄石市生态环境局 部门整体绩效目标表.docx"))[0])
    lt_start = one(eco_rows, "长期绩\n效指标").row
    merged = {c.text for row in eco_rows[lt_start:] for c in row if c.col in (1, 2) and c.vmerge == "restart"}
    assert merged == {"一级\n指标", "二级指标"}, "only the annual header cells are merged there"
    assert [c.vmerge for c in cells_with(eco_rows, "运行\n成本")] == [None, None]
    # labels repeated on every row: 运行成本 written twice in each grid, never merged
    daye_rows = table_cells(top_tables(sample("2024/黄石市/大冶市/大冶市财政局 部门整体绩效目标表.docx"))[0])
    rc = cells_with(daye_rows, "运行\n成本")
    assert len(rc) == 4 and all(c.vmerge is None for c in rc)
    daye_xml = document_xml(sample("2024/黄石市/大冶市/大冶市财政局 部门整体绩效目标表.docx"))
    assert daye_xml.findall(".//" + W + "br"), "labels broken with w:br"
    for n_expected, rel in ((1, "2024/鄂州市/鄂州市教育局 部门整体绩效目标表.docx"),
                            (1, "2024/黄石市/黄石市交通运输局 农村公路养护专项预算绩效目标（2024年度）.docx")):
        assert n_tbl(sample(rel)) == n_expected


# --------------------------------------------------------------------------- expected files


def load(name):
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def funding_consistent(exp):
    by = {}
    for f in exp["funding"]:
        by.setdefault((f["direction"], f["fiscal_year"]), []).append(f)
    for key, lines in by.items():
        items = sum(f["amount_wan"] for f in lines if not f["is_total"])
        total = [f["amount_wan"] for f in lines if f["is_total"]]
        assert len(total) == 1 and abs(items - total[0]) < 0.01, key
        shares = [f["share_pct"] for f in lines if not f["is_total"] and f["share_pct"] is not None]
        if shares:
            assert abs(sum(shares) - 100) <= 0.02, key
    years = {y for _, y in by}
    for y in years:
        inc = [f for f in by[("income", y)] if f["is_total"]][0]["amount_wan"]
        exp_ = [f for f in by[("expenditure", y)] if f["is_total"]][0]["amount_wan"]
        assert abs(inc - exp_) < 0.01


KEYS_SUB = ["form_type", "layout", "department", "filer", "phone", "project_name", "project_code",
            "supervising_department", "executing_unit", "province", "city", "county", "admin_level", "region_code"]
KEYS_IND = ["horizon", "goal", "level1", "level2", "name", "basis", "category", "fiscal_year", "is_target",
            "value_raw", "value_num", "value_num_max", "value_unit", "comparator", "value_kind"]


def check_expected_shape(exp):
    national = exp["submission"]["layout"].startswith("national_")  # national forms also have tasks
    assert isinstance(exp.get("findings", []), list)  # the header findings a form plants (issue 13)
    assert [k for k in exp if k != "findings"] == ["submission", "budget_year", "funding", "goals"] + (
        ["tasks"] if national else []) + ["indicators"]
    assert list(exp["submission"]) == KEYS_SUB
    for i in exp["indicators"]:
        assert list(i) == KEYS_IND
        assert i["value_kind"] in ("quantitative", "qualitative", "missing", "compound")
        for k in ("level1", "level2", "name", "basis", "category", "goal"):
            assert i[k] is None or (i[k] and not any(ch.isspace() for ch in i[k])), (k, i[k])
        if i["value_kind"] != "quantitative":
            assert i["value_num"] is None and i["comparator"] is None
        else:
            assert i["value_num"] is not None and i["comparator"] in ("=", ">=", "<=", ">", "<")


def test_seed000_expected():
    exp = load("seed_000_department_hubei.expected.json")
    check_expected_shape(exp)
    assert exp["budget_year"] == 2024
    assert exp["submission"]["department"] == "鄂州市科学技术局" and exp["submission"]["filer"] == "梁婧"
    assert len(exp["funding"]) == 18
    funding_consistent(exp)
    assert [g["horizon"] for g in exp["goals"]] == ["long_term", "annual"]
    ind = exp["indicators"]
    assert len(ind) == 42 + 40 * 3
    lt = [i for i in ind if i["horizon"] == "long_term"]
    assert all(i["fiscal_year"] is None and i["is_target"] for i in lt)
    assert [i["level1"] for i in lt].count("履职效能") == 7
    annual = [i for i in ind if i["horizon"] == "annual"]
    assert [i["fiscal_year"] for i in annual[:3]] == [2022, 2023, 2024]
    assert [i["is_target"] for i in annual[:3]] == [False, False, True]
    jb = [i for i in annual if i["name"] == "中长期规划相符性"]
    assert [i["value_raw"] for i in jb] == ["\n\n基本相符\n\n"] * 3
    tf = [i for i in annual if i["name"] == "“三公”经费变动率"]
    assert len(tf) == 3 and tf[0]["level2"] == "项目支出成本控制"
    targets = [i for i in ind if i["is_target"]]
    share = sum(i["value_kind"] == "quantitative" for i in targets) / len(targets)
    assert 0.5 < share < 0.6  # DOMAIN.md: ≈ 55 %


def test_seed003_expected():
    exp = load("seed_003_project_hubei.expected.json")
    check_expected_shape(exp)
    assert exp["budget_year"] == 2024 and exp["funding"] == []
    assert exp["submission"]["department"] == "湖北省科学技术厅"
    assert [g["code"] for g in exp["goals"]] == [None] + [f"年度目标0{k}" for k in range(1, 7)]
    ind = exp["indicators"]
    assert len(ind) == 9 + 29 * 3
    assert {i["goal"] for i in ind if i["horizon"] == "long_term"} == {"长期目标"}
    org = [i for i in ind if i["name"] == "组织参展的企业家数"]
    assert {(i["goal"], i["level1"], i["level2"]) for i in org} == {("年度目标03", "产出", "数量指标")}
    once = [i for i in ind if i["name"] == "为高新技术企业提供培育服务次数"]
    assert [(i["value_raw"], i["value_unit"], i["value_kind"]) for i in once] == [
        ("", None, "missing"), ("", None, "missing"), ("次", "次", "missing")]
    assert [i["value_kind"] for i in ind if i["name"] == "高、中级职称评审通过率"] == ["missing", "compound", "compound"]


def test_sample_expected_file():
    exp = load("sample_inbox.expected.json")
    assert len(exp["submissions"]) == len(make_samples.SAMPLES)
    assert {f["expect"] for f in exp["files"]} == {"loaded", "loaded_with_warnings", "duplicate", "ignored"}
    for s in exp["submissions"]:
        s = dict(s)
        path = s.pop("path")
        check_expected_shape(s)
        if s["submission"]["layout"] == "hubei_department":
            funding_consistent(s)
        assert str(s["budget_year"]) == path.split("/")[0]
    xt = [s for s in exp["submissions"] if s["submission"]["city"] == "仙桃市"][0]
    assert [f["amount_wan"] for f in xt["funding"][:3]] == [8645.23, 7921.56, 8312.745]  # 元 -> 万元


@pytest.mark.parametrize("stem", sorted(READER_CASES))
def test_reader_cases_are_up_to_date(stem):
    data, expected = READER_CASES[stem]
    assert data() == data(), "deterministic"
    assert (CASES / f"{stem}.docx").read_bytes() == data(), "rerun: python -m testkit.build_cases"
    on_disk = json.loads((CASES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(expected(), ensure_ascii=False)), "rerun build_cases"
