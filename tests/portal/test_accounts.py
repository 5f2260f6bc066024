"""Signing up, confirming, logging in, and the member profile."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import User, time_zone_choices
from tests.factories import TEST_PASSWORD, UserFactory, mfa_secret
from tests.portal.mfa_helpers import enter_code, totp_code

SIGNUP = {
    "email": "newcomer@example.com",
    "display_name": "Ada Newcomer",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}


@pytest.fixture
def client_factory():
    return Client


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


@pytest.mark.django_db
def test_signup_sends_a_confirmation_email_and_login_waits_for_it(client, mailoutbox):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["newcomer@example.com"]
    login = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert login.headers["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_confirmation_link_confirms_signs_in_and_lands_on_the_onboarding_page(
    client, mailoutbox
):
    client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(mailoutbox[0]).replace("http://testserver", "")

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("onboarding")
    assert "Welcome, Ada Newcomer" in response.content.decode()
    assert client.session["_auth_user_id"] == str(User.objects.get(email=SIGNUP["email"]).pk)


@pytest.mark.django_db
def test_the_confirmation_link_opened_elsewhere_confirms_but_signs_nobody_in(
    client_factory, mailoutbox
):
    signup_browser, mail_scanner = client_factory(), client_factory()
    signup_browser.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(mailoutbox[0]).replace("http://testserver", "")

    mail_scanner.get(link)

    assert "_auth_user_id" not in mail_scanner.session
    assert User.objects.get(email=SIGNUP["email"]).emailaddress_set.get().verified
    response = signup_browser.post(
        reverse("account_login"),
        {"login": SIGNUP["email"], "password": SIGNUP["password1"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("onboarding")


@pytest.mark.django_db
def test_sixth_failed_login_for_one_account_is_refused(client):
    user = UserFactory()
    for _ in range(5):
        failed = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
        assert failed.status_code == 200

    refused = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, mailoutbox):
    known = UserFactory(email="known@example.com")

    for_known = client.post(reverse("account_reset_password"), {"email": known.email})
    for_unknown = client.post(reverse("account_reset_password"), {"email": "ghost@example.com"})

    assert for_known.status_code == for_unknown.status_code == 302
    assert for_known.headers["Location"] == for_unknown.headers["Location"]
    assert [m.to for m in mailoutbox] == [["known@example.com"], ["ghost@example.com"]]
    assert "reset" in mailoutbox[0].body.lower()


@pytest.mark.django_db
def test_signing_up_with_a_taken_email_looks_like_a_normal_signup(client, mailoutbox):
    UserFactory(email=SIGNUP["email"])

    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_email_verification_sent")


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_for_the_profile(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_member_edits_their_own_profile(member_client, member):
    response = member_client.post(
        reverse("profile"),
        {"display_name": "Ada Partner", "job_title": "Practice Lead", "time_zone": "Europe/Berlin"},
        follow=True,
    )

    assert "Your profile has been saved." in response.content.decode()
    member.refresh_from_db()
    assert (member.display_name, member.job_title, member.time_zone) == (
        "Ada Partner",
        "Practice Lead",
        "Europe/Berlin",
    )


@pytest.mark.django_db
def test_profile_offers_the_time_zones_by_readable_name_with_the_current_one_selected(
    member_client,
):
    page = member_client.get(reverse("profile")).content.decode()

    assert '<option value="America/New_York">United States – New York</option>' in page
    assert '<option value="UTC" selected>UTC</option>' in page


@pytest.mark.django_db
def test_a_time_zone_chosen_from_the_offered_ones_is_saved(member_client, member):
    offered = dict(time_zone_choices())
    assert "Asia/Kolkata" in offered

    member_client.post(
        reverse("profile"), {"display_name": "", "job_title": "", "time_zone": "Asia/Kolkata"}
    )

    member.refresh_from_db()
    assert member.time_zone == "Asia/Kolkata"


def test_migrations_name_the_time_zone_choices_instead_of_freezing_them():
    _, _, _, kwargs = User._meta.get_field("time_zone").deconstruct()

    assert kwargs["choices"] is time_zone_choices


@pytest.mark.django_db
def test_unknown_time_zone_is_refused_with_a_message_and_nothing_saved(member_client, member):
    response = member_client.post(
        reverse("profile"), {"display_name": "X", "job_title": "", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    member.refresh_from_db()
    assert member.time_zone == "UTC"


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "lands_on"), [(False, "/welcome/"), (True, "/")])
def test_a_first_sign_in_leads_members_to_onboarding_and_program_staff_to_their_dashboard(
    client, is_staff, lands_on
):
    from allauth.account.models import EmailAddress

    user = UserFactory(is_staff=is_staff)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    if is_staff:  # program staff have an authenticator app: the code comes next
        assert response.url == reverse("mfa_authenticate")
        response = enter_code(client, totp_code(mfa_secret(user)))
    assert response.status_code == 302
    assert response.url == lands_on
