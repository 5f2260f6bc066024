"""Partners with Japanese names are found by Japanese text, the whole name or a part of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.facet_cache import facet_cache_invalidate
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def search(q: str) -> list[str]:
    result = company_search(viewer=None, params=search_params_clean({"q": q}))
    return [company.name for company in result.companies]


@pytest.fixture
def japanese_partners():
    companies = [
        CompanyFactory(
            name="株式会社サクラクラウド",
            slug="sakura-cloud",
            description="クラウド移行とマネージドサービス。",
        ),
        CompanyFactory(
            name="富士データシステムズ株式会社",
            slug="fuji-data",
            description="データ分析の専門企業。",
        ),
        CompanyFactory(name="Cloudsmiths", description="Azure consulting."),
    ]
    company_search_reindex(company_ids=[c.pk for c in companies])
    facet_cache_invalidate()
    return companies


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("株式会社サクラクラウド", "株式会社サクラクラウド"),
        ("サクラクラウド", "株式会社サクラクラウド"),
        ("富士データ", "富士データシステムズ株式会社"),
    ],
)
def test_a_japanese_name_is_found_by_japanese_text(japanese_partners, query, found):
    assert search(query)[0] == found


def test_the_directory_page_shows_the_japanese_partner_in_japanese(client, japanese_partners):
    response = client.get("/directory/", {"q": "サクラクラウド"}, HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 200
    page = response.content.decode()
    assert "株式会社サクラクラウド" in page
    assert "パートナーディレクトリ" in page
    assert "Cloudsmiths" not in page


@pytest.fixture
def sakura_technology():
    companies = [
        CompanyFactory(name="サクラテクノロジー株式会社", slug="sakura-technology"),
        CompanyFactory(name="Technology Partners", slug="technology-partners"),
    ]
    company_search_reindex(company_ids=[c.pk for c in companies])
    facet_cache_invalidate()
    return companies


@pytest.mark.parametrize("query", ["テクノロジー", "クノロジ", "株式会社", "サクラテクノ"])
def test_a_part_of_a_japanese_name_finds_it_on_the_page_and_the_api(
    client, sakura_technology, query
):
    page = client.get("/directory/", {"q": query}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    api = client.get("/api/v1/partners/", {"q": query}).json()

    assert "サクラテクノロジー株式会社" in page
    assert [r["name"] for r in api["results"]] == ["サクラテクノロジー株式会社"]
    assert api["count"] == 1
    assert sum(v["count"] for v in api["facets"]["tier"]) == 1  # the counts agree
    assert {r["rule"] for r in api["results"][0]["ranking"]["reasons"]} >= {"name"}


def test_a_part_of_a_japanese_name_costs_the_queries_of_any_search(
    client, sakura_technology, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as latin:
        client.get("/api/v1/partners/", {"q": "partners"})
    with django_assert_num_queries(len(latin)):
        client.get("/api/v1/partners/", {"q": "テクノロジー"})


SQLITE_JAPANESE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from tests.directory.factories import CompanyFactory
CompanyFactory(name="サクラテクノロジー株式会社", slug="sakura-technology")
CompanyFactory(name="Technology Partners", slug="technology-partners")
from directory.services.search_index import company_search_reindex
company_search_reindex()
api = Client().get("/api/v1/partners/", {"q": "テクノロジー"}).json()
page = Client().get("/directory/", {"q": "クノロジ"}, HTTP_ACCEPT_LANGUAGE="ja")
print([r["name"] for r in api["results"]], "サクラテクノロジー株式会社" in page.text)
"""


@pytest.mark.django_db(databases=[])
def test_on_the_embedded_sqlite_default_a_part_of_a_japanese_name_finds_it(tmp_path):
    from tests.portal.test_settings import run_python

    result = run_python(["-c", SQLITE_JAPANESE], {"VAR_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['サクラテクノロジー株式会社'] True"]
