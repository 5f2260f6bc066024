"""Facet counts on PostgreSQL: the facet rows follow every write, and estimates say so."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.facet_cache import facet_cache_invalidate
from directory.models import Company, CompanyCompetency, Tier
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.search_index import company_search_reindex
from portal.paging import PageOutOfRange
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyCountryFactory,
    CompanyFactory,
    CompetencyFactory,
    IndustryFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="facet rows are PostgreSQL's (migration 0003)"
    ),
]


def counts(**params):
    facet_cache_invalidate()
    result = company_search(viewer=None, params=search_params_clean(params))
    return result, {
        name: {value.value: value.count for value in values if value.count}
        for name, values in result.facets.items()
    }


def test_facet_rows_follow_writes_with_no_reindex_call():
    azure = CompetencyFactory(name="Azure", slug="azure")
    company = CompanyFactory(name="Nordic Cloud", hq_country="DE", tier=Tier.GOLD)
    claim = CompanyCompetencyFactory(company=company, competency=azure)
    company.industries.add(IndustryFactory(name="Banking", slug="banking"))
    CompanyCountryFactory(company=company, country="FR")

    _, facets = counts()
    assert facets["competency"] == {"azure": 1}
    assert facets["industry"] == {"banking": 1}
    assert facets["country"] == {"DE": 1, "FR": 1}
    assert facets["tier"] == {"gold": 1}
    assert counts(verified="1")[1]["competency"] == {}

    claim.status, claim.verified_at = CompanyCompetency.Status.VERIFIED, timezone.now()
    claim.save()
    Company.objects.filter(pk=company.pk).update(tier=Tier.CERTIFIED)
    assert counts(verified="1")[1]["competency"] == {"azure": 1}
    assert counts()[1]["tier"] == {"certified": 1}

    company.delete()
    result, facets = counts()
    assert result.count == 0 and facets["tier"] == {}


def test_a_verification_that_lapses_without_a_write_stops_counting_as_verified():
    azure = CompetencyFactory(name="Azure", slug="azure")
    company = CompanyFactory(name="Nordic Cloud")
    claim = CompanyCompetencyFactory(
        company=company,
        competency=azure,
        verified=True,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert counts(verified="1", competency=["azure"])[0].count == 1

    # Time passes: the expiry is now behind us, and nothing has written since.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers
        past = timezone.now() - timedelta(minutes=1)
        CompanyCompetency.objects.filter(pk=claim.pk).update(expires_at=past)
        cursor.execute(
            "UPDATE directory_search_facets SET verified_until = %s WHERE company_id = %s",
            [past, company.pk],
        )
        cursor.execute("SET session_replication_role = origin")

    result, _ = counts(verified="1", competency=["azure"])
    assert result.count == 0
    assert counts(verified="1")[1]["competency"] == {}


def test_many_matches_give_estimates_and_the_page_and_api_say_about(client, monkeypatch):
    monkeypatch.setattr("directory.selectors.search.facet_sql.FACET_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql.COUNT_EXACT_LIMIT", 1)
    # A sample of every page: the estimate is exact here, and still labelled an estimate.
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_percent", lambda rows: 100)
    for n in range(3):
        CompanyFactory(name=f"Partner {n}", tier=Tier.GOLD)

    result, facets = counts()
    assert result.count == 3 and result.count_approximate and result.facets_approximate
    assert facets["tier"] == {"gold": 3}

    facet_cache_invalidate()
    page = client.get("/directory/").content.decode()
    assert "1–3 of about 3 partners" in page
    assert "Counts are estimates" in page
    body = client.get("/api/v1/partners/").json()
    assert body["count_approximate"] is True and body["facets_approximate"] is True


def test_below_the_thresholds_counts_are_exact_and_unlabelled(client):
    for n in range(3):
        CompanyFactory(name=f"Partner {n}", tier=Tier.GOLD)
    facet_cache_invalidate()

    page = client.get("/directory/").content.decode()
    body = client.get("/api/v1/partners/").json()

    assert "1–3 of 3 partners" in page
    assert "about" not in page.split('class="results-summary"')[1].split("</h2>")[0]
    assert "Counts are estimates" not in page and "≈" not in page
    assert body["count"] == 3
    assert body["count_approximate"] is False and body["facets_approximate"] is False
    assert {"value": "gold", "label": "Gold", "count": 3, "selected": False} in body["facets"][
        "tier"
    ]


def test_sampled_facets_still_count_the_results_exactly_below_the_limit(monkeypatch):
    # Facets from a sample (here all of it); the number of results counted exactly: for a
    # competency or an industry alone from their link tables, for words alone from the
    # companies.
    monkeypatch.setattr("directory.selectors.search.facet_sql.FACET_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql.WORD_MATCHES_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_percent", lambda rows: 100)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_modulus", lambda n: 1)
    azure = CompetencyFactory(name="Azure", slug="azure")
    for n, (verified, expires) in enumerate(
        [(True, None), (True, timezone.now() - timedelta(days=1)), (False, None)]
    ):
        company = CompanyFactory(name=f"Azure partner {n}")
        CompanyCompetencyFactory(
            company=company, competency=azure, verified=verified, expires_at=expires
        )
    retail = IndustryFactory(name="Retail", slug="retail")
    for company in Company.objects.all()[:2]:
        company.industries.add(retail)
    other = CompanyFactory(name="Other partner")
    # Companies holding both of two values count once.
    data = CompetencyFactory(name="Data", slug="data")
    banking = IndustryFactory(name="Banking", slug="banking")
    for company in (Company.objects.get(name="Azure partner 0"), other):
        CompanyCompetencyFactory(company=company, competency=data)
    for company in (Company.objects.filter(industries=retail).first(), other):
        company.industries.add(banking)
    company_search_reindex()

    claimed, _ = counts(competency=["azure"])
    industry, _ = counts(industry=["retail"])
    verified, _ = counts(competency=["azure"], verified="1")
    words, _ = counts(q="partner")
    either_claim, _ = counts(competency=["azure", "data"])
    either_industry, _ = counts(industry=["retail", "banking"])
    assert claimed.facets_approximate
    assert (claimed.count, claimed.count_approximate) == (3, False)
    assert (verified.count, verified.count_approximate) == (1, False)
    assert (industry.count, industry.count_approximate) == (2, False)
    assert len(industry.companies) == 2
    assert (words.count, words.count_approximate) == (4, False)
    assert (either_claim.count, either_claim.count_approximate) == (4, False)
    assert either_industry.count == len(either_industry.companies) == 3


def test_a_word_in_very_many_companies_is_counted_from_a_sample_of_its_matches(monkeypatch):
    # The sample is the matches whose id hashes to 0 modulo its size (here one in 2), each
    # standing for two; above the limit the number of results is the sample's too, "about N".
    monkeypatch.setattr("directory.selectors.search.facet_sql.WORD_MATCHES_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.results.COUNT_BY_PAGE_LIMIT", -1)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_modulus", lambda n: 2)
    for n in range(7):
        CompanyFactory(name=f"Zephyr {n}", tier=Tier.GOLD)
    CompanyFactory(name="Other", tier=Tier.GOLD)
    company_search_reindex()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM directory_company WHERE name LIKE 'Zephyr %%'"
            " AND (hashint8(id) & 1) = 0"
        )
        sampled = cursor.fetchone()[0]

    result, facets = counts(q="zephyr")

    assert result.facets_approximate and result.count_approximate
    assert result.count == 2 * sampled
    assert facets["tier"] == ({"gold": 2 * sampled} if sampled else {})


def test_words_rarer_together_than_the_planner_thought_are_counted_exactly(monkeypatch):
    # The planner guessed many matches, the sample found few: every match is counted instead.
    # (A sample of one in 2**30: which companies a sample of one in 64 holds depends on their
    # ids, and one of these four in it would stand for 64.)
    monkeypatch.setattr("directory.selectors.search.facet_sql.WORD_MATCHES_EXACT_LIMIT", 5)
    monkeypatch.setattr(
        "directory.selectors.search.facet_sql._domain_estimate", lambda *args: 50_000.0
    )
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_modulus", lambda n: 2**30)
    for n in range(3):
        CompanyFactory(name=f"Zephyr Quokka {n}", tier=Tier.GOLD)
    CompanyFactory(name="Zephyr Data", tier=Tier.CERTIFIED)
    company_search_reindex()

    result, facets = counts(q="zephyr quokka")

    assert not result.facets_approximate and not result.count_approximate
    assert result.count == 3 and facets["tier"] == {"gold": 3}


@pytest.mark.parametrize("sort", ["", "name"], ids=["best match", "by name"])
def test_a_word_estimated_from_a_sample_is_counted_exactly_by_its_page(monkeypatch, sort):
    # Facets from a sample of one match in two; the page's own query, which reads every match
    # to rank or sort them, says how many there are: exactly, whatever the sample held.
    monkeypatch.setattr("directory.selectors.search.facet_sql.WORD_MATCHES_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_modulus", lambda n: 2)
    for n in range(7):
        CompanyFactory(name=f"Zephyr {n}")
    CompanyFactory(name="Other")
    company_search_reindex()

    result, _ = counts(q="zephyr", sort=sort)

    assert result.facets_approximate
    assert (result.count, result.count_approximate) == (7, False)
    assert len(result.companies) == 7


def test_a_sample_holding_none_of_a_few_matches_still_finds_them(monkeypatch):
    # Words with filters: the sample of the words' matches (here none of them: a sample of one
    # in 2**30) says none pass every filter; the page's own query finds and counts them.
    monkeypatch.setattr("directory.selectors.search.facet_sql.WORD_MATCHES_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_modulus", lambda n: 2**30)
    CompanyFactory(name="Zephyr One", tier=Tier.GOLD)
    CompanyFactory(name="Zephyr Two", tier=Tier.GOLD)
    CompanyFactory(name="Zephyr Three", tier=Tier.CERTIFIED)
    company_search_reindex()

    result, _ = counts(q="zephyr", tier="gold")

    assert (result.count, result.count_approximate) == (2, False)
    assert sorted(c.name for c in result.companies) == ["Zephyr One", "Zephyr Two"]
    assert not result.searched_for and not result.did_you_mean


BY_RATING = [["Delta", "Echo"], ["Bravo", "Alpha"], ["Charlie"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", BY_RATING),
        ("rating", BY_RATING),
        ("name", [["Alpha", "Bravo"], ["Charlie", "Delta"], ["Echo"]]),
        ("newest", [["Alpha", "Echo"], ["Delta", "Charlie"], ["Bravo"]]),
    ],
)
def test_a_sampled_search_without_words_pages_its_counted_matches_in_order(
    monkeypatch, sort, expected
):
    # Facets from a sample; the results counted exactly on the facet rows, which give the
    # page in the same reading: every page as the exact path lists it, in no more statements.
    monkeypatch.setattr("directory.selectors.search.results.PAGE_SIZE", 2)
    now = timezone.now()
    for name, rating, days in [
        ("Delta", 4, 3),
        ("Alpha", None, 1),
        ("Echo", 4, 2),
        ("Bravo", 2, 5),
        ("Charlie", None, 4),
    ]:
        CompanyFactory(
            name=name, hq_country="DE", rating_average=rating, created_at=now - timedelta(days)
        )
    CompanyFactory(name="Elsewhere", hq_country="FR", rating_average=5)

    def pages() -> tuple[list[list[str]], list[int]]:
        listed, statements = [], []
        for page in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                result, _ = counts(country=["DE"], sort=sort, page=str(page))
            assert (result.count, result.count_approximate) == (5, False)
            listed.append([c.name for c in result.companies])
            statements.append(len(queries))
        return listed, statements

    exact, exact_statements = pages()
    monkeypatch.setattr("directory.selectors.search.facet_sql.FACET_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_percent", lambda rows: 100)
    sampled, sampled_statements = pages()

    assert exact == sampled == expected
    assert sampled_statements <= exact_statements
    with pytest.raises(PageOutOfRange):
        counts(country=["DE"], sort=sort, page="4")


@pytest.mark.parametrize(
    ("sort", "before", "after"),
    [
        ("name", ["Alpha", "Bravo"], ["Bravo", "Zulu"]),
        ("rating", ["Bravo", "Alpha"], ["Zulu", "Bravo"]),
        ("newest", ["Bravo", "Alpha"], ["Zulu", "Bravo"]),  # a tie: the later one first
    ],
)
def test_a_page_sorted_on_the_facet_rows_follows_a_rename_a_rating_and_a_date(
    monkeypatch, sort, before, after
):
    # A few matches in a large directory: their page is found and sorted on the facet rows,
    # which keep the sort keys as the companies change.
    monkeypatch.setattr("directory.selectors.search.ordering.table_rows", lambda cursor: 1e6)
    now = timezone.now()
    alpha = CompanyFactory(name="Alpha", hq_country="DE", rating_average=2, created_at=now)
    CompanyFactory(name="Bravo", hq_country="DE", rating_average=3, created_at=now)
    CompanyFactory(name="Elsewhere", hq_country="FR", rating_average=5)

    def names() -> list[str]:
        return [c.name for c in counts(country=["DE"], sort=sort)[0].companies]

    assert names() == before
    Company.objects.filter(pk=alpha.pk).update(
        name="Zulu", rating_average=5, created_at=now + timedelta(days=1)
    )
    assert names() == after


def test_one_industry_or_country_from_its_sorted_values_follows_every_write(monkeypatch):
    # Counted and paged from the facet values (migration 0013), which triggers keep as the
    # companies, their industries and their countries change.
    monkeypatch.setattr("directory.selectors.search.facet_sql.FACET_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_percent", lambda rows: 100)
    retail = IndustryFactory(name="Retail", slug="retail")
    alpha = CompanyFactory(name="Alpha", hq_country="DE", rating_average=2)
    bravo = CompanyFactory(name="Bravo", hq_country="FR", rating_average=3)
    CompanyCountryFactory(company=bravo, country="DE")
    for company in (alpha, bravo):
        company.industries.add(retail)

    def listed(**params) -> list[str]:
        result, _ = counts(**params)
        assert result.count == len(result.companies) and not result.count_approximate
        return [c.name for c in result.companies]

    assert listed(industry=["retail"]) == listed(country=["DE"]) == ["Bravo", "Alpha"]
    Company.objects.filter(pk=alpha.pk).update(name="Zulu", rating_average=5)
    assert listed(industry=["retail"]) == ["Zulu", "Bravo"]
    assert listed(country=["DE"], sort="name") == ["Bravo", "Zulu"]

    bravo.industries.remove(retail)
    assert listed(industry=["retail"]) == ["Zulu"]
    # A served country stays listed for the audience that may see the company's details.
    Company.objects.filter(pk=bravo.pk).update(details_visibility="members")
    assert listed(country=["DE"]) == ["Zulu"]
    bravo.countries.filter(country="DE").delete()
    assert listed(country=["FR"]) == ["Bravo"]
    alpha.delete()
    assert listed(industry=["retail"]) == listed(country=["DE"]) == []


def test_one_industry_too_large_to_count_is_still_paged_by_rating_from_its_values(monkeypatch):
    # Above COUNT_EXACT_LIMIT the number is the sample's ("about"), and the page by rating is
    # read from the facet values' index at its offset, rated companies first, unrated by name.
    retail = IndustryFactory(name="Retail", slug="retail")
    for name, rating in [("Delta", None), ("Alpha", 2), ("Echo", 4), ("Bravo", None)]:
        CompanyFactory(name=name, rating_average=rating).industries.add(retail)
    CompanyFactory(name="Elsewhere", rating_average=5)
    monkeypatch.setattr("directory.selectors.search.results.PAGE_SIZE", 3)
    monkeypatch.setattr("directory.selectors.search.facet_sql.FACET_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_percent", lambda rows: 100)
    monkeypatch.setattr("directory.selectors.search.facet_sql.COUNT_EXACT_LIMIT", 2)

    listed = []
    for page in ("1", "2"):
        with CaptureQueriesContext(connection) as queries:
            result, _ = counts(industry=["retail"], page=page)
        assert result.count_approximate
        assert any("directory_search_facet_values" in q["sql"] for q in queries.captured_queries)
        listed.append([c.name for c in result.companies])

    assert listed == [["Echo", "Alpha", "Bravo"], ["Delta"]]
    with pytest.raises(PageOutOfRange):
        counts(industry=["retail"], page="3")


def test_words_with_filters_follow_a_description_edit():
    # The facet row holds a copy of the search vector (migration 0010): a reindexed
    # description is found with a filter at once, and counted in the facets.
    azure = CompetencyFactory(name="Azure", slug="azure")
    company = CompanyFactory(name="Nordic Cloud", description="Migrations.")
    CompanyCompetencyFactory(company=company, competency=azure)
    company_search_reindex()
    assert counts(q="zeppelin", competency=["azure"])[0].count == 0

    company.description = "Zeppelin hangars."
    company.save()
    company_search_reindex(company_ids=[company.pk])

    result, facets = counts(q="zeppelin", competency=["azure"])
    assert [c.name for c in result.companies] == ["Nordic Cloud"]
    assert facets["competency"] == {"azure": 1}
