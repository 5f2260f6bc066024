"""Dates and numbers follow the page's language; English keeps the portal's own formats."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from directory.facet_cache import facet_cache_invalidate
from directory.services.search_index import company_search_reindex
from groups.models import Thread
from tests.directory.factories import CompanyFactory
from tests.groups.factories import ThreadFactory

pytestmark = pytest.mark.django_db
POSTED = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)


@pytest.fixture
def thread_url():
    thread = ThreadFactory()
    Thread.objects.filter(pk=thread.pk).update(created_at=POSTED)
    return thread.get_absolute_url()


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "5 Mar 2026, 14:30"),
        ("de", "5. März 2026 14:30"),
        ("fr", "5 mars 2026 14:30"),
        ("ja", "2026年3月5日14:30"),
    ],
)
def test_a_threads_date_is_written_the_way_its_reader_writes_dates(
    client, thread_url, language, shown
):
    page = client.get(thread_url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert shown in page


@pytest.mark.parametrize(("language", "shown"), [("en", "★ 4.5"), ("de", "★ 4,5"), ("fr", "★ 4,5")])
def test_a_rating_uses_the_readers_decimal_separator(client, language, shown):
    company = CompanyFactory(rating_count=2, rating_average=Decimal("4.50"))
    company_search_reindex(company_ids=[company.pk])
    facet_cache_invalidate()

    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert shown in page
