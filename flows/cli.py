"""The `jixiao` command: ingest an inbox, serve the nightly schedule, print a warehouse summary."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from jixiao.settings import RUNNERS, Settings, SettingsError, as_parameters, load_settings

def _prefect_env() -> None:
    # Prefect keeps its state in a project-local folder and never phones home; set before
    # prefect is imported, and only where the operator has not chosen otherwise.
    os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # the temporary server needs more than Prefect's 20 s to start on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are operator mistakes too: one line, exit 2 (argparse prints the usage)."""

    def error(self, message: str):
        from flows.errors import OperatorError

        raise OperatorError(f"命令参数有误：{message}（见 {self.prog} --help）",
                            f"{message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="jixiao", description="预算绩效目标表 → DuckDB warehouse")
    sub = p.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="one ingestion run over every file under INBOX")
    _run_options(ingest)
    ingest.add_argument("--rebuild", action="store_true",
                        help="set the warehouse file aside (renamed with a timestamp) and rebuild it from the "
                             "inbox, reloading the registry from the file it was last loaded from")

    serve = sub.add_parser("serve", help="keep a nightly schedule that runs the ingestion")
    _run_options(serve)
    serve.add_argument("--cron", help=f"cron expression (default: {Settings.cron})")
    serve.add_argument("--timezone", help=f"time zone of the cron expression (default: {Settings.timezone})")
    serve.add_argument("--name", default="nightly-ingest")

    summ = sub.add_parser("summary", help="print the summary of a warehouse")
    summ.add_argument("--db", required=True)

    registry = sub.add_parser("registry", help="the registry of expected submitters (催报名单)")
    reg_sub = registry.add_subparsers(dest="registry_command", required=True)
    load = reg_sub.add_parser("load", help="replace the registry with a CSV (see docs/analysts.md)")
    load.add_argument("file")
    load.add_argument("--db", required=True)
    load.add_argument("--province", help=f"(default: the settings' province, {Settings.province})")

    export = sub.add_parser("export", help="write every public view as Parquet files or one Excel workbook")
    export.add_argument("dir")
    export.add_argument("--db", required=True)
    export.add_argument("--format", choices=("parquet", "xlsx"), default="parquet")

    dashboard = sub.add_parser("dashboard", help="a local web dashboard over the published warehouse")
    dashboard.add_argument("--db", required=True)
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")

    letters = sub.add_parser("letters", help="one review letter (审核意见, .docx) per department with findings")
    letters.add_argument("--db", required=True)
    letters.add_argument("--out", required=True, help="folder for the letters")
    letters.add_argument("--year", type=int, help="only this budget year")
    letters.add_argument("--office", default=None,
                         help="the office signing the letters (default: the settings' office_name, 财政局)")
    return p


def _run_options(p: argparse.ArgumentParser) -> None:
    """The options `ingest` and `serve` share: each one a setting (jixiao/settings.py), None when
    not given so the TOML file and JIXIAO_* environment variables below it show through."""
    g = p.add_argument_group("settings", "defaults → jixiao.toml (--config, $JIXIAO_CONFIG) → JIXIAO_* → these flags")
    g.add_argument("inbox", nargs="?", help="the folder of forms (or inbox in jixiao.toml, $JIXIAO_INBOX)")
    g.add_argument("--config", help="settings TOML file (default: $JIXIAO_CONFIG, else ./jixiao.toml if present)")
    g.add_argument("--db", help="the published DuckDB file (or db in jixiao.toml, $JIXIAO_DB)")
    g.add_argument("--year", type=int, help="budget year when neither document nor path states one")
    g.add_argument("--province", help=f"province of names such as 省财政厅 (default: {Settings.province})")
    g.add_argument("--batch-size", type=int, help=f"files per normalize task (default: {Settings.batch_size})")
    g.add_argument("--workers", type=int,
                   help="processes (or Dask workers) normalizing batches in parallel (default: CPU count)")
    g.add_argument("--runner", choices=RUNNERS,
                   help="processes: a local process pool (default); dask: prefect-dask DaskTaskRunner")
    g.add_argument("--dask-address", help="scheduler of an existing Dask cluster (default: a temporary LocalCluster)")
    g.add_argument("--no-wait", dest="wait_for_lock", action="store_const", const=False,
                   help="exit at once if another run holds the warehouse")
    g.add_argument("--review-config", help="TOML file with a [review] table of check thresholds (or $JIXIAO_REVIEW_CONFIG)")
    g.add_argument("--quantitative-share-min", type=float, help="quantitative_share_low threshold in percent (default 50)")


