"""The partner search API: the directory page's search as JSON, documented and rate-limited."""

import pytest
from django.db import connection
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from directory.api import INVALID_SEARCH
from directory.facet_cache import facet_cache_invalidate
from directory.models import Tier, Visibility
from directory.search_forms import ERROR_COUNTRY, ERROR_PAGE, ERROR_SORT
from directory.selectors.search.ranking import LABELS
from directory.services.search_index import company_search_reindex
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyCountryFactory,
    CompanyFactory,
    CompetencyFactory,
    IndustryFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/partners/"


def reindex() -> None:
    company_search_reindex()
    facet_cache_invalidate()


@pytest.fixture
def azure_partner():
    company = CompanyFactory(
        name="Azure Experts",
        slug="azure-experts",
        hq_country="DE",
        tier=Tier.GOLD,
        rating_average=4.5,
        rating_count=3,
        description="Cloud migrations.",
    )
    azure = CompetencyFactory(name="Azure", slug="azure")
    CompanyCompetencyFactory(company=company, competency=azure, verified=True)
    CompanyCompetencyFactory(company=company, competency=CompetencyFactory(name="Hearsay"))
    company.industries.add(IndustryFactory(name="Banking", slug="banking"))
    reindex()
    return company


def test_the_answer_has_count_links_results_and_facets(client, azure_partner):
    response = client.get(URL, {"q": "azur"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "count",
        "count_approximate",
        "facets_approximate",
        "search",
        "next",
        "previous",
        "results",
        "facets",
    }
    assert body["count_approximate"] is False and body["facets_approximate"] is False
    assert body["count"] == 1
    assert body["next"] is None and body["previous"] is None
    assert body["results"] == [
        {
            "slug": "azure-experts",
            "name": "Azure Experts",
            "url": "http://testserver/api/v1/partners/azure-experts/",
            "profile_url": "http://testserver/directory/azure-experts/",
            "description": "Cloud migrations.",
            "logo": None,
            "tier": "gold",
            "hq_country": "DE",
            "hq_country_name": "Germany",
            "rating_average": 4.5,
            "rating_count": 3,
            "verified_competencies": [{"slug": "azure", "name": "Azure"}],
            "ranking": {
                "score": 95.5,
                "reasons": [
                    {"rule": "name", "label": LABELS["name"], "points": 40.0, "values": {}},
                    {
                        "rule": "verified_competency",
                        "label": LABELS["verified_competency"],
                        "points": 30.0,
                        "values": {},
                    },
                    {
                        "rule": "tier",
                        "label": "Gold tier",
                        "points": 12.0,
                        "values": {"tier": "gold"},
                    },
                    {
                        "rule": "rating",
                        "label": "Rated 4.5 of 5",
                        "points": 13.5,
                        "values": {"rating": 4.5},
                    },
                    {
                        "rule": "completeness",
                        "label": "Profile 0% complete",
                        "points": 0.0,
                        "values": {"percent": 0},
                    },
                ],
            },
        }
    ]
    facets = body["facets"]
    assert facets["competency"] == [
        {"value": "azure", "label": "Azure", "count": 1, "selected": False},
        {"value": "hearsay", "label": "Hearsay", "count": 1, "selected": False},
    ]
    assert facets["industry"] == [
        {"value": "banking", "label": "Banking", "count": 1, "selected": False}
    ]
    assert facets["country"] == [{"value": "DE", "label": "Germany", "count": 1, "selected": False}]
    assert [(t["value"], t["count"]) for t in facets["tier"]] == [
        ("registered", 0),
        ("certified", 0),
        ("gold", 1),
    ]


def test_filters_are_the_same_as_the_page(client, azure_partner):
    other = CompanyFactory(name="Paris Data", hq_country="FR")
    CompanyCountryFactory(company=other, country="ES")
    reindex()

    by_country = client.get(URL, {"country": ["ES", "DE"]}).json()
    by_competency = client.get(URL, {"competency": "azure", "verified": "1"}).json()
    by_tier = client.get(URL, {"tier": "gold"}).json()

    assert [r["name"] for r in by_country["results"]] == ["Azure Experts", "Paris Data"]
    assert [r["name"] for r in by_competency["results"]] == ["Azure Experts"]
    assert [r["name"] for r in by_tier["results"]] == ["Azure Experts"]
    selected = [f["value"] for f in by_country["facets"]["country"] if f["selected"]]
    assert sorted(selected) == ["DE", "ES"]


def test_served_countries_hidden_from_visitors_do_not_match_for_them(client, member, azure_partner):
    quiet = CompanyFactory(name="Quiet", hq_country="FR", details_visibility=Visibility.HIDDEN)
    CompanyCountryFactory(company=quiet, country="IT")

    assert client.get(URL, {"country": "IT"}).json()["count"] == 0
    client.force_login(member)
    assert client.get(URL, {"country": "IT"}).json()["count"] == 0


def test_next_and_previous_link_the_neighbouring_pages(client):
    CompanyFactory.create_batch(41)

    body = client.get(URL, {"sort": "name", "page": 2}).json()

    assert body["count"] == 41
    assert len(body["results"]) == 20
    assert body["next"] == "http://testserver/api/v1/partners/?sort=name&page=3"
    assert body["previous"] == "http://testserver/api/v1/partners/?sort=name"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"sort": "price"}, "sort", ERROR_SORT),
        ({"page": "abc"}, "page", ERROR_PAGE),
        ({"country": "ZZZ"}, "country", ERROR_COUNTRY),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(client, params, field, message):
    CompanyFactory()

    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID_SEARCH, "errors": {field: [message]}}


def test_anonymous_callers_are_rate_limited(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})

    statuses = [client.get(URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_signed_in_members_are_rate_limited_at_their_own_rate(client, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": "3/minute"}
    )
    client.force_login(UserFactory())

    statuses = [client.get(URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_a_visitor_is_limited_by_the_visitors_rate_alone(client, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "1/minute"}
    )

    statuses = [client.get(URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_schema_documents_the_endpoint_and_its_parameters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/partners/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "competency", "industry", "country", "tier", "verified", "sort", "page"} <= names
    assert set(operation["responses"]) >= {"200", "400", "429"}
    sort = next(p for p in operation["parameters"] if p["name"] == "sort")
    assert set(sort["schema"]["enum"]) == {"relevance", "rating", "name", "newest"}


@pytest.mark.parametrize("companies", [1, 50])
def test_a_constant_number_of_queries_whatever_the_page_size(
    client, django_assert_max_num_queries, companies
):
    competency = CompetencyFactory(slug="azure")
    for company in CompanyFactory.create_batch(companies):
        CompanyCompetencyFactory(company=company, competency=competency, verified=True)
    reindex()

    # Cold facet cache: vocabulary check, facet estimate, counts with labels, the spelling check
    # (few results), ids with their ranking reasons, rows, claims. SQLite counts each facet in a
    # query of its own and reads the rows with the ORM: 4 more.
    with django_assert_max_num_queries(8 if connection.vendor == "postgresql" else 12):
        response = client.get(URL, {"q": "partner", "competency": "azure"})

    assert response.json()["count"] == companies
