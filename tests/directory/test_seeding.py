"""Demo companies: realistic and related."""

import pytest
from faker import Faker

from directory.models import (
    Company,
    CompanyCompetency,
    CompanyMembership,
    Competency,
    Industry,
    Review,
)
from directory.seeding import seed_companies
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _faker() -> Faker:
    faker = Faker()
    faker.seed_instance(7)
    return faker


def test_seed_companies_makes_realistic_related_companies():
    UserFactory(is_staff=True)
    members = UserFactory.create_batch(12)
    seen = []
    made = seed_companies(
        count=30,
        faker=_faker(),
        progress=lambda d, t: seen.append((d, t)),
        members=members,
        batch_size=10,
    )
    assert made == Company.objects.count() == 30
    assert seen == [(10, 30), (20, 30), (30, 30)]
    assert Competency.objects.count() >= 30 and Industry.objects.count() >= 15
    assert CompanyCompetency.objects.filter(status="verified").exists()
    assert CompanyCompetency.objects.filter(status="self_declared").exists()
    for company in Company.objects.all():
        assert company.countries.filter(is_headquarters=True, country=company.hq_country).exists()
        assert company.competency_claims.exists()
        assert company.industries.exists()
        assert 0 < company.profile_completeness <= 100
        approved = list(company.reviews.filter(status="approved").values_list("rating", flat=True))
        assert company.rating_count == len(approved)
    assert Review.objects.exists()
    assert CompanyMembership.objects.filter(role="admin").exists()
    # Nobody reviews their own company.
    for membership in CompanyMembership.objects.all():
        assert not Review.objects.filter(
            company=membership.company, author=membership.user
        ).exists()


def test_slugs_stay_unique_when_seeding_twice():
    seed_companies(count=20, faker=_faker(), progress=lambda d, t: None, members=[])
    seed_companies(count=20, faker=_faker(), progress=lambda d, t: None, members=[])
    assert Company.objects.values("slug").distinct().count() == 40