#: argparse destinations that are settings (the rest are actions: --rebuild, --name)
_SETTING_ARGS = ("inbox", "config", "db", "year", "province", "batch_size", "workers", "runner", "dask_address",
                 "wait_for_lock", "review_config", "quantitative_share_min", "cron", "timezone")


def _load_settings(cli: dict):
    """The one Settings of this command; a bad setting is an operator mistake (one line)."""
    from flows.errors import OperatorError

    try:
        return load_settings(cli)
    except SettingsError as e:
        raise OperatorError(e.zh, e.en) from None


def _settings(args) -> Settings:
    """Settings of `ingest` / `serve`: flags over environment over TOML over defaults, checked."""
    from flows.errors import OperatorError, validate_operator_input

    settings = _load_settings({k: getattr(args, k) for k in _SETTING_ARGS if hasattr(args, k)})
    if not settings.inbox:
        raise OperatorError("没有指定收件箱：给出 INBOX，或在 jixiao.toml / $JIXIAO_INBOX 中设置 inbox",
                            "no inbox: give INBOX, or set inbox in jixiao.toml or $JIXIAO_INBOX")
    if not settings.db:
        raise OperatorError("没有指定仓库文件：给出 --db，或在 jixiao.toml / $JIXIAO_DB 中设置 db",
                            "no warehouse file: give --db, or set db in jixiao.toml or $JIXIAO_DB")
    validate_operator_input(workers=settings.workers, year=settings.year, batch_size=settings.batch_size,
                            cron=settings.cron, timezone=settings.timezone)
    return settings


def main(argv: list[str] | None = None) -> int:
    """Operator mistakes and interruptions end here, as one line (issues 12.5, 12.11)."""
    from flows.errors import OperatorError, report
    from flows.lifetime import handle_signals, interrupted_exit

    try:
        with handle_signals():
            return _main(argv)
    except OperatorError as e:
        return report(e)
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM (flows.lifetime.Interrupted)
        return interrupted_exit(e)


def _main(argv: list[str] | None) -> int:
    from flows.errors import require_warehouse

    args = _parser().parse_args(argv)
    _prefect_env()
    if args.command == "summary":
        from warehouse.read import format_summary, summary

        print(format_summary(summary(require_warehouse(args.db))))
        return 0
    if args.command == "ingest":
        return _ingest(_settings(args), rebuild=args.rebuild)
    if args.command == "registry":
        return _registry(args)
    if args.command == "export":
        return _export(args)
    if args.command == "dashboard":
        return _dashboard(args)
    if args.command == "letters":
        return _letters(args)
    return _serve(_settings(args), args.name)


