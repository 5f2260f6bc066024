from dataclasses import dataclass
from decimal import Decimal

import pytest

from deals import services
from directory.models import Company, Competency
from tests.collaboration.factories import person_of
from tests.directory.factories import CompanyFactory, CompetencyFactory


@dataclass
class World:
    """Two partner companies with a person each (A's is its admin), and a competency."""

    a: Company
    b: Company
    a_person: object
    a_admin: object
    b_person: object
    competency: Competency


@pytest.fixture
def world(db) -> World:
    a = CompanyFactory(name="Alpha Partners")
    b = CompanyFactory(name="Bravo Solutions")
    return World(
        a=a,
        b=b,
        a_person=person_of(a, display_name="Ann Alpha"),
        a_admin=person_of(a, admin=True, display_name="Adam Admin"),
        b_person=person_of(b, display_name="Ben Bravo"),
        competency=CompetencyFactory(name="Cloud Migration", slug="cloud-migration"),
    )


@pytest.fixture
def draft_for(world):
    """``draft_for(company, person, **fields)``: a draft through the service, as a user makes it."""

    def make(company=None, person=None, **fields):
        values = {
            "customer_name": "Acme Inc",
            "customer_domain": "acme.co.uk",
            "country": "GB",
            "competencies": [world.competency],
            "value": Decimal("120000"),
            "currency": "EUR",
        }
        values.update(fields)
        return services.deal_create(
            company=company or world.a, created_by=person or world.a_person, **values
        )

    return make
