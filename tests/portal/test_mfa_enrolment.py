"""Setting up and removing a second factor: audited, emailed, recovery codes shown once."""

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import MfaAuditEntry
from tests.factories import UserFactory, mfa_add_security_key
from tests.portal.mfa_helpers import (
    confirm_password,
    enter_code,
    sign_in_with_password,
    totp_code,
)

pytestmark = pytest.mark.django_db
# Real commits: allauth audits (signals) and emails after commit, inside the request it needs.
committing = pytest.mark.django_db(transaction=True)

Action = MfaAuditEntry.Action
Type = Authenticator.Type


def secret_on_page(html: str) -> str:
    """The setup key as the activation page shows it to the person."""
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)


def codes_on_page(html: str) -> list[str]:
    textarea = re.search(r'<textarea id="recovery_codes"[^>]*>([^<]*)</textarea>', html)
    return textarea.group(1).split() if textarea else []


def activate_totp(client) -> str:
    secret = secret_on_page(client.get(reverse("mfa_activate_totp")).text)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.text
    return secret


@pytest.fixture
def staff_signed_in(client):
    """Unenrolled program staff, just signed in with their password (a fresh session)."""
    staff = UserFactory(is_staff=True, mfa_enrolled=False, display_name="Sam Staff")
    sign_in_with_password(client, staff)
    confirm_password(client)
    return staff


def audit(user) -> list[tuple[str, str]]:
    return list(
        MfaAuditEntry.objects.filter(user=user)
        .order_by("pk")
        .values_list("action", "authenticator_type")
    )


@committing
def test_staff_who_set_up_an_app_reach_the_portal(client, staff_signed_in):
    activate_totp(client)

    assert client.get("/admin/").status_code == 200


@committing
def test_setting_up_an_app_is_audited_and_emailed(client, staff_signed_in, mailoutbox):
    activate_totp(client)

    assert audit(staff_signed_in) == [
        (Action.ADDED, Type.TOTP),
        (Action.ADDED, Type.RECOVERY_CODES),
    ]
    entry = MfaAuditEntry.objects.filter(user=staff_signed_in).first()
    assert entry.actor == staff_signed_in
    assert entry.ip_address == "127.0.0.1"
    (message,) = mailoutbox
    assert message.to == [staff_signed_in.email]
    assert message.subject == "[Partner Portal] Authenticator App Activated"
    assert message.body.startswith("Hello Sam Staff,")
    assert "Authenticator app activated." in message.body
    assert "127.0.0.1" in message.body


@committing
def test_recovery_codes_are_shown_once_right_after_setup(client, staff_signed_in):
    activate_totp(client)

    first = client.get(reverse("mfa_view_recovery_codes"))
    again = client.get(reverse("mfa_view_recovery_codes"))

    codes = Authenticator.objects.get(user=staff_signed_in, type=Type.RECOVERY_CODES)
    assert codes_on_page(first.text) == codes.wrap().get_unused_codes()
    assert len(codes_on_page(first.text)) == 10
    assert codes_on_page(again.text) == []
    assert "They were shown once" in again.text
    for code in codes.wrap().get_unused_codes():
        assert code not in again.text
    assert client.get(reverse("mfa_download_recovery_codes")).status_code == 403


@committing
def test_new_recovery_codes_are_audited_emailed_and_shown_once(client, staff_signed_in, mailoutbox):
    activate_totp(client)
    client.get(reverse("mfa_view_recovery_codes"))
    mailoutbox.clear()

    client.post(reverse("mfa_generate_recovery_codes"))
    shown = codes_on_page(client.get(reverse("mfa_view_recovery_codes")).text)

    assert audit(staff_signed_in)[-1] == (Action.CODES_REGENERATED, Type.RECOVERY_CODES)
    assert [m.subject for m in mailoutbox] == ["[Partner Portal] New Recovery Codes Generated"]
    assert len(shown) == 10
    assert codes_on_page(client.get(reverse("mfa_view_recovery_codes")).text) == []


