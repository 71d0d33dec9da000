"""`jixiao dashboard --db PATH`: serve office/app.py with Streamlit on a local port.

Streamlit because the pages are Python over DuckDB frames with no front-end build, it ships a
headless test harness (streamlit.testing.v1.AppTest) and installs from PyPI alone; usage
statistics are off and nothing is fetched from the network.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from office.data import DB_ENV, check_warehouse

APP = Path(__file__).with_name("app.py")


def command(db: Path, port: int, host: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.port", str(port), "--server.address", host,
            "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
            "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]


def environment(db: Path) -> dict[str, str]:
    return {**os.environ, DB_ENV: str(db.resolve()), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}


def serve(db_path: str | Path, port: int = 8501, host: str = "127.0.0.1") -> int:
    db = check_warehouse(db_path)  # an operator mistake is one line, before a server starts
    print(f"jixiao dashboard: http://{host}:{port}/  ({db}, read-only; Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(command(db, port, host), env=environment(db))
    except KeyboardInterrupt:
        return 0
