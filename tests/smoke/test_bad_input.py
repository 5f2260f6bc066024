"""Bad input never makes a server error: every route, every query parameter the views read, a
NUL byte (PostgreSQL refuses it in any string) and values of 10,000 characters. Runs on
PostgreSQL in the main suite; SQLite accepts NUL, so there it would prove less."""

import pytest

from collaboration.forms import RequestFilterForm
from directory.search_forms import CompanySearchForm
from tests.smoke import urlwalk

pytestmark = pytest.mark.django_db

# What the portal's views read from request.GET (directly or through a GET form), and what
# allauth and DRF read; a route that reads none of them just ignores them.
PARAMETERS = sorted(
    {
        *CompanySearchForm.base_fields,  # /directory/, /api/v1/partners/
        *RequestFilterForm.base_fields,  # /collaborate/
        "tag",  # /groups/
        "sort",  # a group's threads
        "page",  # every paginated list
        "escalated",  # /moderation/
        "collaboration",  # where a new referral comes from
        "request",
        "thread",
        "group",  # a new request's initial values
        "title",
        "next",  # allauth
        "format",  # DRF
    }
)
# The Django admin's own parameters: search, ordering, page, the filters to return to.
ADMIN_PARAMETERS = ("q", "o", "p", "_changelist_filters")
NUL = "cloud\x00"
OVERLONG = "x" * 10_000


def test_no_route_answers_a_server_error_to_nul_or_overlong_parameters(as_role, demo_values):
    for role in urlwalk.ROLES:
        client = as_role(role)
        for route in urlwalk.routes():
            admin = route.area == "admin"
            if admin and role != "staff":
                continue  # everyone else is sent to sign in before a parameter is read
            names = ADMIN_PARAMETERS if admin else PARAMETERS
            attempts = [dict.fromkeys(names, NUL), dict.fromkeys(names, OVERLONG)]
            if role == "member":
                # Each parameter alone too, so none hides another (a view may stop at the first
                # it cannot use); a NUL never gets that far.
                attempts += [{name: OVERLONG} for name in names]
            for url in urlwalk.urls(route, demo_values):
                for params in attempts:
                    status = client.get(url, params).status_code

                    shown = {name: value[:8] for name, value in params.items()}
                    assert status < 500, f"GET {url} {shown} as {role}: {status}"
