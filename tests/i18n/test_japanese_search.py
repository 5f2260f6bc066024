"""Partners with Japanese names are found by Japanese text, the whole name or a part of it."""

import pytest

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
