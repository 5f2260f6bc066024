"""`/api/v1/partners/<slug>/`: one company as JSON, and its place in the OpenAPI document."""

import pytest
from django.urls import reverse

from directory.models import Visibility
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    OfferingFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def detail(client, company):
    return client.get(reverse("api-partner-detail", args=[company.slug]))


def test_visitor_gets_the_overview_and_public_groups(client):
    company = CompanyFactory(
        name="Cirrus Labs",
        tier="gold",
        offerings_visibility=Visibility.PUBLIC,
        contacts_visibility=Visibility.MEMBERS,
    )
    CompanyCompetencyFactory(company=company, competency__slug="devops", verified=True)
    OfferingFactory(company=company, name="Pipeline audit")
    ReviewFactory(company=company, status="approved", rating=5, title="Superb")
    response = detail(client, company)
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Cirrus Labs"
    assert data["tier"] == "gold"
    assert data["url"].endswith("/directory/cirrus-labs/")
    assert data["competencies"][0]["slug"] == "devops"
    assert data["competencies"][0]["status"] == "verified"
    assert data["offerings"][0]["name"] == "Pipeline audit"
    assert data["reviews"][0]["title"] == "Superb"
    assert "contacts" not in data


def test_unknown_slug_is_404_json(client):
    response = client.get("/api/v1/partners/missing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_schema_documents_the_detail_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/partners/{slug}/"]["get"]
    assert operation["operationId"] == "partners_retrieve"
    component = schema["components"]["schemas"]["PartnerDetail"]
    required = set(component["required"])
    assert {"slug", "name", "tier", "competencies"} <= required
    assert not {"details", "offerings", "contacts", "reviews"} & required
