"""Best match, rule by rule: each rule of the published ranking moves a company up, and each
result says why it is where it is. Companies that should lose are named to come first by name,
so only the rule under test can put the winner ahead."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from directory.facet_cache import facet_cache_invalidate
from directory.models import Company, CompanyCompetency, Tier, Visibility
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.selectors.search.ranking import LABELS, ranking_weights
from directory.services.search_index import company_search_reindex
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompetencyFactory,
    OfferingFactory,
)

pytestmark = pytest.mark.django_db
# The test lets a verification lapse without a write by switching PostgreSQL's triggers off.
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="session_replication_role is PostgreSQL's"
)
PLAIN = "Plain words."
# A facet filter every company here passes (the factory's headquarters are in Germany): with
# one, a search with words is ranked on the facet rows, without on the companies.
FILTERS: dict = {}


@pytest.fixture(autouse=True, params=[{}, {"country": ["DE"]}], ids=["", "with a facet filter"])
def facet_filter(request, monkeypatch):
    monkeypatch.setattr(f"{__name__}.FILTERS", request.param)


def ranked(q: str, **params) -> list[str]:
    company_search_reindex()
    facet_cache_invalidate()
    result = company_search(viewer=None, params=search_params_clean({"q": q, **FILTERS, **params}))
    return [card.name for card in result.companies]


def reasons(q: str) -> dict[str, dict[str, float]]:
    company_search_reindex()
    facet_cache_invalidate()
    result = company_search(viewer=None, params=search_params_clean({"q": q, **FILTERS}))
    return {
        card.name: {reason.rule: reason.points for reason in card.ranking.reasons}
        for card in result.companies
    }


def test_a_name_match_outranks_a_verified_competency():
    zeppelin = CompetencyFactory(name="Zeppelin")
    loser = CompanyFactory(name="A Airships", description=PLAIN)
    CompanyCompetencyFactory(company=loser, competency=zeppelin, verified=True)
    CompanyFactory(name="B Zeppelin Works", description=PLAIN)

    assert ranked("zeppelin") == ["B Zeppelin Works", "A Airships"]


def test_a_verified_competency_outranks_a_self_declared_one():
    zeppelin = CompetencyFactory(name="Zeppelin")
    CompanyCompetencyFactory(
        company=CompanyFactory(name="A Self", description=PLAIN), competency=zeppelin
    )
    CompanyCompetencyFactory(
        company=CompanyFactory(name="B Verified", description=PLAIN),
        competency=zeppelin,
        verified=True,
    )

    assert ranked("zeppelin") == ["B Verified", "A Self"]
    assert reasons("zeppelin")["B Verified"]["verified_competency"] == 30
    assert "verified_competency" not in reasons("zeppelin")["A Self"]
    assert reasons("zeppelin")["A Self"]["competency"] == 20


def test_a_competency_or_tag_outranks_a_public_offering():
    OfferingFactory(company=CompanyFactory(name="A Offers", description=PLAIN), name="Zeppelin")
    tagged = CompanyFactory(name="B Tagged", description=PLAIN)
    tagged.tags.add("zeppelin")

    assert ranked("zeppelin") == ["B Tagged", "A Offers"]


def test_a_public_offering_outranks_a_description():
    CompanyFactory(name="A Describes", description="We fly a zeppelin.")
    OfferingFactory(
        company=CompanyFactory(
            name="B Offers", description=PLAIN, offerings_visibility=Visibility.PUBLIC
        ),
        name="Zeppelin tours",
    )

    assert ranked("zeppelin") == ["B Offers", "A Describes"]


def test_a_higher_tier_outranks_a_lower_one():
    CompanyFactory(name="A Zeppelin", tier=Tier.REGISTERED)
    CompanyFactory(name="B Zeppelin", tier=Tier.CERTIFIED)
    CompanyFactory(name="C Zeppelin", tier=Tier.GOLD)

    assert ranked("zeppelin") == ["C Zeppelin", "B Zeppelin", "A Zeppelin"]


def test_a_higher_rating_outranks_a_lower_one_in_proportion():
    CompanyFactory(name="A Zeppelin", rating_average=2, rating_count=1)
    CompanyFactory(name="B Zeppelin", rating_average=5, rating_count=1)

    assert ranked("zeppelin") == ["B Zeppelin", "A Zeppelin"]
    assert reasons("zeppelin")["B Zeppelin"]["rating"] == 15
    assert reasons("zeppelin")["A Zeppelin"]["rating"] == 6


def test_a_more_complete_profile_outranks_a_less_complete_one():
    CompanyFactory(name="A Zeppelin", profile_completeness=20)
    CompanyFactory(name="B Zeppelin", profile_completeness=90)

    assert ranked("zeppelin") == ["B Zeppelin", "A Zeppelin"]
    assert reasons("zeppelin")["B Zeppelin"]["completeness"] == 9


def test_a_profile_completed_later_moves_up():
    first = CompanyFactory(name="A Zeppelin", profile_completeness=20)
    CompanyFactory(name="B Zeppelin", profile_completeness=50)
    assert ranked("zeppelin") == ["B Zeppelin", "A Zeppelin"]

    Company.objects.filter(pk=first.pk).update(profile_completeness=90)

    assert ranked("zeppelin") == ["A Zeppelin", "B Zeppelin"]


@on_postgresql
def test_a_verification_that_lapsed_without_a_write_earns_self_declared_points():
    zeppelin = CompetencyFactory(name="Zeppelin")
    company = CompanyFactory(name="Airships", description=PLAIN)
    claim = CompanyCompetencyFactory(
        company=company,
        competency=zeppelin,
        verified=True,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert "verified_competency" in reasons("zeppelin")["Airships"]

    # Time passes: the expiry is now behind us, and nothing has written since.
    past = timezone.now() - timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers
        CompanyCompetency.objects.filter(pk=claim.pk).update(expires_at=past)
        cursor.execute(
            "UPDATE directory_search_facets SET verified_until = %s WHERE company_id = %s",
            [past, company.pk],
        )
        cursor.execute("SET session_replication_role = origin")

    # Its stored words still hold the competency (nothing reindexed it): it still matches,
    # with the points of a self-declared one.
    facet_cache_invalidate()
    params = search_params_clean({"q": "zeppelin", **FILTERS})
    (card,) = company_search(viewer=None, params=params).companies
    assert {reason.rule: reason.points for reason in card.ranking.reasons} == {
        "competency": 20,
        "tier": 0,
        "rating": 0,
        "completeness": 0,
    }


def test_a_field_earns_its_points_once_however_many_words_it_holds():
    CompanyFactory(name="A Zeppelin Zeppelin", description=PLAIN)
    CompanyFactory(name="B Zeppelin", description=PLAIN, profile_completeness=10)

    # Two words in one name earn no more than one: completeness decides.
    assert ranked("zeppelin") == ["B Zeppelin", "A Zeppelin Zeppelin"]


def test_staff_tuned_weights_change_the_order(settings):
    CompanyFactory(name="A Zeppelin", description=PLAIN)
    CompanyFactory(name="B Other", description="All about the zeppelin.")
    assert ranked("zeppelin") == ["A Zeppelin", "B Other"]

    settings.DIRECTORY_RANKING = {**settings.DIRECTORY_RANKING, "description": 100}

    assert ranked("zeppelin") == ["B Other", "A Zeppelin"]
    assert reasons("zeppelin")["B Other"]["description"] == 100


def test_the_reasons_add_up_to_the_score_and_name_each_rule():
    CompanyFactory(
        name="Zeppelin Air", description=PLAIN, tier=Tier.GOLD, rating_average=4, rating_count=2
    )
    company_search_reindex()
    result = company_search(viewer=None, params=search_params_clean({"q": "zeppelin"}))

    (card,) = result.companies
    assert card.ranking.score == sum(reason.points for reason in card.ranking.reasons)
    assert [r.rule for r in card.ranking.reasons] == ["name", "tier", "rating", "completeness"]
    assert card.ranking.reasons[0].label == LABELS["name"]


def test_other_sort_orders_and_searches_without_words_carry_no_points():
    CompanyFactory(name="Zeppelin Air")
    company_search_reindex()

    for params in ({}, {"q": "zeppelin", "sort": "name"}):
        result = company_search(viewer=None, params=search_params_clean(params))
        assert result.companies[0].ranking is None


@pytest.mark.parametrize(
    "weights",
    [{"name": 40}, {**{"name": -1}}, {"nonsense": 1}],
    ids=["missing rules", "negative", "unknown rule"],
)
def test_weights_that_make_no_sense_are_refused(settings, weights):
    base = dict(settings.DIRECTORY_RANKING)
    settings.DIRECTORY_RANKING = (
        {**base, **weights} if "nonsense" in weights or -1 in weights.values() else weights
    )

    with pytest.raises(ImproperlyConfigured):
        ranking_weights()


def test_the_page_explains_each_result_and_links_the_rules(client):
    CompanyFactory(name="Zeppelin Air", tier=Tier.GOLD)
    company_search_reindex()

    page = client.get("/directory/", {"q": "zeppelin"}).content.decode()

    assert "Why here?" in page
    assert LABELS["name"] in page and "Gold tier" in page
    assert 'href="/directory/about/ranking/"' in page


def test_the_rules_page_states_every_rule_with_todays_weight(client, settings):
    settings.DIRECTORY_RANKING = {**settings.DIRECTORY_RANKING, "name": 55}

    page = client.get("/directory/about/ranking/").content.decode()

    assert "How the directory ranks partners" in page
    for label in LABELS.values():
        assert label in page
    assert "<td>55</td>" in page


@pytest.mark.django_db(databases=[])
def test_staff_can_change_some_weights_from_the_environment():
    from tests.portal.test_settings import run_python

    done = run_python(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " r = settings.DIRECTORY_RANKING; print(r['name'], r['tier'], r['rating'])",
        ],
        env={"DIRECTORY_RANKING": '{"name": 50, "tier": {"gold": 20}}'},
    )

    assert done.stdout.split("\n")[0] == ("50 {'gold': 20, 'certified': 6, 'registered': 0} 3"), (
        done.stderr
    )


@pytest.mark.parametrize(
    ("language", "tier", "rating", "complete", "why"),
    [
        (
            "de",
            "Stufe Gold",
            "Bewertet mit 4,5 von 5",
            "Profil zu 80\u00a0% vollständig",
            "Warum hier?",
        ),
        ("fr", "Niveau Or", "Noté 4,5 sur 5", "Profil complet à 80\u00a0%", "Pourquoi ici ?"),
        ("ja", "ティア：ゴールド", "評価 4.5 / 5", "プロフィール完成度 80%", "この順位の理由"),
    ],
)
def test_why_here_reads_in_the_viewers_language_with_local_numbers(
    client, language, tier, rating, complete, why
):
    CompanyFactory(
        name="Zeppelin Air",
        tier=Tier.GOLD,
        rating_average=4.5,
        rating_count=2,
        profile_completeness=80,
    )
    company_search_reindex()

    page = client.get("/directory/", {"q": "zeppelin"}, HTTP_ACCEPT_LANGUAGE=language)
    api = client.get("/api/v1/partners/", {"q": "zeppelin"}, HTTP_ACCEPT_LANGUAGE=language).json()

    text = page.content.decode()
    for label in (tier, rating, complete, why):
        assert label in text
    assert "Gold tier" not in text and LABELS["name"] not in text
    reasons = {r["rule"]: r for r in api["results"][0]["ranking"]["reasons"]}
    assert reasons["tier"]["label"] == tier and reasons["tier"]["values"] == {"tier": "gold"}
    assert reasons["rating"]["label"] == rating and reasons["rating"]["values"] == {"rating": 4.5}
    assert reasons["completeness"]["values"] == {"percent": 80}


def test_the_rules_page_reads_in_german_with_german_numbers(client, settings):
    settings.DIRECTORY_RANKING = {**settings.DIRECTORY_RANKING, "rating": 2.5}

    page = client.get("/directory/about/ranking/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<td>2,5</td>" in page
    assert "Gold: 12" in page
    assert LABELS["name"] not in page
