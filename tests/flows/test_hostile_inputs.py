"""Issue 4: every hostile input of a real inbox becomes a finding, the rest of the run goes on.

One real flow run over an inbox holding every kind of bad file next to good ones (generated
real files: zero bytes, text named .docx, a truncated zip, an encrypted OLE container, .doc and
.wps binaries, a docx without tables, zip bombs, DOCTYPE/external entities, forms without
department or year, Word lock files, non-documents, odd names and deep folders, and files that
change or vanish while the run reads them). Each outcome is checked through the `files` and
`quality_issues` views: status, reason code, a Chinese message naming the file.
"""
from __future__ import annotations

import hashlib
import http.server
import subprocess
import sys
import textwrap
import threading
from pathlib import Path, PurePosixPath

import duckdb
import pytest

import intake.read
from flows.ingest import ingest
from jixiao.settings import Settings
from tests.conftest import REPO
from testkit.docx_builder import C, Document, P, Table, build
from testkit.hostile import (encrypted_docx, form_bytes, legacy_doc, legacy_wps, lie_about_size,
                                   with_doctype, zip_bomb)

SECRET = "JIXIAO-SECRET-5f1c"
DEEP = "2024/黄石市/大冶市/财政 局/收文　２０２４/第 一 批/a/b/c/d/大冶市财政局　部门整体绩效目标表 （修订版）.docx"

# path -> (status, reason) as the files view must show them; None = not listed (vanished)
EXPECTED = {
    "2024/空文件.docx": ("rejected", "empty_file"),
    "2024/文本改名.docx": ("rejected", "not_a_docx"),
    "2024/截断.docx": ("rejected", "corrupt"),
    "2024/加密的表.docx": ("rejected", "encrypted"),
    "2024/旧版表格.doc": ("rejected", "conversion_failed"),  # a fake Word 97 file: LibreOffice cannot read it
    "2024/金山文档.wps": ("rejected", "conversion_failed"),
    "2024/报送函.docx": ("rejected", "no_tables"),
    "2024/压缩炸弹.docx": ("rejected", "too_large"),
    "2024/谎报大小的压缩炸弹.docx": ("rejected", "too_large"),
    "2024/外部实体.docx": ("rejected", "unsafe_xml"),
    "2024/长序言外部实体.docx": ("rejected", "unsafe_xml"),
    "2024/无部门.docx": ("rejected", "missing_department"),
    "无年度/鄂州市教育局.docx": ("rejected", "missing_year"),
    "2024/~$部门整体绩效目标表.docx": ("ignored", "word_lock_file"),
    "2024/说明.txt": ("ignored", "not_a_document"),
    "2024/扫描件.pdf": ("rejected", "corrupt"),  # a PDF header and nothing else
    "2024/.DS_Store": ("ignored", "not_a_document"),
    DEEP: ("loaded", None),
    "2024/鄂州市/鄂州市科学技术局 部门整体绩效目标表.docx": ("loaded", None),
    "2024/鄂州市/账目不平.docx": ("loaded_with_warnings", None),
    "2023/年度不一致/鄂州市司法局.docx": ("loaded_with_warnings", None),
    "2024/读取时被改写.docx": ("loaded", None),
    "2024/读取时被删除.docx": None,
}