@committing
def test_removing_the_app_is_audited_emailed_and_staff_must_enrol_again(
    client, staff_signed_in, mailoutbox
):
    activate_totp(client)
    mailoutbox.clear()

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert audit(staff_signed_in)[-2:] == [
        (Action.REMOVED, Type.TOTP),
        (Action.REMOVED, Type.RECOVERY_CODES),
    ]
    assert [m.subject for m in mailoutbox] == ["[Partner Portal] Authenticator App Deactivated"]
    assert client.get("/admin/")["Location"] == reverse("mfa_index")


@committing
def test_a_member_may_set_up_an_app_from_the_profile(client, member, mailoutbox):
    sign_in_with_password(client, member)
    confirm_password(client)

    secret = activate_totp(client)
    client.post(reverse("account_logout"))
    sign_in_with_password(client, member)
    enter_code(client, totp_code(secret, steps=1))

    assert client.session["_auth_user_id"] == str(member.pk)
    assert audit(member)[0] == (Action.ADDED, Type.TOTP)


def test_a_wrong_code_does_not_activate_the_app(client, staff_signed_in):
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.text
    assert '<label for="id_code">' in response.text
    assert not Authenticator.objects.filter(user=staff_signed_in).exists()
    assert audit(staff_signed_in) == []


# -- staff reset (lost device) -------------------------------------------------------------


def test_staff_reset_removes_every_authenticator_audited_and_emailed(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(mfa_enrolled=True, display_name="Lee Lost")
    RecoveryCodes.activate(person)

    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "mfa_reset",
            person.email,
            by=staff.email,
            reason="Lost phone, ticket 4711",
            stdout=output,
        )

    assert not Authenticator.objects.filter(user=person).exists()
    entry = MfaAuditEntry.objects.get(user=person)
    assert (entry.action, entry.actor, entry.reason) == (
        Action.RESET_BY_STAFF,
        staff,
        "Lost phone, ticket 4711",
    )
    assert f"Reset two-factor authentication of {person.email}: 2 authenticator(s)" in (
        output.getvalue()
    )
    (message,) = mailoutbox
    assert message.to == [person.email]
    assert message.subject == "[Partner Portal] Your two-factor authentication was reset"
    assert message.body.startswith("Hello Lee Lost,")


def test_after_a_reset_staff_sign_in_with_the_password_and_enrol_again(client, staff):
    lost = UserFactory(is_staff=True)
    call_command("mfa_reset", lost.email, by=staff.email, reason="Lost phone", stdout=io.StringIO())

    sign_in_with_password(client, lost)

    assert client.session["_auth_user_id"] == str(lost.pk)
    assert client.get("/admin/")["Location"] == reverse("mfa_index")


def test_only_program_staff_can_reset(member):
    person = UserFactory(mfa_enrolled=True)

    with pytest.raises(CommandError, match="Only program staff can reset"):
        call_command("mfa_reset", person.email, by=member.email, reason="Because")

    assert Authenticator.objects.filter(user=person).exists()


def test_a_reset_needs_a_reason_and_a_known_account(staff):
    person = UserFactory(mfa_enrolled=True)

    with pytest.raises(CommandError, match="Say why"):
        call_command("mfa_reset", person.email, by=staff.email, reason="  ")
    with pytest.raises(
        CommandError, match=r"No account with the email address nobody@example\.com"
    ):
        call_command("mfa_reset", "nobody@example.com", by=staff.email, reason="Lost phone")
    assert Authenticator.objects.filter(user=person).exists()


def test_the_admin_lists_authenticators_but_cannot_delete_them(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    staff_client = client
    authenticator = Authenticator.objects.get(user=staff, type=Type.TOTP)

    listing = staff_client.get(reverse("admin:mfa_authenticator_changelist"))
    delete = staff_client.get(reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]))

    assert listing.status_code == 200
    assert delete.status_code == 403
    assert (
        authenticator.data["secret"]
        not in staff_client.get(
            reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
        ).text
    )


@committing
def test_removing_a_security_key_is_audited_and_emailed(client, mailoutbox):
    member = UserFactory()
    key = mfa_add_security_key(member, name="Office YubiKey")
    client.force_login(member)  # signing in would need the key itself
    confirm_password(client)

    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    assert audit(member) == [(Action.REMOVED, Type.WEBAUTHN)]
    assert [m.subject for m in mailoutbox] == ["[Partner Portal] Security Key Removed"]
