import pytest
from faker import Faker

from collaboration.models import Collaboration, FindPartnerRequest, Referral
from collaboration.seeding import seed_collaboration
from tests.collaboration.factories import person_of
from tests.directory.factories import CompanyCompetencyFactory, CompanyFactory, CompetencyFactory
from tests.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_seeding_does_nothing_without_companies_and_groups():
    counts = seed_collaboration(faker=Faker(), progress=lambda done, total: None)
    assert counts == {"requests": 0, "collaborations": 0, "referrals": 0}


def test_seeding_creates_requests_answered_by_fitting_companies(mailoutbox):
    GroupFactory()
    competency = CompetencyFactory()
    for _ in range(4):
        company = CompanyFactory()
        person_of(company, admin=True)
        CompanyCompetencyFactory(company=company, competency=competency)
    faker = Faker()
    faker.seed_instance(7)
    counts = seed_collaboration(faker=faker, progress=lambda done, total: None, requests=5)
    assert counts["requests"] == FindPartnerRequest.objects.count() == 5
    assert counts["collaborations"] == Collaboration.objects.count() >= 1
    assert counts["referrals"] == Referral.objects.count()
    assert mailoutbox == []  # demo data does not mail the seeded admins
