"""Cached facet counts: a write forgets only the counts it changes (PostgreSQL's facet rows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.facet_cache import facet_cache_invalidate
from directory.models import Competency, Review, Tier
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.companies import company_update, competency_claim_add, tier_set
from directory.services.reviews import review_approve
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyFactory, CompetencyFactory, ReviewFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the facet rows flag their changes (0006)"
    ),
]


def searched(**params):
    """A search through the cache: its result, its facet counts, and whether it counted them
    (False: the cached counts were served)."""
    with CaptureQueriesContext(connection) as queries:
        result = company_search(viewer=None, params=search_params_clean(params))
    counted = any("WITH m AS MATERIALIZED" in q["sql"] for q in queries.captured_queries)
    facets = {
        name: {value.value: value.count for value in values if value.count}
        for name, values in result.facets.items()
    }
    return result, facets, counted


@pytest.fixture
def company():
    CompetencyFactory(name="Azure", slug="azure")
    company = CompanyFactory(name="Nordic Cloud", description="Cloud partner", tier=Tier.GOLD)
    company_search_reindex()
    facet_cache_invalidate()
    # Cached: the unfiltered counts, a facet's and a text search's.
    for params in ({}, {"tier": "gold"}, {"q": "cloud"}):
        assert searched(**params)[2]
        assert not searched(**params)[2]
    return company


def test_a_new_competency_claim_shows_in_the_counts_at_once(
    company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        competency_claim_add(company=company, competency=Competency.objects.get(slug="azure"))

    _, facets, counted = searched()
    assert counted and facets["competency"] == {"azure": 1}
    assert searched(tier="gold")[1]["competency"] == {"azure": 1}
    assert searched(q="cloud")[1]["competency"] == {"azure": 1}


def test_a_description_edit_keeps_the_counts_of_searches_without_words(
    company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        company_update(company=company, fields={"description": "Fjord hosting"})

    assert not searched()[2]
    assert not searched(tier="gold")[2]
    result, _, counted = searched(q="fjord")
    assert counted and result.count == 1
    result, _, counted = searched(q="cloud")
    assert counted and result.count == 1  # still in its name


def test_a_tier_change_updates_the_counts(company, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tier_set(company=company, staff=UserFactory(is_staff=True), tier=Tier.CERTIFIED)

    result, facets, counted = searched(tier="gold")
    assert counted and result.count == 0
    assert facets["tier"] == {"certified": 1}
    assert searched()[1]["tier"] == {"certified": 1}


def test_a_new_rating_keeps_every_cached_count(company, django_capture_on_commit_callbacks):
    review = ReviewFactory(company=company, status=Review.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        review_approve(review=review, staff=UserFactory(is_staff=True))

    for params in ({}, {"tier": "gold"}, {"q": "cloud"}):
        assert not searched(**params)[2]
