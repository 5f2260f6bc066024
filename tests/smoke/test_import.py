"""The CSV import works on every database the portal runs on: streamed by COPY on PostgreSQL,
collected and saved with the ORM's bulk statements on SQLite (the embedded default)."""

import pytest

from directory.models import Company
from directory.services.importing import companies_import
from tests.directory.factories import CompetencyFactory, IndustryFactory

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]
API = "/api/v1/partners/"
HEADER = "slug,name,hq_country,competencies,industries,countries_served,tags,tier"


@pytest.fixture(autouse=True)
def vocabulary():
    CompetencyFactory(name="Kubernetes", slug="kubernetes")
    CompetencyFactory(name="Identity", slug="identity")
    IndustryFactory(name="Retail", slug="retail")


def _counts(client, facet: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in client.get(API).json()["facets"][facet]}


def _import(*rows: str):
    return companies_import(data="\n".join([HEADER, *rows]) + "\n")


def test_imported_companies_are_searchable_and_counted_and_an_update_replaces_their_lists(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(
            "acme-cloud,Acme Cloud,DE,kubernetes,retail,AT,ops,gold",
            "beta-data,Beta Data,FR,kubernetes;identity,,,,",
        )
    assert (report.ok, report.created) == (True, 2)
    found = client.get(API, {"q": "Acme"}).json()
    assert [item["slug"] for item in found["results"]] == ["acme-cloud"]
    assert _counts(client, "competency") == {"kubernetes": 2, "identity": 1}

    with django_capture_on_commit_callbacks(execute=True):
        report = _import("acme-cloud,Acme Cloud,DE,identity,,FR,,")
    assert (report.created, report.updated) == (0, 1)
    assert _counts(client, "competency") == {"kubernetes": 1, "identity": 2}
    assert _counts(client, "country") == {"DE": 1, "FR": 2}


def test_a_bad_row_saves_nothing():
    report = _import("good-co,Good Co,DE,kubernetes,,,,", "bad-co,Bad Co,XX,,,,,")
    assert [(error.row, error.column) for error in report.errors] == [(3, "hq_country")]
    assert not Company.objects.exists()
