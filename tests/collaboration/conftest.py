from dataclasses import dataclass

import pytest

from collaboration.models import FindPartnerRequest
from directory.models import Company
from groups.models import Group
from tests.collaboration.factories import FindPartnerRequestFactory, person_of
from tests.directory.factories import CompanyFactory, CompetencyFactory
from tests.groups.factories import GroupFactory, MembershipFactory


@dataclass
class World:
    """Company A asks in a public group; B could answer; C is a third company."""

    group: Group
    a: Company
    b: Company
    c: Company
    a_person: object
    b_person: object
    c_person: object
    partner_request: FindPartnerRequest


@pytest.fixture
def world(db) -> World:
    group = GroupFactory(name="Data platforms", slug="data-platforms")
    a = CompanyFactory(name="Acme Analytics")
    b = CompanyFactory(name="Bravo Consulting")
    c = CompanyFactory(name="Charlie Systems")
    a_person = person_of(a, admin=True, display_name="Alice Asker")
    b_person = person_of(b, display_name="Bob Builder")
    c_person = person_of(c, display_name="Carol Third")
    for person in (a_person, b_person, c_person):
        MembershipFactory(group=group, user=person)
    competency = CompetencyFactory(name="Data Engineering", slug="data-engineering")
    partner_request = FindPartnerRequestFactory(
        company=a,
        thread__group=group,
        thread__author=a_person,
        thread__title="Need a Snowflake partner in Germany",
        countries=["DE"],
        competencies=[competency],
    )
    return World(group, a, b, c, a_person, b_person, c_person, partner_request)
