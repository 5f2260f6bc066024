import pytest


@pytest.fixture
def page(page, live_server):
    page.set_default_timeout(10_000)
    return page
