"""Program staff and company admins must enrol in two-factor authentication before anything
else; everyone else may, from their profile."""

import pytest
from django.urls import reverse

from portal.mfa import ENROLMENT_REQUIRED
from tests.directory.factories import CompanyMembershipFactory
from tests.factories import UserFactory
from tests.portal.mfa_helpers import sign_in_with_password

pytestmark = pytest.mark.django_db

ENROL_URL = reverse("mfa_index")
# A page of every part of the portal, the Django admin and the API.
GUARDED_PATHS = [
    "/",
    "/moderation/",
    "/admin/",
    "/admin/portal/user/",
    "/directory/",
    "/groups/",
    "/collaborate/",
    "/digest/preview/",
    "/accounts/profile/",
    "/accounts/password/change/",
]
API_PATHS = ["/api/v1/partners/", "/api/schema/"]


@pytest.fixture
def unenrolled_staff(db):
    return UserFactory(is_staff=True, mfa_enrolled=False)


@pytest.fixture
def unenrolled_company_admin(db):
    return CompanyMembershipFactory(admin=True, admin_mfa_enrolled=False).user


@pytest.mark.parametrize("path", GUARDED_PATHS)
def test_staff_without_two_factor_are_sent_to_enrol_from_any_page(client, unenrolled_staff, path):
    client.force_login(unenrolled_staff)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == ENROL_URL


@pytest.mark.parametrize("path", API_PATHS)
def test_the_api_refuses_staff_without_two_factor_with_the_reason_in_json(
    client, unenrolled_staff, path
):
    client.force_login(unenrolled_staff)

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Ihre Rolle im Portal erfordert die Zwei-Faktor-Authentifizierung. "
        "Richten Sie eine Authenticator-App oder einen Sicherheitsschlüssel ein, um fortzufahren.",
        "enrol_url": ENROL_URL,
    }


@pytest.mark.parametrize("path", GUARDED_PATHS)
def test_company_admins_without_two_factor_are_sent_to_enrol_too(
    client, unenrolled_company_admin, path
):
    client.force_login(unenrolled_company_admin)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == ENROL_URL


def test_staff_are_sent_to_enrol_right_after_signing_in_with_their_password(
    client, unenrolled_staff
):
    sign_in_with_password(client, unenrolled_staff)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1] == (ENROL_URL, 302)
    assert ENROLMENT_REQUIRED in response.text


def test_a_form_posted_before_enrolling_changes_nothing(client, unenrolled_staff):
    client.force_login(unenrolled_staff)

    response = client.post(
        reverse("profile"), {"display_name": "Changed", "job_title": "", "time_zone": "UTC"}
    )

    assert response["Location"] == ENROL_URL
    unenrolled_staff.refresh_from_db()
    assert unenrolled_staff.display_name != "Changed"


def test_the_enrolment_pages_sign_out_and_health_stay_reachable(client, unenrolled_staff):
    client.force_login(unenrolled_staff)

    index = client.get(ENROL_URL)
    # Setting up asks for the password again first (the session is not fresh), then the app.
    activate = client.get(reverse("mfa_activate_totp"))
    reauthenticate = client.get(activate["Location"])

    assert index.status_code == 200
    assert ENROLMENT_REQUIRED in index.text
    assert activate["Location"].startswith(reverse("account_reauthenticate"))
    assert reauthenticate.status_code == 200
    add_key = client.get(reverse("mfa_add_webauthn"))
    assert add_key["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_ordinary_member_is_not_asked_to_enrol(client, member):
    client.force_login(member)

    home = client.get("/")
    settings_page = client.get(ENROL_URL)

    assert home.status_code == 200
    assert ENROLMENT_REQUIRED not in home.text
    assert settings_page.status_code == 200
    assert ENROLMENT_REQUIRED not in settings_page.text


def test_a_member_asking_to_join_a_company_as_admin_is_not_yet_asked(client):
    pending = CompanyMembershipFactory(admin=True, status="requested").user
    client.force_login(pending)

    assert client.get("/").status_code == 200


def test_the_profile_and_dashboard_link_to_two_factor_settings(client, member):
    client.force_login(member)

    for page in (reverse("profile"), reverse("home")):
        assert f'href="{ENROL_URL}"' in client.get(page).text


def test_staff_dashboard_links_to_two_factor_settings(staff_client):
    assert f'href="{ENROL_URL}"' in staff_client.get(reverse("home")).text


def test_enrolled_staff_reach_every_page(staff_client):
    assert staff_client.get("/admin/").status_code == 200
    assert staff_client.get("/directory/").status_code == 200


def test_the_required_roles_come_from_the_setting(client, settings, unenrolled_staff):
    settings.MFA_REQUIRED_ROLES = ["company_admin"]
    client.force_login(unenrolled_staff)

    assert client.get("/admin/").status_code == 200


def test_with_no_required_roles_two_factor_is_optional_for_everyone(
    client, settings, unenrolled_company_admin
):
    settings.MFA_REQUIRED_ROLES = []
    client.force_login(unenrolled_company_admin)

    assert client.get("/").status_code == 200


def test_an_unknown_role_in_the_setting_fails_the_system_check(settings):
    from portal.mfa import check_required_roles_are_known

    settings.MFA_REQUIRED_ROLES = ["staff", "moderator"]

    (error,) = check_required_roles_are_known(None)
    assert error.id == "portal.E001"
    assert "moderator" in error.msg


def test_the_check_costs_one_query_per_signed_in_request(client, member, django_assert_num_queries):
    from portal.mfa import mfa_enrolment_required

    with django_assert_num_queries(1):
        assert mfa_enrolment_required(member) is False
