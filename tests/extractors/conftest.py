import pytest

from extractors.convert import Converter


@pytest.fixture(scope="session")
def converter(tmp_path_factory):
    """One converter (and LibreOffice cache) for the session: each file converts once."""
    c = Converter(cache_dir=tmp_path_factory.mktemp("convert-cache"), timeout_s=120)
    yield c
    c.close()
