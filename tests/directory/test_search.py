"""The directory search: what a visitor finds, how filters narrow it and what the facets count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from directory.facet_cache import facet_cache_invalidate
from directory.models import CompanyCompetency, Industry, Tier, Visibility
from directory.search_forms import (
    ERROR_COMPETENCY,
    ERROR_COUNTRY,
    ERROR_PAGE,
    ERROR_SORT,
    ERROR_TIER,
    ERROR_VERIFIED,
    search_params_clean,
)
from directory.selectors.search import company_search
from directory.services.search_index import company_search_reindex
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyCountryFactory,
    CompanyFactory,
    CompetencyFactory,
    IndustryFactory,
    OfferingFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/directory/"
# Above RANK_ALL_LIMIT matches "best match" goes name-first on PostgreSQL only: the embedded
# default ranks every match (ordering.uses_name_first).
name_first_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the name-first order is PostgreSQL's"
)


def search(viewer=None, **params) -> list[str]:
    result = company_search(viewer=viewer, params=search_params_clean(params))
    return [company.name for company in result.companies]


def facet(result, name: str) -> dict[str, int]:
    return {value.value: value.count for value in result.facets[name]}


def indexed(*companies):
    company_search_reindex(company_ids=[c.pk for c in companies] or None)
    facet_cache_invalidate()
    return companies


# -- free text ---------------------------------------------------------------------------------


def test_a_name_match_ranks_above_a_description_match():
    indexed(
        CompanyFactory(name="Cloudsmiths", description="We love Azure and everything Azure."),
        CompanyFactory(name="Azure Experts", description="Consulting."),
    )

    assert search(q="azure") == ["Azure Experts", "Cloudsmiths"]


@name_first_on_postgresql
def test_a_search_matching_very_many_still_puts_the_best_match_first(monkeypatch):
    # Above RANK_ALL_LIMIT matches not every match is ranked, but the first pages are: a name
    # match with a verified competency for the words outranks a better-rated name match.
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_ALL_LIMIT", 1)
    zeppelin = CompetencyFactory(name="Zeppelin")
    best = CompanyFactory(name="Zeppelin Verified", rating_average=2)
    CompanyCompetencyFactory(company=best, competency=zeppelin, verified=True)
    indexed(
        best,
        CompanyFactory(name="Zeppelin Rated", rating_average=5),
        CompanyFactory(name="Quiet Co", description="Zeppelin.", rating_average=5),
    )

    result = company_search(viewer=None, params=search_params_clean({"q": "zeppelin"}))

    assert result.name_first
    assert [c.name for c in result.companies] == ["Zeppelin Verified", "Zeppelin Rated", "Quiet Co"]
    assert result.companies[0].ranking.reasons[1].rule == "verified_competency"


@name_first_on_postgresql
@pytest.mark.parametrize("walk", [10, 0], ids=["names met walking", "name index"])
def test_past_the_ranked_pool_pages_go_on_name_first_without_repeating(monkeypatch, walk):
    # A pool of one candidate of each kind: the best-rated name match and the best-rated match
    # are ranked by points; the others follow, name matches first, each group by rating; the
    # same whether the pool's walk met a name match or the name index had to find one.
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_ALL_LIMIT", 1)
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_POOL", 1)
    monkeypatch.setattr("directory.selectors.search.ordering.NAME_FIRST_WALK", walk)
    monkeypatch.setattr("directory.selectors.search.results.PAGE_SIZE", 1)
    indexed(
        CompanyFactory(name="Other", description="Azure.", rating_average=5),
        CompanyFactory(name="Azure High", rating_average=4),
        CompanyFactory(name="Azure Low", rating_average=2),
        CompanyFactory(name="Quiet Co", description="Azure, Azure, Azure.", rating_average=3),
    )

    pages = [search(q="azur", page=page) for page in (1, 2, 3, 4)]

    assert pages == [["Azure High"], ["Other"], ["Azure Low"], ["Quiet Co"]]


@pytest.mark.parametrize("walk", [10, 0], ids=["rating walk", "name index"])
def test_past_the_ranked_pool_name_matches_come_first_then_by_rating(monkeypatch, walk):
    # Past the ranked pool (none here) the order is not ranked match by match (too slow at
    # scale): name matches come first, each group by rating, whether found walking the matches
    # by rating or (a walk too short to be sure) through the name index.
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_ALL_LIMIT", 1)
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_POOL", 0)
    monkeypatch.setattr("directory.selectors.search.ordering.NAME_FIRST_WALK", walk)
    indexed(
        CompanyFactory(name="Quiet Co", description="Azure, Azure, Azure.", rating_average=3),
        CompanyFactory(name="Azure Low", rating_average=2),
        CompanyFactory(name="Azure High", rating_average=4),
        CompanyFactory(name="Other", description="Azure.", rating_average=5),
    )

    assert search(q="azur") == ["Azure High", "Azure Low", "Other", "Quiet Co"]


def test_name_first_pages_agree_whether_the_rating_walk_suffices_or_not(monkeypatch):
    # One company a page, a walk of twice the page's end: pages 1-2 come from the name matches
    # the walk met (a name match second by rating), pages 3-4 from a walk that met every match.
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_ALL_LIMIT", 1)
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_POOL", 0)
    monkeypatch.setattr("directory.selectors.search.results.PAGE_SIZE", 1)
    monkeypatch.setattr("directory.selectors.search.ordering.NAME_FIRST_WALK", 2)
    indexed(
        CompanyFactory(name="Quiet Co", description="Azure, Azure, Azure.", rating_average=3),
        CompanyFactory(name="Azure Low", rating_average=2),
        CompanyFactory(name="Azure High", rating_average=4),
        CompanyFactory(name="Other", description="Azure.", rating_average=5),
    )

    pages = [search(q="azur", page=page) for page in (1, 2, 3, 4)]

    assert pages == [["Azure High"], ["Azure Low"], ["Other"], ["Quiet Co"]]


@name_first_on_postgresql
def test_with_facet_filters_best_match_ranks_every_match_up_to_a_higher_limit(monkeypatch):
    # Facet filters make ranking every match cheap (it starts from the facet rows), so the
    # name-first shortcut waits for more matches than a search by words alone.
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_ALL_LIMIT", 1)
    azure = CompetencyFactory(name="Azure", slug="azure")
    for name in ("Cloudsmiths", "Azure Experts"):
        company = CompanyFactory(name=name, description="An Azure partner.")
        CompanyCompetencyFactory(company=company, competency=azure)
    indexed()

    words = company_search(viewer=None, params=search_params_clean({"q": "azure"}))
    faceted = company_search(
        viewer=None, params=search_params_clean({"q": "azure", "competency": "azure"})
    )

    assert words.name_first
    assert not faceted.name_first
    assert [c.name for c in faceted.companies] == ["Azure Experts", "Cloudsmiths"]
    assert all(c.ranking for c in faceted.companies)


def test_a_word_prefix_finds_the_whole_word():
    indexed(CompanyFactory(name="Azure Experts"), CompanyFactory(name="Amazon Builders"))

    assert search(q="azur") == ["Azure Experts"]


def test_accents_and_case_do_not_matter_either_way():
    indexed(CompanyFactory(name="Zürich Data Works"), CompanyFactory(name="Malmo Cloud"))

    assert search(q="ZURICH") == ["Zürich Data Works"]
    assert search(q="zürich") == ["Zürich Data Works"]
    assert search(q="Malmö") == ["Malmo Cloud"]


def test_every_word_must_match():
    indexed(
        CompanyFactory(name="Azure Security Partners"),
        CompanyFactory(name="Azure Data Partners"),
    )

    assert search(q="azure secur") == ["Azure Security Partners"]


def test_competencies_tags_and_public_offerings_are_searchable():
    by_competency = CompanyFactory(name="Alpha")
    CompanyCompetencyFactory(company=by_competency, competency=CompetencyFactory(name="Kubernetes"))
    by_tag = CompanyFactory(name="Beta")
    by_tag.tags.add("terraform")
    by_offering = CompanyFactory(name="Gamma")
    OfferingFactory(company=by_offering, name="Lakehouse Accelerator")
    indexed(by_competency, by_tag, by_offering)

    assert search(q="kubernetes") == ["Alpha"]
    assert search(q="terraform") == ["Beta"]
    assert search(q="lakehouse") == ["Gamma"]


def test_a_verification_past_its_expiry_no_longer_makes_the_company_found_by_it():
    # Still VERIFIED until the nightly task flips it, but it no longer counts (the claims rule).
    company = CompanyFactory(name="Alpha")
    CompanyCompetencyFactory(
        company=company,
        competency=CompetencyFactory(name="Kubernetes"),
        verified=True,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    indexed(company)

    assert search(q="kubernetes") == []


def test_offerings_outside_the_public_group_never_match_a_search():
    company = CompanyFactory(name="Quiet Co", offerings_visibility=Visibility.MEMBERS)
    OfferingFactory(company=company, name="Secret Sauce Platform")
    indexed(company)

    assert search(q="sauce") == []
    assert search(UserFactory(is_staff=True), q="sauce") == []


def test_the_words_a_search_matched_are_marked_in_names_and_descriptions(client):
    indexed(
        CompanyFactory(name="R&D <Azure> Zürich", description="Azure landing zones for banks."),
        CompanyFactory(name="Quiet Co", description="We run AzureAD and Azurite labs."),
    )

    page = client.get(URL, {"q": "azur zurich"}).text
    plain = client.get(URL).text

    assert "R&amp;D &lt;<mark>Azure</mark>&gt; <mark>Zürich</mark>" in page
    assert "<mark>Azure</mark> landing zones for banks." in page
    assert "Quiet Co" not in page  # it lacks "zurich"
    assert "<mark>" not in plain


def test_query_syntax_in_the_search_box_is_just_text(client):
    indexed(CompanyFactory(name="Azure Experts"))

    response = client.get(URL, {"q": "azure & | ! ( ) ':* <-> \\ \""})

    assert response.status_code == 200
    assert "<mark>Azure</mark> Experts" in response.text


def test_a_search_of_punctuation_only_finds_nothing(client):
    indexed(CompanyFactory(name="Azure Experts"))

    response = client.get(URL, {"q": "!!! ..."})

    assert response.status_code == 200
    assert "No partners match" in response.text


def test_renamed_company_is_found_by_its_new_name_after_reindex():
    company = CompanyFactory(name="Old Name Ltd")
    indexed(company)
    company.name = "Fresh Horizons"
    company.save()

    assert search(q="fresh") == []
    indexed(company)
    assert search(q="fresh") == ["Fresh Horizons"]


def test_reindex_touches_only_the_companies_named_and_reports_how_many_changed():
    first = CompanyFactory(name="First Light")
    CompanyFactory(name="Second Wind")

    assert company_search_reindex(company_ids=[first.pk]) == 1
    assert company_search_reindex(company_ids=[]) == 0
    assert search(q="light") == ["First Light"]
    assert search(q="wind") == []
    assert company_search_reindex() == 1  # First Light's vector was already right
    assert search(q="wind") == ["Second Wind"]


# -- filters and facets ------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    """Three companies: A (DE, gold, azure verified, banking), B (FR, certified, azure
    self-declared + data verified, retail), C (DE, registered, serves FR, no claims)."""
    azure = CompetencyFactory(name="Azure", slug="azure")
    data = CompetencyFactory(name="Data", slug="data")
    banking = IndustryFactory(name="Banking", slug="banking")
    retail = IndustryFactory(name="Retail", slug="retail")
    a = CompanyFactory(name="A", hq_country="DE", tier=Tier.GOLD)
    b = CompanyFactory(name="B", hq_country="FR", tier=Tier.CERTIFIED)
    c = CompanyFactory(name="C", hq_country="DE", tier=Tier.REGISTERED)
    CompanyCountryFactory(company=c, country="FR")
    CompanyCompetencyFactory(company=a, competency=azure, verified=True)
    CompanyCompetencyFactory(company=b, competency=azure)
    CompanyCompetencyFactory(company=b, competency=data, verified=True)
    a.industries.add(banking)
    b.industries.add(retail)
    indexed(a, b, c)
    return {"a": a, "b": b, "c": c}


def test_without_filters_facets_count_every_company(catalogue):
    result = company_search(viewer=None, params=search_params_clean({}))

    assert result.count == 3
    assert facet(result, "competency") == {"azure": 2, "data": 1}
    assert facet(result, "industry") == {"banking": 1, "retail": 1}
    assert facet(result, "country") == {"DE": 2, "FR": 2}
    assert facet(result, "tier") == {"gold": 1, "certified": 1, "registered": 1}


def test_competency_filter_keeps_companies_claiming_any_of_the_ticked_ones(catalogue):
    assert search(competency=["azure"]) == ["A", "B"]
    assert search(competency=["data"]) == ["B"]
    assert search(competency=["azure", "data"]) == ["A", "B"]


def test_verified_only_ignores_self_declared_and_expired_claims(catalogue):
    expired = CompanyFactory(name="D")
    CompanyCompetencyFactory(
        company=expired,
        competency=CompanyCompetency.objects.first().competency,
        verified=True,
        expires_at=timezone.now() - timedelta(days=1),
    )
    facet_cache_invalidate()

    result = company_search(
        viewer=None, params=search_params_clean({"competency": "azure", "verified": "1"})
    )

    assert [c.name for c in result.companies] == ["A"]
    assert facet(result, "competency") == {"azure": 1, "data": 1}
    assert search(competency=["azure"]) == ["A", "B", "D"]


def test_industry_filter_and_its_facet(catalogue):
    result = company_search(viewer=None, params=search_params_clean({"industry": "retail"}))

    assert [c.name for c in result.companies] == ["B"]
    assert facet(result, "industry") == {"banking": 1, "retail": 1}
    assert facet(result, "tier") == {"gold": 0, "certified": 1, "registered": 0}


def test_country_filter_matches_headquarters_and_served_countries(catalogue):
    assert search(country=["FR"]) == ["B", "C"]
    assert search(country=["de"]) == ["A", "C"]


def test_served_countries_follow_the_details_visibility(catalogue):
    catalogue["c"].details_visibility = Visibility.MEMBERS
    catalogue["c"].save()
    facet_cache_invalidate()

    visitor = company_search(viewer=None, params=search_params_clean({"country": "FR"}))
    member = company_search(viewer=UserFactory(), params=search_params_clean({"country": "FR"}))

    assert [c.name for c in visitor.companies] == ["B"]
    assert facet(visitor, "country") == {"DE": 2, "FR": 1}
    assert [c.name for c in member.companies] == ["B", "C"]
    assert facet(member, "country") == {"DE": 2, "FR": 2}


@pytest.mark.parametrize(
    "extra",
    [{"q": "partner"}, {"industry": ["banking", "retail"]}],
    ids=["with words", "with a second facet"],
)
def test_served_countries_follow_the_details_visibility_beside_other_filters(catalogue, extra):
    # With words the filters read the facet rows (one array per audience), with a second facet
    # the link tables: the same rule as the country filter alone either way.
    for company in catalogue.values():
        company.description = "A partner."
        company.save()
    catalogue["c"].details_visibility = Visibility.MEMBERS
    catalogue["c"].save()
    catalogue["c"].industries.add(*Industry.objects.all())
    indexed(*catalogue.values())
    params = search_params_clean({"country": "FR", **extra})

    visitor = company_search(viewer=None, params=params)
    member = company_search(viewer=UserFactory(), params=params)
    staff = company_search(viewer=UserFactory(is_staff=True), params=params)

    assert [c.name for c in visitor.companies] == ["B"]
    assert [c.name for c in member.companies] == ["B", "C"]
    assert [c.name for c in staff.companies] == ["B", "C"]


def test_tier_filter_keeps_the_counts_of_the_other_tiers(catalogue):
    result = company_search(viewer=None, params=search_params_clean({"tier": "gold"}))

    assert [c.name for c in result.companies] == ["A"]
    assert result.count == 1
    assert facet(result, "tier") == {"gold": 1, "certified": 1, "registered": 1}


def test_each_facet_counts_under_the_other_active_filters(catalogue):
    result = company_search(
        viewer=None, params=search_params_clean({"country": "DE", "competency": "azure"})
    )

    assert [c.name for c in result.companies] == ["A"]
    # Competency counts apply the country filter but not the competency filter itself...
    assert facet(result, "competency") == {"azure": 1}
    # ...and country counts apply the competency filter but not the country filter.
    assert facet(result, "country") == {"DE": 1, "FR": 1}
    assert facet(result, "tier") == {"gold": 1, "certified": 0, "registered": 0}


def test_free_text_narrows_the_facet_counts(catalogue):
    catalogue["b"].name = "Bravo Analytics"
    catalogue["b"].save()
    indexed(catalogue["b"])

    result = company_search(viewer=None, params=search_params_clean({"q": "analytics"}))

    assert facet(result, "competency") == {"azure": 1, "data": 1}
    assert facet(result, "country") == {"FR": 1}


def test_facet_counts_are_cached_until_invalidated(catalogue):
    assert facet(company_search(viewer=None, params=search_params_clean({})), "tier")["gold"] == 1
    CompanyFactory(name="E", tier=Tier.GOLD)

    assert facet(company_search(viewer=None, params=search_params_clean({})), "tier")["gold"] == 1
    facet_cache_invalidate()
    assert facet(company_search(viewer=None, params=search_params_clean({})), "tier")["gold"] == 2


def test_cached_facet_labels_are_in_the_readers_language(catalogue):
    """Counts cached for a reader of one language are read by readers of every other."""
    facet_cache_invalidate()
    with translation.override("fr"):
        french = company_search(viewer=None, params=search_params_clean({}))
    with translation.override("en"):
        english = company_search(viewer=None, params=search_params_clean({}))

    def labels(result, name):
        return {value.value: value.label for value in result.facets[name]}

    assert english.facets_key.split(":")[:-1] == french.facets_key.split(":")[:-1]  # one entry
    assert labels(french, "country")["DE"] == "Allemagne"
    assert labels(french, "tier")["certified"] == "Certifié"
    assert labels(english, "country")["DE"] == "Germany"
    assert labels(english, "tier")["certified"] == "Certified"


# -- selective filters without words --------------------------------------------------------


@pytest.fixture
def mixed():
    """70 companies in DE or FR (some of FR serving DE, half of those behind members-only
    details), with and without Azure, in retail or not, rated or not, of every tier."""
    azure = CompetencyFactory(name="Azure", slug="azure")
    retail = IndustryFactory(name="Retail", slug="retail")
    now = timezone.now()
    tiers = [Tier.REGISTERED, Tier.CERTIFIED, Tier.GOLD]
    for n in range(70):
        company = CompanyFactory(
            name=f"Partner {(n * 37) % 70:02}",
            hq_country="FR" if n % 3 == 0 else "DE",
            tier=tiers[n % 3 if n % 2 else (n // 2) % 3],
            rating_average=(n % 5) + 1 if n % 4 else None,
            created_at=now - timedelta(minutes=(n * 11) % 70),
            details_visibility=Visibility.MEMBERS if n % 6 == 0 else Visibility.PUBLIC,
        )
        if n % 3 == 0 and n % 2 == 0:
            CompanyCountryFactory(company=company, country="DE")
        if n % 2 or n % 5 == 0:
            CompanyCompetencyFactory(company=company, competency=azure, verified=n % 4 != 1)
        if n % 5 < 3:
            company.industries.add(retail)
    indexed()


@pytest.mark.parametrize("sort", ["rating", "name", "newest"])
@pytest.mark.parametrize(
    "params",
    [
        {"competency": "azure", "country": "DE"},
        {"competency": "azure", "verified": "1"},
        {"industry": "retail"},
    ],
    ids=["competency and country", "verified competency", "industry"],
)
def test_a_selective_search_lists_the_same_pages_however_its_page_is_found(
    mixed, monkeypatch, sort, params
):
    # Up to COLLECT_LIMIT matches a search without words finds its page among them on the
    # facet rows; above it, by walking a sort index (bounded, else collecting them after all):
    # the same companies in the same order.
    member, staff = UserFactory(), UserFactory(is_staff=True)

    def pages() -> list[list[str]]:
        facet_cache_invalidate()
        return [
            search(viewer, **params, sort=sort, page=page)
            for viewer in (None, member, staff)
            for page in (1, 2)
        ]

    # A large table: walking to the few matches would be longer than collecting them.
    monkeypatch.setattr("directory.selectors.search.ordering.table_rows", lambda cursor: 1e6)
    collected = pages()
    monkeypatch.setattr("directory.selectors.search.ordering.COLLECT_LIMIT", 0)
    monkeypatch.setattr("directory.selectors.search.ordering.table_rows", lambda cursor: -1)
    walked = pages()
    # A walk cut short (as when a filter correlates with the order) collects the matches.
    monkeypatch.setattr("directory.selectors.search.ordering.table_rows", lambda cursor: 1e6)
    monkeypatch.setattr("directory.selectors.search.ordering.WALK_MARGIN", 0)
    cut_short = pages()

    assert collected == walked == cut_short
    assert len(collected[0]) == 20
    assert collected[1]  # a second page
    # Served countries behind members-only details count for staff, not for visitors.
    more_for_staff = len(collected[4] + collected[5]) > len(collected[0] + collected[1])
    assert more_for_staff == ("country" in params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the facet values' index")
@pytest.mark.parametrize("sort", ["", "rating", "name", "newest"])
@pytest.mark.parametrize("params", [{"industry": "retail"}, {"country": "DE"}, {"country": "FR"}])
def test_one_industry_or_country_lists_the_same_pages_from_its_sorted_values(
    mixed, monkeypatch, sort, params
):
    # In a large directory one industry or one country alone is counted and paged from the
    # facet values' index (migration 0013): the same companies in the same order, the same
    # count, each audience seeing the served countries it may see.
    member, staff = UserFactory(), UserFactory(is_staff=True)

    def pages() -> tuple[list, list[str]]:
        listed, statements = [], []
        for viewer in (None, member, staff):
            for page in (1, 2):
                facet_cache_invalidate()
                with CaptureQueriesContext(connection) as queries:
                    result = company_search(
                        viewer=viewer,
                        params=search_params_clean({**params, "sort": sort, "page": page}),
                    )
                listed.append(
                    (result.count, result.count_approximate, [c.name for c in result.companies])
                )
                statements += [query["sql"] for query in queries]
        return listed, statements

    exact, exact_sql = pages()
    monkeypatch.setattr("directory.selectors.search.facet_sql.FACET_EXACT_LIMIT", -10)
    monkeypatch.setattr("directory.selectors.search.facet_sql._sample_percent", lambda rows: 100)
    from_values, values_sql = pages()

    assert from_values == exact
    assert not any("directory_search_facet_values" in sql for sql in exact_sql)
    assert any("directory_search_facet_values" in sql for sql in values_sql)
    assert len(values_sql) <= len(exact_sql)
    counts = [count for count, _, _ in exact[::2]]  # visitor, member, staff
    assert counts[0] > 20 and not any(approximate for _, approximate, _ in exact)
    # Served countries behind members-only details count for members and staff only.
    assert (counts[1] > counts[0]) == (params == {"country": "DE"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the facet rows' indexes")
def test_words_with_filters_rank_the_same_pages_whichever_index_finds_them(mixed, monkeypatch):
    # Words matching far more companies than the filters leave are checked on the filters'
    # candidates instead of gathered from the words' index: the same companies, same order.
    def pages() -> list[list[str]]:
        facet_cache_invalidate()
        return [
            search(None, q="partner", competency="azure", country="DE", page=page)
            for page in (1, 2)
        ]

    through_the_words = pages()
    monkeypatch.setattr("directory.selectors.search.ordering.WORD_INDEX_RATIO", 0)
    monkeypatch.setattr("directory.selectors.search.ordering.WORD_INDEX_MIN_CANDIDATES", 0)
    through_the_filters = pages()

    assert through_the_words == through_the_filters
    assert len(through_the_words[0]) == 20 and through_the_words[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the facet rows are PostgreSQL's")
@pytest.mark.parametrize(
    ("count", "end", "collects"),
    [(10_000, 20, False), (300, 20, True), (10_000, 2_000, True), (10_001, 2_000, False)],
    ids=["many matches, first page", "few matches", "many matches, deep page", "too many to count"],
)
def test_a_page_is_collected_from_the_facet_rows_only_when_a_walk_would_be_longer(
    db, monkeypatch, count, end, collects
):
    # 100,000 companies: a first page of 10,000 matches is 200 companies into a sort index.
    from directory.selectors.search.ordering import collects_matches
    from directory.selectors.search.params import SearchParams

    monkeypatch.setattr("directory.selectors.search.ordering.table_rows", lambda cursor: 1e5)
    params = SearchParams(country=("DE",))

    chosen = collects_matches(params=params, terms=[], count=count, exact=True, end=end)

    assert chosen == collects


@pytest.mark.parametrize("companies", [1, 50])
def test_a_facet_search_without_words_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, companies
):
    competency = CompetencyFactory(slug="azure")
    for company in CompanyFactory.create_batch(companies, tier=Tier.GOLD):
        CompanyCompetencyFactory(company=company, competency=competency, verified=True)
    indexed()

    # Cold facet cache: the competency, the counts with their labels, the page's ids, rows,
    # their verified competencies. SQLite counts each facet in a query of its own: 3 more.
    with django_assert_max_num_queries(6 if connection.vendor == "postgresql" else 9):
        response = client.get(URL, {"competency": "azure", "country": "DE", "tier": "gold"})

    assert len(response.context["result"].companies) == min(companies, 20)


# -- sorting and paging ------------------------------------------------------------------------


@pytest.fixture
def rated():
    now = timezone.now()
    CompanyFactory(name="Mid", rating_average=3, rating_count=2, created_at=now - timedelta(2))
    CompanyFactory(name="Unrated", created_at=now)
    CompanyFactory(name="Top", rating_average=5, rating_count=1, created_at=now - timedelta(3))
    CompanyFactory(name="Another", rating_average=3, rating_count=9, created_at=now - timedelta(1))


def test_sort_by_rating_puts_unrated_last_and_breaks_ties_by_name(rated):
    assert search(sort="rating") == ["Top", "Another", "Mid", "Unrated"]


def test_without_a_query_relevance_orders_by_rating(rated):
    assert search() == ["Top", "Another", "Mid", "Unrated"]


def test_sort_by_name_and_newest(rated):
    assert search(sort="name") == ["Another", "Mid", "Top", "Unrated"]
    assert search(sort="newest") == ["Unrated", "Another", "Mid", "Top"]


def test_pages_hold_twenty_results_and_link_to_each_other(client):
    CompanyFactory.create_batch(45)

    last = client.get(URL, {"sort": "name", "page": 3})
    first = client.get(URL, {"sort": "name"})

    assert last.status_code == 200
    assert len(last.context["result"].companies) == 5
    assert "41–45 of 45 partners" in last.text
    assert 'rel="prev" href="?sort=name&amp;page=2"' in last.text
    assert 'rel="next" href="?sort=name&amp;page=2"' in first.text


# -- the page ----------------------------------------------------------------------------------


def test_a_result_card_shows_what_a_visitor_needs_to_choose(client):
    company = CompanyFactory(
        name="Nordic Cloud", hq_country="SE", tier=Tier.GOLD, rating_average=4.5, rating_count=12
    )
    CompanyCompetencyFactory(
        company=company, competency=CompetencyFactory(name="Security"), verified=True
    )
    CompanyCompetencyFactory(company=company, competency=CompetencyFactory(name="Hearsay"))

    response = client.get(URL)

    card = response.text.split('class="company-card"', 1)[1]
    assert f'href="{company.get_absolute_url()}">Nordic Cloud</a>' in card
    assert '<span class="badge badge-gold">Gold</span>' in card
    assert "Sweden" in card
    assert "★ 4.5" in card and "(12 reviews)" in card
    assert "Security" in card
    assert "Hearsay" not in card
    assert 'company-card-initials" aria-hidden="true">N</span>' in card


def test_the_page_offers_facets_as_checkboxes_with_counts(client, catalogue):
    response = client.get(URL, {"competency": "azure"})

    assert response.status_code == 200
    assert (
        '<input type="checkbox" form="directory-search" name="competency" value="azure" '
        'id="facet-competency-azure" checked>'
    ) in response.text
    assert '<span class="facet-count">2</span>' in response.text


def test_an_empty_result_suggests_removing_each_filter(client, catalogue):
    response = client.get(URL, {"q": "nothing-like-this", "tier": "gold", "country": "FR"})

    assert response.status_code == 200
    assert "No partners match" in response.text
    assert (
        '<a href="?country=FR&amp;tier=gold">Without Words: nothing-like-this</a>' in response.text
    )
    assert "?q=nothing-like-this&amp;tier=gold" in response.text
    assert "?q=nothing-like-this&amp;country=FR" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "cheapest"}, ERROR_SORT),
        ({"page": "abc"}, ERROR_PAGE),
        ({"page": "0"}, ERROR_PAGE),
        ({"tier": "platinum"}, ERROR_TIER),
        ({"country": "ZZZ"}, ERROR_COUNTRY),
        ({"competency": "no-such-thing"}, ERROR_COMPETENCY),
        ({"verified": "yes"}, ERROR_VERIFIED),
    ],
)
def test_bad_parameters_answer_400_with_the_reason(client, params, message):
    CompanyFactory()

    response = client.get(URL, params)

    assert response.status_code == 400
    assert message in response.text
    assert "Start a new search" in response.text


def test_page_shows_one_h1_a_labelled_search_box_and_no_inline_styles(client, catalogue):
    response = client.get(URL)

    assert response.text.count("<h1") == 1
    assert '<label for="id_q">Search partners</label>' in response.text
    assert 'role="search"' in response.text
    assert "style=" not in response.text


@pytest.mark.parametrize("companies", [1, 50])
def test_the_page_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, companies
):
    competency = CompetencyFactory(slug="azure")
    for company in CompanyFactory.create_batch(companies, hq_country="DE"):
        CompanyCompetencyFactory(company=company, competency=competency, verified=True)
    indexed()

    # Cold facet cache: vocabulary check, the facet estimate, counts with their labels, the
    # spelling check (few results), the page's ids with their ranking reasons, rows, competencies.
    # SQLite counts each facet in a query of its own and reads the rows with the ORM: 4 more.
    with django_assert_max_num_queries(8 if connection.vendor == "postgresql" else 12):
        response = client.get(URL, {"q": "partner", "competency": "azure", "country": "DE"})

    assert response.status_code == 200
    assert len(response.context["result"].companies) == min(companies, 20)


@name_first_on_postgresql
@pytest.mark.parametrize("companies", [2, 50])
def test_a_search_matching_very_many_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, monkeypatch, companies
):
    monkeypatch.setattr("directory.selectors.search.ordering.RANK_ALL_LIMIT", 1)
    CompanyFactory.create_batch(companies, description="Azure partner.")
    indexed()

    # Facet estimate and counts; the walk by rating for the pool of candidates (and the name
    # index when the walk is too short to be sure), the pool ranked with its reasons; the rest
    # of a short page name-first with their reasons; rows, competencies.
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": "azure"})

    assert response.context["result"].name_first
    assert len(response.context["result"].companies) == min(companies, 20)


def test_a_repeated_search_reads_facets_from_the_cache(client, catalogue):
    client.get(URL, {"country": "DE"})

    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"country": "DE"})

    # The page's ids, then its rows with their verified competencies (one query on PostgreSQL).
    assert len(queries) == (2 if connection.vendor == "postgresql" else 3)


SQLITE_SMOKE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyFactory
CompanyFactory(name="Azure Experts", hq_country="DE")
CompanyFactory(name="Paris Data", hq_country="FR", description="Azure analytics")
assert company_search_reindex() == 2
page = Client().get("/directory/", {"q": "AZUR"})
api = Client().get("/api/v1/partners/", {"q": "azur", "country": "FR"}).json()
print(page.status_code, page.text.index("Azure</mark> Experts") < page.text.index("Paris Data"))
print([r["name"] for r in api["results"]], api["facets"]["country"][0]["count"])
"""


@pytest.mark.django_db(databases=[])
def test_on_the_embedded_sqlite_default_search_still_works(tmp_path):
    from tests.portal.test_settings import run_python

    result = run_python(["-c", SQLITE_SMOKE], {"VAR_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["200 True", "['Paris Data'] 1"]
