"""The ingest flow end to end under a Prefect test harness: idempotence, supersede, duplicates."""
from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from flows.ingest import ingest
from jixiao.settings import Settings
from testkit.docx_builder import C, Document, P, Table, save

W = 1000
VIEWS = ["files", "submissions", "funding", "goals", "indicators", "quality_issues", "city_rollup", "province_rollup"]


def department_form(dept: str, target: str = "100人次") -> Document:
    return Document([P("部门整体绩效目标表"), Table([W] * 4, [
        [C("部门（单位）名称"), C(dept, colspan=3)],
        [C("填报人"), C("李四"), C("联系电话"), C("027-1234567")],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")],
        [C("产出"), C("数量"), C("培训人次"), C(target)],
        [C(""), C("质量"), C("合格率"), C("≥95%")],
    ])])


def snapshot(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        out = {}
        for view in VIEWS:
            cols = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
            out[view] = sorted(map(repr, con.execute(f"SELECT * FROM {view}").fetchall())), cols
        return out


@pytest.fixture
def run(prefect_harness, tmp_path):
    db = tmp_path / "w.duckdb"

    def _run(inbox, **kw):
        return ingest(Settings(inbox=str(inbox), db=str(db), province="湖北省", **kw))

    _run.db = db
    return _run


def test_rerun_changes_nothing(run, inbox):
    save(department_form("鄂州市财政局"), inbox / "2024" / "财政局.docx")
    save(department_form("大冶市教育局"), inbox / "2024" / "黄石市" / "教育局 2024.docx")
    (inbox / "说明.txt").write_text("readme")
    first = run(inbox)
    assert first["files_by_status"]["loaded"] == 2
    before = snapshot(run.db)
    again = run(inbox)
    assert snapshot(run.db) == before
    assert again["runs"] == 2
    with duckdb.connect(str(run.db), read_only=True) as con:
        assert con.execute("select count(*) from raw.raw_submissions").fetchone()[0] == 2
        assert con.execute("select files_processed from raw.runs order by started_at").fetchall() == [(2,), (0,)]


def test_copy_is_duplicate_and_later_version_supersedes(run, inbox):
    old = inbox / "2024" / "v1" / "财政局.docx"
    save(department_form("鄂州市财政局", "100人次"), old)
    (inbox / "2024" / "copy").mkdir()
    shutil.copyfile(old, inbox / "2024" / "copy" / "财政局.docx")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    run(inbox)
    new = inbox / "2024" / "v2" / "财政局（修改）.docx"
    save(department_form("鄂州市财政局", "120人次"), new)
    os.utime(new, (1_700_100_000, 1_700_100_000))
    run(inbox)
    with duckdb.connect(str(run.db), read_only=True) as con:
        files = dict(con.execute("select path, status from files").fetchall())
        assert files == {"2024/v1/财政局.docx": "superseded", "2024/copy/财政局.docx": "duplicate",
                         "2024/v2/财政局（修改）.docx": "loaded"}
        subs = con.execute("select path, is_current, status from submissions order by path").fetchall()
        assert subs == [("2024/v1/财政局.docx", False, "superseded"), ("2024/v2/财政局（修改）.docx", True, "loaded")]
        targets = con.execute("select value_raw from indicators where name = '培训人次'").fetchall()
        assert targets == [("120人次",)]


def test_bad_files_become_findings_and_the_run_completes(run, inbox):
    (inbox / "2024").mkdir()
    (inbox / "2024" / "empty.docx").write_bytes(b"")
    (inbox / "2024" / "text.docx").write_text("not a word file")
    (inbox / "2024" / "~$lock.docx").write_bytes(b"\0" * 162)
    save(Document([P("关于报送2024年绩效目标的函")]), inbox / "2024" / "letter.docx")
    save(department_form("鄂州市财政局"), inbox / "2024" / "good.docx")
    result = run(inbox)
    assert result["files_by_status"]["rejected"] == 3
    with duckdb.connect(str(run.db), read_only=True) as con:
        reasons = dict(con.execute("select path, coalesce(reason, status) from files").fetchall())
        assert reasons == {"2024/empty.docx": "empty_file", "2024/text.docx": "not_a_docx",
                           "2024/~$lock.docx": "word_lock_file", "2024/letter.docx": "no_tables",
                           "2024/good.docx": "loaded"}
        issues = con.execute("select path, severity, \"check\", message from quality_issues order by path").fetchall()
        assert [(p, s, c) for p, s, c, _ in issues] == [
            ("2024/empty.docx", "error", "empty_file"), ("2024/letter.docx", "error", "no_tables"),
            ("2024/text.docx", "error", "not_a_docx")]
        assert all("《" in m for *_, m in issues)  # each message names the file for the clerk


def test_a_correction_in_a_later_run_supersedes_a_first_version_dated_2099(run, inbox):
    # issue 12.2: the first version's mtime (2099) counts as run 1's start, and is still later
    # than the correction's real mtime; the run that first read a version decides first
    skewed = inbox / "2024" / "财政局.docx"
    save(department_form("鄂州市财政局", "100人次"), skewed)
    os.utime(skewed, (4_070_908_800, 4_070_908_800))
    run(inbox)
    fixed = inbox / "2024" / "修改" / "财政局（更正）.docx"
    save(department_form("鄂州市财政局", "120人次"), fixed)
    os.utime(fixed, (1_700_000_000, 1_700_000_000))
    run(inbox)
    with duckdb.connect(str(run.db), read_only=True) as con:
        files = dict(con.execute("select path, status from files").fetchall())
        targets = con.execute("select value_raw from indicators where name = '培训人次'").fetchall()
    assert files == {"2024/财政局.docx": "superseded", "2024/修改/财政局（更正）.docx": "loaded"}
    assert targets == [("120人次",)]


def test_gbk_names_symlinks_and_future_mtimes_never_stop_the_run(run, inbox, tmp_path):
    # issue 12.1/12.2/12.3: a Windows-zip name, a linked city share, a dangling link, a 2099 mtime
    gbk = os.path.join(os.fsencode(inbox), "鄂州市财政局.docx".encode("gbk"))
    save(department_form("鄂州市财政局"), tmp_path / "tmp.docx")
    shutil.copyfile(tmp_path / "tmp.docx", gbk)
    with open(os.path.join(os.fsencode(inbox), "说明".encode("gbk") + b".txt"), "wb") as f:
        f.write(b"readme")
    share = tmp_path / "share"
    save(department_form("大冶市教育局"), share / "教育局 2024.docx")
    (inbox / "黄石市").symlink_to(share, target_is_directory=True)
    (inbox / "dangling.docx").symlink_to(tmp_path / "nowhere.docx")
    future = inbox / "2024" / "鄂州市教育局.docx"
    save(department_form("鄂州市教育局"), future)
    os.utime(future, (4_070_908_800, 4_070_908_800))
    run(inbox, year=2024)
    with duckdb.connect(str(run.db), read_only=True) as con:
        files = dict(con.execute("select path, status from files").fetchall())
        checks = set(con.execute('select path, "check" from quality_issues').fetchall())
        (mtime,) = con.execute("select modified_at from files where path = '2024/鄂州市教育局.docx'").fetchone()
    assert files == {"鄂州市财政局.docx": "loaded_with_warnings", "说明.txt": "ignored",
                     "黄石市/教育局 2024.docx": "loaded", "dangling.docx": "ignored",
                     "2024/鄂州市教育局.docx": "loaded_with_warnings"}
    assert ("鄂州市财政局.docx", "file_name_not_utf8") in checks
    assert ("2024/鄂州市教育局.docx", "future_mtime") in checks
    assert mtime.year < 2099
    before = snapshot(run.db)
    run(inbox, year=2024)
    assert snapshot(run.db) == before


def _post(client, path: str, body: dict) -> list[dict]:
    # raw POSTs: the 3.8.8 client's filters send nulls this server rejects (see test_artifacts)
    r = client._client.post(path, json=body)
    r.raise_for_status()
    return r.json()


def test_prefect_shows_scan_each_batch_load_and_publish_with_batch_logs(prefect_harness, inbox, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogWorker

    for i, dept in enumerate(["鄂州市财政局", "大冶市教育局", "黄石市民政局", "鄂州市教育局", "咸宁市财政局"]):
        save(department_form(dept), inbox / "2024" / f"{i} {dept}.docx")
    state = ingest(Settings(inbox=str(inbox), db=str(tmp_path / "w.duckdb"), batch_size=2, workers=1),
                   return_state=True)
    assert state.is_completed()
    APILogWorker.drain_all(timeout=10)  # the log worker sends in the background
    run_id = str(state.state_details.flow_run_id)
    with get_client(sync_client=True) as client:
        tasks = _post(client, "/task_runs/filter", {"flow_runs": {"id": {"any_": [run_id]}}, "limit": 200, "offset": 0})
        logs = _post(client, "/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}, "level": {"ge_": 20}},
                                              "limit": 200, "offset": 0})
    names = sorted(t["name"] for t in tasks)
    assert names == ["batch-0000", "batch-0001", "batch-0002", "load-0000", "load-0001", "load-0002",
                     "publish", "scan"], names
    assert all(t["state_type"] == "COMPLETED" for t in tasks)
    info = [log["message"] for log in logs if log["level"] == 20]
    for label in ("0000", "0001", "0002"):  # at least one INFO line per batch, from its load task
        assert any(m.startswith(f"batch {label}:") for m in info), info
    assert any(m.startswith("scan:") for m in info) and any(m.startswith("published:") for m in info)
    by_task = {t["id"]: t["name"] for t in tasks}
    assert {by_task.get(log["task_run_id"]) for log in logs if log["message"].startswith("batch ")} == \
        {"load-0000", "load-0001", "load-0002"}