def _registry(args) -> int:
    from flows.errors import OperatorError, require_writable_dir
    from transforms.registry import RegistryError

    if not Path(args.file).is_file():
        raise OperatorError(f"没有找到名单文件 {args.file}", f"no registry file at {args.file}")
    require_writable_dir(Path(args.db).absolute().parent, "--db")
    from warehouse.read import format_summary, summary
    from warehouse.registry import load_registry

    try:
        n = load_registry(args.db, args.file, province=_load_settings({"province": args.province}).province)
    except FileNotFoundError as e:
        print(f"jixiao: {e}", file=sys.stderr)
        return 2
    except RegistryError as e:
        print("jixiao: 名单有误，未导入 / registry not loaded:", file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    print(f"名单 registry: {n} 个应报部门 expected submitters loaded into {args.db}")
    print(format_summary(summary(Path(args.db))))
    return 0


def _export(args) -> int:
    from flows.errors import require_warehouse, require_writable_dir
    from office.data import OfficeError, check_warehouse
    from warehouse.export import export

    require_warehouse(args.db)
    require_writable_dir(args.dir, "export")
    try:
        written = export(check_warehouse(args.db), args.dir, args.format)
    except (FileNotFoundError, OfficeError) as e:
        print(f"jixiao: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a folder that cannot be written
        print(f"jixiao: 无法写入 / cannot write to {args.dir}: {e.strerror}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _dashboard(args) -> int:
    from office.dashboard import serve
    from office.data import OfficeError

    try:
        return serve(args.db, port=args.port, host=args.host)
    except OfficeError as e:
        print(f"jixiao: {e}", file=sys.stderr)
        return 2


def _office_name(args) -> str:
    return _load_settings({"office_name": args.office}).office_name


def _letters(args) -> int:
    from office.data import OfficeError
    from office.letters import write_letters

    try:
        written = write_letters(args.db, args.out, year=args.year, office_name=_office_name(args))
    except OfficeError as e:
        print(f"jixiao: {e}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(f"审核意见 letters: {len(written)} 份 written to {args.out}")
    return 0


def _ingest(settings: Settings, rebuild: bool = False) -> int:
    if not Path(settings.inbox).is_dir():
        print(f"jixiao: inbox {settings.inbox} is not a folder", file=sys.stderr)
        return 2
    from flows.errors import OperatorError, require_writable_dir
    from flows.lifetime import check_prefect_home, temporary_server
    from warehouse.recovery import WarehouseCorrupt, check_published

    require_writable_dir(Path(settings.db).absolute().parent, "--db")
    check_prefect_home()  # issue 12.9: before Prefect starts, not 100 s later
    try:
        if rebuild:
            _rebuild(settings)
        else:
            check_published(settings.db)  # issue 12.10: a damaged file is named before any run starts
        with temporary_server():  # the run's own Prefect server, unless PREFECT_API_URL names one
            return _run_ingest(settings)
    except WarehouseCorrupt as e:  # issue 12.10: one sentence, and the way back
        raise OperatorError(e.zh, e.en) from None


def _rebuild(settings: Settings) -> None:
    from warehouse.recovery import set_aside_for_rebuild
    from warehouse.registry import load_registry

    aside, source = set_aside_for_rebuild(Path(settings.db))
    if aside is not None:
        print(f"jixiao: 原仓库文件已移到 {aside} / the warehouse file was set aside as {aside}", file=sys.stderr)
    if source is None:
        print("jixiao: 没有记录名单来源，重建后请重新导入名单 / no registry source recorded: "
              "run `jixiao registry load` after the rebuild", file=sys.stderr)
        return
    if not Path(source["path"]).is_file():
        print(f"jixiao: 名单文件 {source['path']} 已不存在，重建后请重新导入名单 / the registry file "
              f"{source['path']} is gone: run `jixiao registry load` after the rebuild", file=sys.stderr)
        return
    n = load_registry(settings.db, source["path"], province=source.get("province") or settings.province)
    print(f"jixiao: 名单已从 {source['path']} 重新导入（{n} 个应报部门） / registry reloaded from "
          f"{source['path']} ({n} expected submitters)", file=sys.stderr)


def _run_ingest(settings: Settings) -> int:
    from flows.ingest import BUSY, configured
    from warehouse.read import format_summary

    state = configured(settings)(settings, return_state=True)
    if state.is_cancelled() and (state.message or "").startswith(BUSY):
        print(f"jixiao: another ingestion is running on {settings.db}; not started, try again later "
              f"({state.message[len(BUSY):]})", file=sys.stderr)
        return 75  # EX_TEMPFAIL: try again later
    result = state.result()  # raises when the run itself failed
    print(format_summary(result))
    stages = result.get("stage_seconds") or {}
    if stages:
        print("耗时 seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    return 0


def nightly_deployment(settings: Settings, name: str = "nightly-ingest"):
    """The scheduled deployment `jixiao serve` keeps serving (built separately so it is testable):
    the ingest flow with the settings, paths made absolute, as its one parameter."""
    from dataclasses import replace

    from prefect.schedules import Cron

    from flows.ingest import ingest

    absolute = replace(settings, inbox=str(Path(settings.inbox).resolve()), db=str(Path(settings.db).resolve()),
                       review_config=str(Path(settings.review_config).resolve()) if settings.review_config else None)
    return ingest.to_deployment(name=name, schedules=[Cron(settings.cron, timezone=settings.timezone)],
                                parameters={"settings": as_parameters(absolute)})


def _serve(settings: Settings, name: str) -> int:
    from flows.errors import OperatorError, require_writable_dir

    if not Path(settings.inbox).is_dir():
        raise OperatorError(f"收件箱 {settings.inbox} 不是文件夹", f"inbox {settings.inbox} is not a folder")
    require_writable_dir(Path(settings.db).absolute().parent, "--db")
    if settings.runner == "dask":
        # a served run loads the flow from its entrypoint, without the task runner chosen here
        raise OperatorError("serve 暂不支持 --runner dask：定时运行使用本机进程池（--workers）",
                            "serve does not support --runner dask yet: scheduled runs use the local "
                            "process pool (--workers)")
    if not os.environ.get("PREFECT_API_URL"):
        # a temporary server would run the schedule where no worker, UI or operator can reach it
        raise OperatorError("serve 需要一个常驻的 Prefect 服务器：先运行 prefect server start，再设置 PREFECT_API_URL",
                            "serve needs a running Prefect server: start one (prefect server start) "
                            "and set PREFECT_API_URL")
    from prefect import serve

    deployment = nightly_deployment(settings, name)
    print(f"jixiao: serving '{name}' on cron '{settings.cron}' ({settings.timezone}); Ctrl-C to stop")
    serve(deployment)
    return 0


if __name__ == "__main__":
    sys.exit(main())
