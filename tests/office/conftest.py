import pytest

from tests.support.demo import demo_warehouse


@pytest.fixture(scope="module")
def db(prefect_harness):
    return demo_warehouse()
