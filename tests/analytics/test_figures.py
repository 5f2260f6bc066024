"""Every /analytics/ figure equals a count made by hand on the dataset of conftest.py."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.forms import AnalyticsFilterForm
from analytics.rollup import deal_rollup_refresh
from analytics.selectors import dashboard
from tests.analytics.conftest import RANGE

pytestmark = pytest.mark.django_db
URL = reverse("analytics:index")


@pytest.fixture(autouse=True, params=["live", "rollup"])
def deal_figures_from(request, world):
    """Every figure holds whether deal figures are counted live or read from the rollup."""
    if request.param == "rollup":
        deal_rollup_refresh()
    return request.param


def figures_for(**params):
    form = AnalyticsFilterForm({**RANGE, **params})
    assert form.is_valid(), form.errors
    return dashboard(filters=form.filters())


def funnel_of(board) -> dict:
    return {row.metric.key: (row.total, row.per_period) for row in board.funnel.rows}


def test_funnel_totals_and_months_match_the_hand_count(world):
    funnel = funnel_of(figures_for())
    assert funnel == {
        "active_members": (3, [2, 2, 1]),
        "requests": (2, [1, 1, 0]),
        "responses": (3, [2, 1, 0]),
        "collaborations": (4, [2, 1, 1]),
        "referrals": (2, [1, 0, 1]),
        "registrations": (5, [1, 2, 2]),
        "approved": (4, [1, 2, 1]),
        "won": (3, [0, 1, 2]),
        "won_value": (Decimal("12000"), [0, Decimal("10000"), Decimal("2000")]),
    }


def test_won_value_takes_one_currency_at_a_time(world):
    funnel = funnel_of(figures_for(currency="EUR"))
    assert funnel["won_value"] == (Decimal("7000"), [0, 0, Decimal("7000")])
    assert funnel["won"][0] == 3  # counts are not split by currency


def test_periods_by_quarter_and_week(world):
    assert funnel_of(figures_for(period="quarter"))["registrations"] == (5, [5])
    weekly = figures_for(period="week")
    assert weekly.funnel.labels[0] == "Week of 29 Dec 2025"
    assert sum(funnel_of(weekly)["registrations"][1]) == 5


def test_country_filter(world):
    funnel = funnel_of(figures_for(country="FR"))
    totals = {key: total for key, (total, _) in funnel.items()}
    assert totals == {
        "active_members": 1,
        "requests": 1,
        "responses": 1,
        "collaborations": 1,
        "referrals": 1,
        "registrations": 1,
        "approved": 1,
        "won": 0,
        "won_value": 0,
    }


def test_competency_filter_marks_figures_it_does_not_apply_to(world):
    totals = {
        key: total for key, (total, _) in funnel_of(figures_for(competency="kubernetes")).items()
    }
    assert totals == {
        "active_members": None,
        "requests": 2,
        "responses": 3,
        "collaborations": 3,
        "referrals": None,
        "registrations": 1,
        "approved": 1,
        "won": 1,
        "won_value": Decimal("10000"),
    }


def test_breakdown_by_country(world):
    board = figures_for(breakdown="country")
    rows = dict(board.breakdown.rows)
    assert rows["Germany (DE)"] == [1, 1, 2, 3, 1, 4, 3, 3, Decimal("12000")]
    assert rows["France (FR)"] == [1, 1, 1, 1, 1, 1, 1, 0, 0]
    assert rows["Unknown"] == [1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_breakdown_by_tier_group_and_competency(world):
    tiers = dict(figures_for(breakdown="tier").breakdown.rows)
    assert tiers["Gold"][1:6] == [1, 1, 1, 0, 2]  # Alpha: R1; answered R2; D1 and D4
    assert tiers["Certified"][5] == 2  # Gamma: D3 and the rejected D6
    groups = dict(figures_for(breakdown="group").breakdown.rows)
    assert groups["Cloud"][:3] == [2, 1, 2]  # u1 and u4; R1; Beta's and Gamma's answers
    assert groups["Data"][:3] == [1, 1, 1]
    competencies = dict(figures_for(breakdown="competency").breakdown.rows)
    assert competencies["Kubernetes"][0] is None  # active members have no competency
    assert competencies["Kubernetes"][1:3] == [2, 3]
    assert competencies["Snowflake"][1:3] == [1, 1]
    # Deal figures (registrations, approved, won, won value in USD): D1 names Kubernetes; D2,
    # D3, D4 and D6 name no competency; no registration was opened from a thread.
    assert competencies["Kubernetes"][5:] == [1, 1, 1, Decimal("10000")]
    assert competencies["Snowflake"][5:] == [0, 0, 0, 0]
    assert competencies["Unknown"][5:] == [4, 3, 2, Decimal("2000")]
    assert groups["Unknown"][5:] == [5, 4, 3, Decimal("12000")]
    assert groups["Cloud"][5:] == [0, 0, 0, 0]


def test_response_times(world):
    times = figures_for().response_times
    assert (times.requests, times.answered) == (2, 2)
    assert times.median_first_response == timedelta(hours=26, minutes=30)  # of 5 h and 48 h


def test_moderation_health(world):
    health = figures_for().moderation
    assert (health.items, health.approved, health.rejected) == (4, 2, 1)
    assert (health.escalated, health.waiting) == (1, 1)
    assert health.escalated_share == 0.25
    assert health.median_wait == timedelta(hours=4)
    cloud = figures_for(group="cloud").moderation
    assert (cloud.items, cloud.median_wait, cloud.escalated_share) == (2, timedelta(hours=6), 0.5)
    assert figures_for(country="DE").moderation is None


def test_revenue_sourced_influenced_and_referrals(world):
    revenue = figures_for().revenue
    series = {key: values for key, _, values in revenue.series}
    assert series == {
        "sourced": [0, Decimal("10000"), 0],
        "influenced": [0, 0, Decimal("2000")],
        "other": [0, 0, 0],
        "referrals": [0, Decimal("1000"), 0],
    }
    assert revenue.total == Decimal("13000")


def test_page_shows_the_figures_and_the_chart_says_them_in_words(staff_client, world):
    page = staff_client.get(URL, RANGE).content.decode()
    assert 'data-figure="registrations">5<' in page
    assert 'data-figure="won_value">$12,000<' in page
    assert 'data-figure="median_first_response">26.5 hours<' in page
    assert 'data-figure="escalated_share">25%<' in page
    assert '<desc id="funnel-chart-desc">Active members: 3; Find-a-partner requests: 2;' in page
    assert "Sourced by the community" in page


def test_csv_export_has_the_same_figures(staff_client, world):
    response = staff_client.get(reverse("analytics:export", args=["funnel"]), RANGE)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Figure", "Total", "Jan 2026", "Feb 2026", "Mar 2026"]
    assert ["Deal registrations", "5", "1", "2", "2"] in rows
    revenue = list(
        csv.reader(
            io.StringIO(
                staff_client.get(
                    reverse("analytics:export", args=["revenue"]), RANGE
                ).content.decode()
            )
        )
    )
    assert revenue[1][:2] == ["Sourced by the community", "10000.00"]


def test_csv_cells_that_look_like_formulas_are_neutralised(staff_client, world):
    world.cloud.name = '=HYPERLINK("http://evil")'
    world.cloud.save()
    response = staff_client.get(
        reverse("analytics:export", args=["breakdown"]), {**RANGE, "breakdown": "group"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert '\'=HYPERLINK("http://evil")' in [row[0] for row in rows]


@pytest.mark.parametrize(
    ("language", "won", "median", "share", "week"),
    [
        ("de", "12.000\u00a0$", "26,5 Stunden", "25\u00a0%", "Woche vom 29. Dezember 2025"),
        ("fr", "12\u202f000\u00a0$US", "26,5 heures", "25\u00a0%", "Semaine du 29 décembre 2025"),
        ("ja", "$12,000", "26.5時間", "25%", "2025年12月29日の週"),
    ],
)
def test_the_dashboard_reads_in_the_viewers_language_and_number_format(
    staff_client, world, language, won, median, share, week
):
    page = staff_client.get(
        URL, {**RANGE, "period": "week"}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert f'data-figure="won_value">{won}<' in page
    assert f'data-figure="median_first_response">{median}<' in page
    assert f'data-figure="escalated_share">{share}<' in page
    assert week in page
    assert "Week of" not in page and " hours<" not in page


def test_the_scoring_rules_form_reads_in_german(staff_client):
    page = staff_client.get(reverse("analytics:rules"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Punkte für Gold" in page
    assert "Aktivitätszeitraum in Tagen" in page
    assert "Points a company needs" not in page
