"""Program staff curate companies: verify and expire competencies, set tiers; all audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from directory.models import CompanyCompetency, Tier, VerificationLog
from directory.services.companies import (
    EXPIRY_IN_PAST,
    competency_claims_expire_due,
    competency_verify,
)
from directory.tasks import competency_claims_expire
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompanyMembershipFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def curate_url(company) -> str:
    return reverse("directory:curate", args=[company.slug])


@pytest.mark.parametrize("who", ["visitor", "member", "company admin"])
def test_curation_page_is_404_for_everyone_but_staff(client, who):
    company = CompanyFactory()
    claim = CompanyCompetencyFactory(company=company)
    if who == "member":
        client.force_login(UserFactory())
    elif who == "company admin":
        client.force_login(CompanyMembershipFactory(company=company, admin=True).user)
    assert client.get(curate_url(company)).status_code == 404
    response = client.post(curate_url(company), {"action": "verify", "claim": claim.pk})
    assert response.status_code == 404
    response = client.post(curate_url(company), {"action": "tier", "tier": "gold"})
    assert response.status_code == 404
    claim.refresh_from_db()
    company.refresh_from_db()
    assert claim.status == CompanyCompetency.Status.SELF_DECLARED
    assert company.tier == Tier.REGISTERED
    assert not VerificationLog.objects.exists()


def test_staff_verify_a_competency_with_an_expiry_and_it_is_audited(staff_client, staff):
    company = CompanyFactory()
    claim = CompanyCompetencyFactory(company=company, competency__name="SAP on Azure")
    day = (timezone.now() + timedelta(days=365)).date()
    response = staff_client.post(
        curate_url(company), {"action": "verify", "claim": claim.pk, "expires_at": day.isoformat()}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == CompanyCompetency.Status.VERIFIED
    assert claim.verified_by == staff
    assert claim.expires_at.date() == day
    log = VerificationLog.objects.get(company=company)
    assert log.actor == staff
    assert log.action == VerificationLog.Action.COMPETENCY_VERIFIED
    assert "SAP on Azure" in log.detail


def test_verification_cannot_expire_in_the_past(staff):
    claim = CompanyCompetencyFactory()
    with pytest.raises(ValidationError) as error:
        competency_verify(claim=claim, staff=staff, expires_at=timezone.now() - timedelta(days=1))
    assert EXPIRY_IN_PAST in error.value.messages
    assert not VerificationLog.objects.exists()


def test_staff_expire_and_revoke_verified_claims(staff_client):
    company = CompanyFactory()
    first = CompanyCompetencyFactory(company=company, verified=True)
    second = CompanyCompetencyFactory(company=company, verified=True)
    staff_client.post(curate_url(company), {"action": "expire", "claim": first.pk})
    staff_client.post(curate_url(company), {"action": "revoke", "claim": second.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CompanyCompetency.Status.EXPIRED
    assert second.status == CompanyCompetency.Status.SELF_DECLARED
    assert second.verified_at is None
    assert set(VerificationLog.objects.values_list("action", flat=True)) == {
        VerificationLog.Action.COMPETENCY_EXPIRED,
        VerificationLog.Action.COMPETENCY_REVOKED,
    }


def test_staff_cannot_act_on_another_companys_claim_through_this_page(staff_client):
    company = CompanyFactory()
    foreign = CompanyCompetencyFactory()
    staff_client.post(curate_url(company), {"action": "verify", "claim": foreign.pk})
    foreign.refresh_from_db()
    assert foreign.status == CompanyCompetency.Status.SELF_DECLARED


def test_staff_set_the_tier_and_it_is_audited(staff_client, staff):
    company = CompanyFactory()
    staff_client.post(curate_url(company), {"action": "tier", "tier": "gold"})
    company.refresh_from_db()
    assert company.tier == Tier.GOLD
    log = VerificationLog.objects.get(company=company)
    assert (log.actor, log.action, log.detail) == (
        staff,
        VerificationLog.Action.TIER_CHANGED,
        "Registered → Gold",
    )


def test_an_unknown_tier_is_refused(staff_client):
    company = CompanyFactory()
    response = staff_client.post(
        curate_url(company), {"action": "tier", "tier": "platinum"}, follow=True
    )
    company.refresh_from_db()
    assert company.tier == Tier.REGISTERED
    assert "Select a valid choice" in response.content.decode()


def test_curation_page_shows_claims_and_the_audit_log(staff_client):
    company = CompanyFactory()
    CompanyCompetencyFactory(company=company, competency__name="Cloud Security")
    staff_client.post(curate_url(company), {"action": "tier", "tier": "certified"})
    html = staff_client.get(curate_url(company)).content.decode()
    assert "Cloud Security" in html
    assert "Registered → Certified" in html


def test_expiry_task_marks_verified_claims_past_their_date_expired():
    now = timezone.now()
    past = CompanyCompetencyFactory(verified=True, expires_at=now - timedelta(hours=1))
    future = CompanyCompetencyFactory(verified=True, expires_at=now + timedelta(days=3))
    forever = CompanyCompetencyFactory(verified=True, expires_at=None)
    assert competency_claims_expire.delay().get() == 1
    for claim in (past, future, forever):
        claim.refresh_from_db()
    assert past.status == CompanyCompetency.Status.EXPIRED
    assert future.status == forever.status == CompanyCompetency.Status.VERIFIED
    log = VerificationLog.objects.get()
    assert log.actor is None
    assert log.company == past.company
    # Running it again changes nothing more.
    assert competency_claims_expire_due() == 0
    assert VerificationLog.objects.count() == 1
