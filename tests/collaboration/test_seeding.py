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


def test_seeding_shows_every_kind_of_referral_invitation():
    """Waiting, reminded, escalated to staff, accepted, declined (with a reason), won, lost."""
    GroupFactory()
    competency = CompetencyFactory()
    for _ in range(5):
        company = CompanyFactory()
        person_of(company, admin=True)
        CompanyCompetencyFactory(company=company, competency=competency)
    faker = Faker()
    faker.seed_instance(11)
    seed_collaboration(faker=faker, progress=lambda done, total: None, requests=12)
    referrals = Referral.objects.all()
    assert set(referrals.values_list("status", flat=True)) == set(Referral.Status.values)
    pending = referrals.filter(status=Referral.Status.PROPOSED)
    assert pending.filter(reminded_at__isnull=True, escalated_at__isnull=True).exists()
    assert pending.filter(reminded_at__isnull=False, escalated_at__isnull=True).exists()
    assert pending.filter(escalated_at__isnull=False).exists()
    assert not referrals.filter(status="declined", decline_reason="").exists()
    assert not referrals.filter(customer_name="").exists()


def test_a_small_demo_still_shows_every_kind_of_referral():
    GroupFactory()
    competency = CompetencyFactory()
    for _ in range(2):
        company = CompanyFactory()
        person_of(company, admin=True)
        CompanyCompetencyFactory(company=company, competency=competency)
    faker = Faker()
    faker.seed_instance(3)
    seed_collaboration(faker=faker, progress=lambda done, total: None, requests=1)
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Referral.Status.values)
    assert Referral.objects.filter(status="proposed", escalated_at__isnull=False).exists()
