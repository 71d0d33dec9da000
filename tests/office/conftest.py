import sys

import pytest

from tests.support.demo import demo_warehouse


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()


@pytest.fixture(autouse=True)
def _keep_main_module():
    # Streamlit's script runner installs each page as sys.modules["__main__"]; a worker pool
    # started later in the same pytest process would re-run that page in every child
    # (multiprocessing re-imports __main__ by path) and die. Put the real one back.
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
