"""Domain errors raised below the views answer as a visitor expects: 404 or 403, never 500."""

import pytest
from django.urls import path
from rest_framework.decorators import api_view

from portal import urls as portal_urls
from portal.errors import NotFound, NotPermitted


def _raises(error):
    def view(request):
        raise error

    return view


@api_view(["GET"])
def api_not_found(request):
    raise NotFound("No such partner.")


handler404 = "portal.views.page_not_found"

urlpatterns = [
    path("not-found/", _raises(NotFound("No such group."))),
    path("not-permitted/", _raises(NotPermitted("Only the group's moderators may do this."))),
    path("api/not-found/", api_not_found),
    *portal_urls.urlpatterns,  # the error pages link to the portal's own pages
]


@pytest.mark.urls(__name__)
def test_not_found_from_a_selector_answers_404_with_the_portal_page(client):
    response = client.get("/not-found/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.urls(__name__)
def test_not_permitted_answers_403(client):
    assert client.get("/not-permitted/").status_code == 403


@pytest.mark.urls(__name__)
def test_the_api_answers_a_domain_error_as_json(client):
    response = client.get("/api/not-found/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such partner."}
