"""Edits made in the Django admin (the back office) reach search as the portal's own pages' do."""

import lxml.html
import pytest

from directory.facet_cache import facet_cache_invalidate
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyCompetencyFactory, CompanyFactory, CompetencyFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def renamed_in_admin(back_office, django_capture_on_commit_callbacks):
    """Sends the admin's change form at ``url`` back as a browser does, with a new name, and
    runs what waits for the commit."""

    def rename(url: str, name: str) -> None:
        page = lxml.html.fromstring(back_office.get(url).content)
        form = next(f for f in page.forms if (f.get("id") or "").endswith("_form"))
        data: dict[str, list[str]] = {}
        for field, value in form.form_values():
            data.setdefault(field, []).append(value)
        data["name"] = [name]
        with django_capture_on_commit_callbacks(execute=True):
            response = back_office.post(url, data)
        assert response.status_code == 302

    return rename


def found(q: str) -> list[str]:
    facet_cache_invalidate()
    result = company_search(viewer=None, params=search_params_clean({"q": q}))
    return [company.name for company in result.companies]


def test_a_company_renamed_in_the_admin_is_found_by_its_new_name(renamed_in_admin):
    company = CompanyFactory(name="Old Name")
    company_search_reindex(company_ids=[company.pk])

    renamed_in_admin(f"/admin/directory/company/{company.pk}/change/", "Stratocumulus Analytics")

    assert found("stratocumulus") == ["Stratocumulus Analytics"]


def test_a_competency_renamed_in_the_admin_finds_its_claimants_by_the_new_name(renamed_in_admin):
    competency = CompetencyFactory(name="Kubernetes")
    company = CompanyFactory(name="Pods Inc")
    CompanyCompetencyFactory(company=company, competency=competency)
    company_search_reindex(company_ids=[company.pk])

    renamed_in_admin(
        f"/admin/directory/competency/{competency.pk}/change/", "Container Orchestration"
    )

    assert found("orchestration") == ["Pods Inc"]
    assert found("kubernetes") == []