class _Trap(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Trap.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY x 'fetched'>")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def trap():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Trap)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(400)  # word/document.xml inflates to 400 MB


def _write(inbox: Path, rel: str, data: bytes) -> None:
    path = inbox / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def hostile(prefect_harness, tmp_path_factory, trap, bomb):
    root = tmp_path_factory.mktemp("hostile")
    inbox = root / "inbox"
    secret = root / "secret.txt"
    secret.write_text(SECRET)
    good = form_bytes("鄂州市科学技术局")
    files = {
        "2024/空文件.docx": b"",
        "2024/文本改名.docx": "各单位：请于月底前报送绩效目标表。".encode("gbk"),
        "2024/截断.docx": good[: len(good) // 2],
        "2024/加密的表.docx": encrypted_docx(),
        "2024/旧版表格.doc": legacy_doc(),
        "2024/金山文档.wps": legacy_wps(),
        "2024/报送函.docx": build(Document([P("关于报送2024年度预算绩效目标的函"), P("请查收。")])),
        "2024/压缩炸弹.docx": bomb,
        "2024/谎报大小的压缩炸弹.docx": lie_about_size(bomb),
        "2024/外部实体.docx": with_doctype(form_bytes("鄂州市财政局"), trap, str(secret)),
        "2024/长序言外部实体.docx": with_doctype(form_bytes("鄂州市财政局"), trap, str(secret), 70_000),
        "2024/无部门.docx": form_bytes(""),
        "无年度/鄂州市教育局.docx": build(Document([P("部门整体绩效目标表"), Table([1000] * 4, [
            [C("部门（单位）名称"), C("鄂州市教育局", colspan=3)],
            [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")],
            [C("产出"), C("数量"), C("培训人次"), C("100人次")]])])),
        "2024/~$部门整体绩效目标表.docx": b"\x08zhangwei" + b"\0" * 153,
        "2024/说明.txt": "请按年度文件夹存放。".encode(),
        "2024/扫描件.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "2024/.DS_Store": b"\0\0\0\1Bud1",
        DEEP: form_bytes("大冶市财政局"),
        "2024/鄂州市/鄂州市科学技术局 部门整体绩效目标表.docx": good,
        # items 60+30 ≠ 合计 100, shares 60+30 ≠ 100, income 合计 100 ≠ expenditure 合计 120
        "2024/鄂州市/账目不平.docx": form_bytes("鄂州市水利和湖泊局", income=("60", "30", "100"),
                                             income_share=("60%", "30%", "100%"),
                                             spend=("84", "36", "120")),
        # history columns 2022年/2023年 make 2024; the folder says 2023
        "2023/年度不一致/鄂州市司法局.docx": form_bytes("鄂州市司法局"),
        "2024/读取时被改写.docx": form_bytes("鄂州市民政局"),
        "2024/读取时被删除.docx": form_bytes("鄂州市商务局"),
    }
    for rel, data in files.items():
        _write(inbox, rel, data)
    rewritten = form_bytes("鄂州市人力资源和社会保障局")
    original = intake.read.read_source

    def racing_reader(f):
        # the clerk saves a new version / deletes the file after the scan, before the read
        if f.path == "2024/读取时被改写.docx":
            (inbox / f.path).write_bytes(rewritten)
        elif f.path == "2024/读取时被删除.docx":
            (inbox / f.path).unlink()
        return original(f)

    db = root / "w.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(intake.read, "read_source", racing_reader)
        # workers=1: batches run in this process, where the racing reader is patched in
        result = ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省", batch_size=7, workers=1))
    con = duckdb.connect(str(db), read_only=True)
    yield {"inbox": inbox, "db": db, "con": con, "result": result, "rewritten": rewritten}
    con.close()


def _files(con) -> dict:
    cur = con.execute("select * from files")
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


def test_every_file_still_present_is_accounted_for(hostile):
    files = _files(hostile["con"])
    on_disk = {p.relative_to(hostile["inbox"]).as_posix() for p in hostile["inbox"].rglob("*") if p.is_file()}
    assert set(files) == on_disk
    assert on_disk == {p for p, want in EXPECTED.items() if want is not None}


@pytest.mark.parametrize("path", sorted(p for p, want in EXPECTED.items() if want is not None))
def test_outcome_status_reason_and_message(hostile, path):
    con = hostile["con"]
    row = _files(con)[path]
    status, reason = EXPECTED[path]
    assert (row["status"], row["reason"] if status in ("rejected", "ignored") else None) == (status, reason)
    assert row["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in row["message"])  # a Chinese sentence
    name = PurePosixPath(path).name
    if status in ("rejected", "ignored"):
        assert f"《{name}》" in row["message"]  # names the file
    if status == "rejected":
        issues = con.execute('select severity, "check", message from quality_issues where path = ?', [path]).fetchall()
        assert ("error", reason) in [(s, c) for s, c, _ in issues]
        assert all(f"《{name}》" in m for _, _, m in issues)


def test_legacy_formats_tell_the_clerk_to_save_as_docx(hostile):
    files = _files(hostile["con"])
    for path in ("2024/旧版表格.doc", "2024/金山文档.wps"):
        assert "另存为" in files[path]["message"] and ".docx" in files[path]["message"]


def test_external_entities_are_never_resolved_nor_fetched(hostile):
    assert _Trap.hits == []  # no DTD, no entity fetched over the network
    con = hostile["con"]
    for view in ("files", "submissions", "indicators", "quality_issues", "goals"):
        text = repr(con.execute(f"select * from {view}").fetchall())
        assert SECRET not in text and "fetched" not in text


def test_warnings_leave_the_form_loaded(hostile):
    con = hostile["con"]
    checks = dict(con.execute(
        'select "check", list(path order by path) from quality_issues where severity = \'warning\' group by 1').fetchall())
    for code in ("funding_sum_mismatch", "funding_share_sum", "funding_income_expenditure_mismatch"):
        assert checks[code] == ["2024/鄂州市/账目不平.docx"], code
    assert checks["year_conflict"] == ["2023/年度不一致/鄂州市司法局.docx"]
    (year,) = con.execute("select budget_year from submissions where department = '鄂州市司法局'").fetchone()
    assert year == 2024  # the document's year wins, the disagreement is a warning
    messages = con.execute("select path, message from quality_issues where severity = 'warning'").fetchall()
    assert all(f"《{PurePosixPath(p).name}》" in m for p, m in messages)


def test_a_file_rewritten_during_the_run_is_read_as_it_is_now(hostile):
    con = hostile["con"]
    row = _files(con)["2024/读取时被改写.docx"]
    assert row["sha256"] == hashlib.sha256(hostile["rewritten"]).hexdigest()
    assert row["size_bytes"] == len(hostile["rewritten"])
    depts = {d for (d,) in con.execute("select department from submissions").fetchall()}
    assert "鄂州市人力资源和社会保障局" in depts
    assert not {"鄂州市民政局", "鄂州市商务局"} & depts  # neither the old content nor the deleted file


def test_rerun_after_the_races_changes_nothing(hostile, tmp_path):
    import shutil

    db = tmp_path / "again.duckdb"
    shutil.copyfile(hostile["db"], db)

    def snap(path):
        with duckdb.connect(str(path), read_only=True) as c:
            return {v: sorted(map(repr, c.execute(f"select * from {v}").fetchall()))
                    for v in ("files", "submissions", "funding", "indicators", "quality_issues", "city_rollup")}

    before = snap(db)
    result = ingest(Settings(inbox=str(hostile["inbox"]), db=str(db), province="湖北省"))
    assert result["last_run"]["files_processed"] == 0  # nothing left unread or misrecorded
    assert snap(db) == before


def test_the_run_completed(hostile):
    result = hostile["result"]
    assert result["runs"] == 1
    assert sum(result["files_by_status"].values()) == len([p for p, w in EXPECTED.items() if w])


BOMB_READER = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, sys.argv[1])
    from extractors.docx_reader import read_docx
    from extractors.errors import ExtractError

    def peak_kb():
        # VmHWM: this process's own peak RSS (ru_maxrss carries the parent's peak across fork+exec)
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    before = peak_kb()
    for path in sys.argv[2:]:
        try:
            read_docx(path)
            print("loaded", path)
        except ExtractError as e:
            print(e.code, path)
    print("peak_kb", before, peak_kb())
""")


def test_zip_bombs_are_refused_without_a_memory_blow_up(bomb, tmp_path):
    honest, lying = tmp_path / "bomb.docx", tmp_path / "lying.docx"
    honest.write_bytes(bomb)
    lying.write_bytes(lie_about_size(bomb))
    out = subprocess.run([sys.executable, "-c", BOMB_READER, str(REPO), str(honest), str(lying)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == f"too_large {honest}" and lines[1] == f"too_large {lying}"
    before_kb, peak_kb = map(int, lines[2].split()[1:])
    # document.xml inflates to 400 MB; the honest bomb is refused on its declared size, the lying
    # one is inflated only up to the 64 MB cap: a generous bound far below the 400 MB
    assert peak_kb - before_kb < 200 * 1024, (before_kb, peak_kb)


def test_the_hostile_warehouse_holds_the_contract(hostile):
    check = REPO / "warehouse" / "contract.py"
    out = subprocess.run([sys.executable, str(check), str(hostile["db"])], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "contract holds" in out.stdout, out.stdout + out.stderr


def test_an_unreadable_file_is_accounted_for_and_read_once_it_can_be(prefect_harness, tmp_path, monkeypatch):
    import intake.scan

    inbox = tmp_path / "inbox"
    _write(inbox, "2024/被占用.docx", form_bytes("鄂州市教育局"))
    _write(inbox, "2024/正常.docx", form_bytes("鄂州市财政局"))
    real = intake.scan.sha256_of

    def locked(path):
        if path.endswith("被占用.docx"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    db = tmp_path / "w.duckdb"
    with monkeypatch.context() as mp:
        mp.setattr(intake.scan, "sha256_of", locked)
        ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省"))
    with duckdb.connect(str(db), read_only=True) as con:
        files = _files(con)
    assert {p: (r["status"], r["reason"]) for p, r in files.items()} == {
        "2024/被占用.docx": ("ignored", "unreadable"), "2024/正常.docx": ("loaded", None)}
    assert "《被占用.docx》" in files["2024/被占用.docx"]["message"]
    ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省"))  # readable again
    with duckdb.connect(str(db), read_only=True) as con:
        assert {p: r["status"] for p, r in _files(con).items()} == {"2024/被占用.docx": "loaded",
                                                                   "2024/正常.docx": "loaded"}
