"""A person of a partner company signs in through the company's identity provider in a real
browser: the portal's sign-in page, home-realm discovery, the provider's own sign-in page (a real
OpenID Connect provider process), and back into the portal, in the company."""

import pytest
from playwright.sync_api import expect

from directory.models import CompanyMembership
from portal.models import User
from tests.sso.conftest import connect_company, oidc_provider  # noqa: F401 - fixture
from tests.sso_provider.setup_provider import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_signs_in_through_their_company_identity_provider(
    page,
    live_server,
    oidc_provider,  # noqa: F811 - the fixture imported above
):
    connection = connect_company(issuer=oidc_provider.issuer)
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your company's identity provider").click()
    page.get_by_label("Work email").fill("alice@acme.example")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill("alice@acme.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/**")
    expect(page.get_by_role("link", name="Alice Acme")).to_be_visible()
    alice = User.objects.get(email="alice@acme.example")
    membership = CompanyMembership.objects.get(user=alice)
    assert membership.company == connection.company
    assert membership.status == CompanyMembership.Status.APPROVED
