"""Which competency claims count: one rule, in CompanyCompetency.objects, for every caller."""

from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import Company, CompanyCompetency
from tests.directory.factories import CompanyCompetencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    now = timezone.now()
    return {
        "self_declared": CompanyCompetencyFactory(),
        "verified": CompanyCompetencyFactory(verified=True),
        "verified_until_next_year": CompanyCompetencyFactory(
            verified=True, expires_at=now + timedelta(days=365)
        ),
        # Past its expiry, but the nightly task has not flipped it to expired yet.
        "verified_past_expiry": CompanyCompetencyFactory(
            verified=True, expires_at=now - timedelta(minutes=1)
        ),
        "expired": CompanyCompetencyFactory(
            status=CompanyCompetency.Status.EXPIRED, expires_at=now - timedelta(days=3)
        ),
    }


def _names(queryset, claims) -> set[str]:
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, claim in claims.items() if claim.pk in ids}


def test_verified_claims_are_those_verified_and_not_past_their_expiry(claims):
    assert _names(CompanyCompetency.objects.verified(), claims) == {
        "verified",
        "verified_until_next_year",
    }


def test_live_claims_add_self_declared_ones_and_drop_every_expired_one(claims):
    assert _names(CompanyCompetency.objects.live(), claims) == {
        "self_declared",
        "verified",
        "verified_until_next_year",
    }


def test_the_in_memory_flags_agree_with_the_queries(claims):
    for claim in claims.values():
        claim.refresh_from_db()
    assert {name for name, claim in claims.items() if claim.is_verified} == _names(
        CompanyCompetency.objects.verified(), claims
    )
    assert {name for name, claim in claims.items() if claim.is_live} == _names(
        CompanyCompetency.objects.live(), claims
    )


def test_the_conditions_reach_claims_through_the_company(claims):
    companies = Company.objects.filter(
        CompanyCompetency.objects.verified_condition("competency_claims__")
    )
    assert set(companies.values_list("pk", flat=True)) == {
        claims["verified"].company_id,
        claims["verified_until_next_year"].company_id,
    }
