"""Shared fixtures: a project-local Prefect home, one Prefect test harness per session."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Before anything imports prefect: keep its state out of ~/.prefect and never phone home.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="jixiao-prefect-"))
os.environ["PREFECT_HOME"] = str(_PREFECT_HOME)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# the harness server needs more than 20 s to start on a busy 2-core machine (as the CLI allows it)
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "cases"
SAMPLES = REPO / "samples" / "inbox"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):  # 30 s is not enough on a busy machine
        yield


@pytest.fixture
def inbox(tmp_path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path


def place(inbox: Path, case: str, rel: str) -> Path:
    """Copy a case file from tests/cases into the inbox at `rel`."""
    target = inbox / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CASES / case, target)
    return target
