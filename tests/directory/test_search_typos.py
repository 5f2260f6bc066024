"""Typo tolerance: misspelt words find what was meant, and the page and the API say so."""

import pytest
from django.db import connection

from directory.facet_cache import facet_cache_invalidate
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyCompetencyFactory, CompanyFactory, CompetencyFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's"),
]


@pytest.fixture
def partners():
    azure = CompetencyFactory(name="Microsoft Azure", slug="microsoft-azure")
    kubernetes = CompetencyFactory(name="Kubernetes", slug="kubernetes")
    blue = CompanyFactory(name="Blue Harbor", description="Cloud migrations.")
    CompanyCompetencyFactory(company=blue, competency=azure)
    pods = CompanyFactory(name="Pod People", description="Containers at scale.")
    CompanyCompetencyFactory(company=pods, competency=kubernetes)
    CompanyFactory(name="Kubernetes Kitchen", description="Recipes.")
    company_search_reindex()
    facet_cache_invalidate()


def search(**params):
    return company_search(viewer=None, params=search_params_clean(params))


def test_kubernets_finds_kubernetes_partners(partners):
    # Stemming alone forgives this one: both spellings stem alike, so it is an exact match.
    result = search(q="kubernets")

    assert [c.name for c in result.companies] == ["Kubernetes Kitchen", "Pod People"]
    # Few hits, and the word as typed is no known word: the known spelling is proposed.
    assert result.searched_for == "" and result.did_you_mean == "kubernetes"


def test_a_misspelt_competency_finds_its_partners_and_says_what_was_searched(partners):
    result = search(q="kubrenetes")

    assert [c.name for c in result.companies] == ["Kubernetes Kitchen", "Pod People"]
    assert result.searched_for == "kubernetes"


def test_two_misspelt_words_are_each_corrected(partners):
    result = search(q="microsfot azur")

    assert [c.name for c in result.companies] == ["Blue Harbor"]
    assert result.searched_for == "microsoft azur"


def test_a_search_with_exact_hits_is_never_replaced_by_a_fuzzy_one(partners):
    result = search(q="kubernetes")

    assert result.searched_for == ""
    assert [c.name for c in result.companies] == ["Kubernetes Kitchen", "Pod People"]


def test_nothing_close_enough_finds_nothing_and_proposes_nothing(partners):
    result = search(q="xylophone")

    assert result.count == 0 and result.searched_for == "" and result.did_you_mean == ""


def test_few_exact_hits_come_with_a_did_you_mean_not_a_replacement(partners):
    CompanyFactory(name="Harbour Kitchn", description="A spelling of its own.")
    company_search_reindex()
    facet_cache_invalidate()

    # "harbr" begins no known word but "kitchn" does: one exact hit for "kitchn" alone.
    result = search(q="kitchn")
    assert [c.name for c in result.companies] == ["Harbour Kitchn"]
    assert result.searched_for == ""
    assert result.did_you_mean == ""  # every word is known: nothing to propose

    result = search(q="harbr")
    assert result.searched_for in {"harbor", "harbour"}


def test_the_page_and_the_api_say_the_search_was_corrected(client, partners):
    page = client.get("/directory/", {"q": "kubrenetes"}).content.decode()
    assert "No partner matches “kubrenetes” exactly" in page
    assert "Showing close matches for <strong>“kubernetes”</strong>" in page

    body = client.get("/api/v1/partners/", {"q": "kubrenetes"}).json()
    assert body["search"] == {
        "q": "kubrenetes",
        "fuzzy": True,
        "searched_for": "kubernetes",
        "did_you_mean": None,
    }
    assert body["count"] == 2


def test_the_page_links_the_proposed_spelling(client, partners):
    page = client.get("/directory/", {"q": "kubernets"}).content.decode()

    assert 'Did you mean <a href="?q=kubernetes">kubernetes</a>?' in page


@pytest.mark.parametrize("companies", [1, 50])
def test_a_corrected_search_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, companies
):
    for n in range(companies):
        CompanyFactory(name=f"Zeppelin Partners {n}")
    company_search_reindex()
    facet_cache_invalidate()

    # The exact search (estimate, counts), the spelling check, the corrected search (estimate,
    # counts, labels), the page's ids with their reasons, rows, competencies.
    with django_assert_max_num_queries(9):
        body = client.get("/api/v1/partners/", {"q": "zepelin"}).json()

    assert body["search"]["searched_for"] == "zeppelin"
    assert len(body["results"]) == min(companies, 20)


def test_the_page_marks_the_words_it_searched_instead(client, partners):
    page = client.get("/directory/", {"q": "kubrenetes"}).text

    assert "<mark>Kubernetes</mark> Kitchen" in page
