"""Partner scorecards: figures, points and the gap to the next tier; the nightly proposals;
staff apply a tier change with one click (audited, emailed); the rules page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import services
from analytics.models import ScorecardRules, ScorecardSnapshot, TierProposal
from collaboration.models import Referral, ReferralEvent
from deals.models import DealStatus
from directory.models import CompanyCompetency, CompanyMembership, Review, Tier, VerificationLog
from groups.models import HelpfulVote
from tests.collaboration.factories import CollaborationFactory, ReferralFactory
from tests.deals.factories import DealRegistrationFactory
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    ReviewFactory,
)
from tests.factories import UserFactory
from tests.groups.factories import ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _won_deal(company, value, closed_at):
    return DealRegistrationFactory(
        company=company,
        status=DealStatus.WON,
        submitted_at=closed_at - timedelta(days=10),
        approved_at=closed_at - timedelta(days=9),
        protected_until=closed_at + timedelta(days=80),
        closed_at=closed_at,
        value=Decimal(value),
        currency="USD",
    )


@pytest.fixture
def busy():
    """A company whose figures are counted by hand below."""
    now = timezone.now()
    company = CompanyFactory(name="Busy Partner", tier=Tier.REGISTERED)
    admin = UserFactory(email="admin@busy.example")
    CompanyMembershipFactory(company=company, user=admin, role=CompanyMembership.Role.ADMIN)
    # Won value: a registration of 20,000 and a referral of 5,000 (old ones do not count).
    _won_deal(company, "20000", now - timedelta(days=30))
    _won_deal(company, "90000", now - timedelta(days=400))
    referral = ReferralFactory(
        from_company=company, status=Referral.Status.WON, value=Decimal("5000"), currency="USD"
    )
    ReferralEvent.objects.create(referral=referral, to_status=Referral.Status.WON)
    # Approved registrations: the won one approved 39 days ago, plus one approved last week.
    DealRegistrationFactory(
        company=company,
        status=DealStatus.APPROVED,
        submitted_at=now - timedelta(days=8),
        approved_at=now - timedelta(days=7),
        protected_until=now + timedelta(days=83),
        value=Decimal("1"),
    )
    # Verified competencies: two (a self-declared one does not count).
    for status in ("verified", "verified", "self_declared"):
        CompanyCompetencyFactory(
            company=company, status=status, verified_at=now if status == "verified" else None
        )
    # Reviews: two approved, one pending.
    for status in (Review.Status.APPROVED, Review.Status.APPROVED, Review.Status.PENDING):
        ReviewFactory(company=company, status=status)
    # Accepted answers: one; helpful votes on the company's posts: three.
    thread = ThreadFactory()
    answer = ReplyFactory(thread=thread, author=admin, author_company=company)
    thread.accepted_reply = answer
    thread.save()
    own_thread = ThreadFactory(author=admin, author_company=company)
    for post in (dict(reply=answer), dict(reply=answer), dict(thread=own_thread)):
        HelpfulVote.objects.create(user=UserFactory(), **post)
    # Answers to requests after 10 and 30 hours: median 20 hours, within the 48-hour target.
    for hours in (10, 30):
        collaboration = CollaborationFactory(responding_company=company)
        collaboration.created_at = collaboration.request.created_at + timedelta(hours=hours)
        collaboration.save()
    return company


def test_figures_and_points_match_the_hand_count(busy):
    services.scorecards_compute()
    snapshot = ScorecardSnapshot.objects.get(company=busy)
    assert snapshot.figures == {
        "won_value": 25000.0,
        "approved_registrations": 2,
        "verified_competencies": 2,
        "reviews": 2,
        "accepted_answers": 1,
        "helpful_votes": 3,
        "median_response_hours": 20.0,
    }
    # Default rules: 1 point per 10,000 won, 5 per approval, 10 per verified competency,
    # 3 per review, 4 per accepted answer, 0.5 per helpful vote, 10 for fast answers.
    assert snapshot.points == {
        "won_value": "2.50",
        "approved_registrations": "10.00",
        "verified_competencies": "20.00",
        "reviews": "6.00",
        "accepted_answers": "4.00",
        "helpful_votes": "1.50",
        "median_response_hours": "10.00",
    }
    assert snapshot.total_points == Decimal("54.00")
    assert snapshot.earned_tier == Tier.CERTIFIED


def test_the_company_sees_points_and_the_gap_to_the_next_tier(client, busy):
    services.scorecards_compute()
    client.force_login(busy.memberships.get().user)
    page = client.get(reverse("analytics:scorecard", args=[busy.slug])).content.decode()
    assert 'data-points="verified_competencies">20.00<' in page
    assert "66.00 more points to reach Gold." in page  # 120 - 54
    assert "Make Certified" not in page  # deciding is for staff


def _won_referral(*, from_company, to_company, value: str, currency: str):
    referral = ReferralFactory(
        from_company=from_company,
        to_company=to_company,
        status=Referral.Status.WON,
        value=Decimal(value),
        currency=currency,
    )
    ReferralEvent.objects.create(referral=referral, to_status=Referral.Status.WON)
    return referral


@pytest.fixture
def multi_currency():
    """Two companies that won business in three currencies, counted by hand below."""
    now = timezone.now()
    seller, partner = CompanyFactory(name="Seller"), CompanyFactory(name="Partner")
    CompanyMembershipFactory(company=seller, user=UserFactory(), role="admin")
    # Seller's registrations: USD 20,000 and EUR 30,000 + EUR 1,500 won in the window; a USD
    # 90,000 win from 400 days ago and a lost USD 50,000 do not count.
    for value, currency, days_ago in [
        ("20000", "USD", 30), ("30000", "EUR", 20), ("1500", "EUR", 5), ("90000", "USD", 400)
    ]:  # fmt: skip
        deal = _won_deal(seller, value, now - timedelta(days=days_ago))
        deal.currency = currency
        deal.save()
    DealRegistrationFactory(
        company=seller, status=DealStatus.LOST, closed_at=now, value=Decimal("50000")
    )
    # Referrals: Seller referred USD 5,000 to Partner; Partner referred GBP 2,000 to Seller.
    # Both count for both sides.
    _won_referral(from_company=seller, to_company=partner, value="5000", currency="USD")
    _won_referral(from_company=partner, to_company=seller, value="2000", currency="GBP")
    return seller, partner


def test_won_value_counts_only_the_program_currency_and_shows_the_others(multi_currency):
    seller, partner = multi_currency
    services.scorecards_compute()
    seller_card = ScorecardSnapshot.objects.get(company=seller)
    # USD 20,000 + USD 5,000; at face value across currencies it would be 58,500.
    assert seller_card.figures["won_value"] == 25000.0
    assert seller_card.figures["won_value_other"] == {"EUR": 31500.0, "GBP": 2000.0}
    assert seller_card.points["won_value"] == "2.50"  # 25,000 / 10,000, not 5.85
    partner_card = ScorecardSnapshot.objects.get(company=partner)
    assert partner_card.figures["won_value"] == 5000.0
    assert partner_card.figures["won_value_other"] == {"GBP": 2000.0}
    assert partner_card.points["won_value"] == "0.50"
    assert partner_card.total_points == Decimal("0.50")


def test_the_program_currency_is_a_setting(multi_currency, settings):
    settings.PROGRAM_CURRENCY = "EUR"
    seller, partner = multi_currency
    services.scorecards_compute()
    seller_card = ScorecardSnapshot.objects.get(company=seller)
    assert seller_card.figures["won_value"] == 31500.0
    assert seller_card.figures["won_value_other"] == {"GBP": 2000.0, "USD": 25000.0}
    assert seller_card.points["won_value"] == "3.15"
    # Partner won nothing in euros: no won-value points at all.
    partner_card = ScorecardSnapshot.objects.get(company=partner)
    assert "won_value" not in partner_card.figures
    assert partner_card.figures["won_value_other"] == {"GBP": 2000.0, "USD": 5000.0}
    assert partner_card.points["won_value"] == "0.00"


def test_the_scorecard_names_the_currency_and_lists_the_others(client, multi_currency):
    seller, _ = multi_currency
    services.scorecards_compute()
    client.force_login(seller.memberships.get().user)
    page = client.get(reverse("analytics:scorecard", args=[seller.slug])).content.decode()
    assert 'data-figure="won_value">$25,000<' in page
    assert "program currency, USD, only" in page
    assert 'data-won-other="EUR">€31,500.00<' in page
    assert 'data-won-other="GBP">£2,000.00<' in page
    csv = client.get(reverse("analytics:scorecard-export", args=[seller.slug])).content.decode()
    assert "Won value in EUR (not counted in points),31500.0," in csv
    assert "Won value in GBP (not counted in points),2000.0," in csv


def test_an_expired_verification_does_not_count(busy):
    CompanyCompetency.objects.filter(company=busy, status="verified").update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    services.scorecards_compute()
    assert "verified_competencies" not in ScorecardSnapshot.objects.get(company=busy).figures


def test_nightly_run_proposes_the_earned_tier_once(busy):
    services.scorecards_compute()
    services.scorecards_compute()  # a second run the same day replaces the first
    assert ScorecardSnapshot.objects.filter(company=busy).count() == 1
    proposal = TierProposal.objects.get(company=busy)
    assert (proposal.from_tier, proposal.to_tier, proposal.status) == (
        Tier.REGISTERED,
        Tier.CERTIFIED,
        TierProposal.Status.PENDING,
    )


def test_staff_apply_a_proposal_with_one_click_audited_and_emailed(
    staff_client, staff, busy, mailoutbox, django_capture_on_commit_callbacks
):
    services.scorecards_compute()
    proposal = TierProposal.objects.get(company=busy)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("analytics:proposal-apply", args=[proposal.pk]))
    assert response.status_code == 302
    busy.refresh_from_db()
    assert busy.tier == Tier.CERTIFIED
    log = VerificationLog.objects.get(company=busy, action=VerificationLog.Action.TIER_CHANGED)
    assert (log.actor, log.detail) == (staff, "Registered → Certified")
    assert [mail.to for mail in mailoutbox] == [["admin@busy.example"]]
    assert "from Registered to Certified" in mailoutbox[0].body
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.APPLIED and proposal.notified_at
    # A second click (or a retried email task) changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("analytics:proposal-apply", args=[proposal.pk]))
    assert services.tier_change_notify(proposal=proposal) == 0
    assert len(mailoutbox) == 1


def test_a_dismissed_proposal_is_not_proposed_again(staff_client, busy):
    services.scorecards_compute()
    proposal = TierProposal.objects.get(company=busy)
    staff_client.post(reverse("analytics:proposal-dismiss", args=[proposal.pk]))
    services.scorecards_compute()
    assert not TierProposal.objects.filter(status=TierProposal.Status.PENDING).exists()
    busy.refresh_from_db()
    assert busy.tier == Tier.REGISTERED


def test_a_proposal_that_no_longer_holds_is_superseded(busy):
    services.scorecards_compute()
    rules = ScorecardRules.current()
    rules.certified_points = 100
    rules.gold_points = 200
    rules.save()
    services.scorecards_compute()
    assert TierProposal.objects.get(company=busy).status == TierProposal.Status.SUPERSEDED


def test_staff_edit_the_rules_on_a_page(staff_client, busy):
    url = reverse("analytics:rules")
    data = {
        field: getattr(ScorecardRules.current(), field)
        for field in [
            "won_value_per_point",
            "approved_registration",
            "verified_competency",
            "review",
            "accepted_answer",
            "helpful_vote",
            "fast_response",
            "response_target_hours",
            "window_days",
            "certified_points",
            "gold_points",
        ]
    }
    refused = staff_client.post(url, {**data, "gold_points": 10})
    assert refused.status_code == 400
    assert "Gold must need more points than Certified." in refused.content.decode()
    staff_client.post(url, {**data, "verified_competency": "50"})
    assert ScorecardRules.current().verified_competency == Decimal("50")
    services.scorecards_compute()
    assert ScorecardSnapshot.objects.get(company=busy).points["verified_competencies"] == "100.00"


def test_league_table_sorts_by_a_column(staff_client, busy):
    CompanyFactory(name="Quiet Partner")
    services.scorecards_compute()
    page = staff_client.get(reverse("analytics:league")).content.decode()
    assert page.index("Busy Partner") < page.index("Quiet Partner")
    by_name = staff_client.get(reverse("analytics:league"), {"sort": "name"}).content.decode()
    assert by_name.index("Busy Partner") < by_name.index("Quiet Partner")
    assert 'aria-sort="ascending"' in by_name
    csv = staff_client.get(reverse("analytics:league-export")).content.decode()
    assert csv.splitlines()[1].startswith("Busy Partner,Registered,Certified,54.00,25000.0,2,")


def test_league_table_sorts_won_value_as_a_number(staff_client, busy):
    small = CompanyFactory(name="Small Winner")
    _won_deal(small, "9000", timezone.now() - timedelta(days=3))
    services.scorecards_compute()
    page = staff_client.get(reverse("analytics:league"), {"sort": "won_value"}).content.decode()
    assert page.index("Busy Partner") < page.index("Small Winner")  # 25,000 before 9,000


def test_league_table_pages(staff_client, busy):
    CompanyFactory.create_batch(55)
    services.scorecards_compute()
    assert "Page 1 of 2" in staff_client.get(reverse("analytics:league")).content.decode()
    assert staff_client.get(reverse("analytics:league"), {"page": 3}).status_code == 404


def test_staff_see_the_proposal_on_the_scorecard_and_the_league_table(staff_client, busy):
    services.scorecards_compute()
    card = staff_client.get(reverse("analytics:scorecard", args=[busy.slug])).content.decode()
    assert "Make Certified" in card and "Keep Registered" in card
    league = staff_client.get(reverse("analytics:league")).content.decode()
    assert "Tier changes to decide" in league and "Make Certified" in league
