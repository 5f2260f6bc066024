"""Preferences, one-click unsubscribe (RFC 8058) and the preview, from the outside."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from digests.models import DigestPreference, Frequency
from digests.services import digest_token_make
from digests.views import LINK_INVALID, PREFERENCES_SAVED, UNSUBSCRIBED
from groups.models import GroupMembership
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def frequency_of(member) -> str:
    pref = DigestPreference.objects.filter(member=member).first()
    return pref.frequency if pref else Frequency.WEEKLY


def unsubscribe_url(token: str) -> str:
    return reverse("digests:unsubscribe", args=[token])


def test_unsubscribe_link_shows_a_confirmation_without_signing_in(client, member):
    response = client.get(unsubscribe_url(digest_token_make(member=member)))

    assert response.status_code == 200
    assert b"Stop sending digest emails to" in response.content
    assert member.email.encode() in response.content
    assert frequency_of(member) == Frequency.WEEKLY


def test_one_click_post_from_a_mail_client_unsubscribes_at_once_without_csrf_token(member):
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        unsubscribe_url(digest_token_make(member=member)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert UNSUBSCRIBED.encode() in response.content
    assert frequency_of(member) == Frequency.OFF


def test_a_forged_token_gets_a_clear_page_and_changes_nothing(client, member):
    other = UserFactory()
    _payload, *signature = digest_token_make(member=member).split(":")
    forged = ":".join([signing.b64_encode(str(other.pk).encode()).decode(), *signature])

    response = client.post(unsubscribe_url(forged))

    assert response.status_code == 400
    assert LINK_INVALID.encode() in response.content
    assert frequency_of(member) == Frequency.WEEKLY
    assert frequency_of(other) == Frequency.WEEKLY


def test_garbage_in_place_of_a_token_gets_the_clear_page(client):
    response = client.get(unsubscribe_url("not-a-token"))

    assert response.status_code == 400
    assert LINK_INVALID.encode() in response.content


def test_an_expired_token_gets_a_clear_page(client, member, settings):
    settings.DIGEST_TOKEN_MAX_AGE = int(timedelta(days=90).total_seconds())
    long_ago = time.time() - timedelta(days=91).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = digest_token_make(member=member)

    response = client.post(unsubscribe_url(token))

    assert response.status_code == 400
    assert LINK_INVALID.encode() in response.content
    assert frequency_of(member) == Frequency.WEEKLY


def test_preferences_page_needs_signing_in(client):
    response = client.get(reverse("digests:preferences"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_profile_page_links_to_digest_preferences(member_client):
    response = member_client.get(reverse("profile"))

    assert reverse("digests:preferences").encode() in response.content


def test_a_member_changes_frequency_and_opts_out_of_a_group(member_client, member):
    kept = GroupMembershipFactory(user=member, group=GroupFactory(name="Keep me"))
    muted = GroupMembershipFactory(user=member, group=GroupFactory(name="Mute me"))

    response = member_client.post(
        reverse("digests:preferences"), {"frequency": "daily", "groups": [kept.group_id]}
    )

    assert response.status_code == 302
    assert frequency_of(member) == Frequency.DAILY
    assert GroupMembership.objects.get(pk=kept.pk).digest_enabled is True
    assert GroupMembership.objects.get(pk=muted.pk).digest_enabled is False
    page = member_client.get(response["Location"])
    assert PREFERENCES_SAVED.encode() in page.content


def test_an_unknown_frequency_is_refused_with_a_message(member_client, member):
    response = member_client.post(reverse("digests:preferences"), {"frequency": "hourly"})

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert frequency_of(member) == Frequency.WEEKLY


def test_the_signed_link_in_a_digest_opens_preferences_without_signing_in(client, member):
    url = reverse("digests:manage", args=[digest_token_make(member=member)])

    page = client.get(url)
    saved = client.post(url, {"frequency": "daily"})

    assert page.status_code == 200
    assert member.email.encode() in page.content
    assert saved.status_code == 302
    assert frequency_of(member) == Frequency.DAILY


def test_a_forged_preferences_link_gets_the_clear_page(client):
    response = client.get(reverse("digests:manage", args=["1:forged:signature"]))

    assert response.status_code == 400
    assert LINK_INVALID.encode() in response.content


def test_preview_needs_signing_in(client):
    response = client.get(reverse("digests:preview"))

    assert response.status_code == 302


def test_preview_shows_the_next_digest_and_records_nothing(member_client, member):
    group = GroupFactory(name="Previewed")
    GroupMembershipFactory(group=group, user=member)
    ThreadFactory(group=group, title="Shown in the preview")

    page = member_client.get(reverse("digests:preview"))
    email = member_client.get(reverse("digests:preview-email"))

    assert page.status_code == 200
    assert b"Shown in the preview" in page.content  # the plain-text part
    assert b"Shown in the preview" in email.content  # the HTML part, framed
    assert email["X-Frame-Options"] == "SAMEORIGIN"
    assert member.digests_sent.count() == 0


def test_preview_of_an_empty_digest_says_nothing_would_be_sent(member_client):
    response = member_client.get(reverse("digests:preview"))

    assert b"no digest would be sent now" in response.content
