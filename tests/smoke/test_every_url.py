"""Every page and API endpoint answers GET without a server error, for each kind of viewer, on
the demo data. Routes come from the URL configuration, so a new page is covered the day it is
added; ``make test`` runs this module on PostgreSQL and again on the embedded SQLite default."""

import pytest

from tests.smoke import urlwalk

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]

ROUTES = urlwalk.routes()


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.key)
@pytest.mark.parametrize("role", urlwalk.ROLES)
def test_every_page_answers_get_without_a_server_error(as_role, demo_values, role, route):
    client = as_role(role)

    for url in urlwalk.urls(route, demo_values):
        response = client.get(url)

        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"


def test_a_route_the_walk_cannot_fill_fails_naming_what_to_add():
    route = urlwalk.Route(
        text="groups/<slug:slug>/badges/<int:badge_id>/",
        name=None,
        params=("slug", "badge_id"),
        model_admin=None,
    )

    with pytest.raises(urlwalk.UnfilledRoute, match="no demo value for badge_id in area 'groups'"):
        urlwalk.urls(route, {"groups": {"slug": "cloud-migrations"}})


def test_the_walk_reads_every_route_from_the_url_configuration():
    texts = {route.text for route in ROUTES}

    assert {"directory/", "api/v1/partners/<slug:slug>/", "admin/"} <= texts
    assert "groups/<slug:slug>/threads/<int:thread_id>/" in texts


@pytest.mark.parametrize(("role", "path"), [("staff", "/admin/"), ("member", "/")])
def test_the_walk_reaches_pages_past_the_two_factor_requirement(as_role, role, path):
    # Staff and the demo company admin must use two-factor authentication; the walk gives them
    # an authenticator (add_rows_the_demo_lacks), else every page would only redirect to it.
    assert as_role(role).get(path).status_code == 200
