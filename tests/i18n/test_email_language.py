"""Emails speak the recipient's language (their profile setting, else the portal's default),
never the language of whoever or whatever caused them to be sent."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from digests.services import digest_batch_send
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    group = GroupFactory(name="Busy Group")
    ThreadFactory(group=group, title="A thread worth reading", helpful_count=3)
    return group


def member_of(group, **user_fields):
    user = UserFactory(**user_fields)
    GroupMembershipFactory(group=group, user=user)
    return user


def test_a_german_member_gets_a_german_digest_while_the_sender_speaks_english(group, mailoutbox):
    member = member_of(group, language="de", display_name="Anna")

    with translation.override("en"):
        digest_batch_send(member_ids=[member.pk])
        # Rendering in the member's language leaves the sender's own language as it was.
        assert translation.get_language() == "en"

    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert message.subject.startswith("Ihr wöchentlicher Überblick aus dem Partner Portal")
    assert "Guten Tag Anna," in message.body
    assert "DIE BESTEN NEUEN DISKUSSIONEN IN IHREN GRUPPEN" in message.body
    assert "Überblick abbestellen:" in message.body
    assert '<html lang="de">' in html
    assert "Die besten neuen Diskussionen in Ihren Gruppen" in html
    assert "Hello" not in message.body + html


def test_a_member_without_a_language_gets_the_default_even_from_a_german_sender(group, mailoutbox):
    member = member_of(group, language="", display_name="Sam")

    with translation.override("de"):
        digest_batch_send(member_ids=[member.pk])

    (message,) = mailoutbox
    assert message.subject.startswith("Your weekly Partner Portal digest:")
    assert "Hello Sam," in message.body
    assert "BEST NEW THREADS IN YOUR GROUPS" in message.body


def test_each_member_of_one_batch_gets_their_own_language(group, mailoutbox):
    german = member_of(group, language="de")
    japanese = member_of(group, language="ja")
    french = member_of(group, language="fr")

    digest_batch_send(member_ids=[german.pk, japanese.pk, french.pk])

    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert "wöchentlicher Überblick" in subjects[german.email]
    assert "週刊ダイジェスト" in subjects[japanese.email]
    assert "récapitulatif hebdomadaire" in subjects[french.email]


def test_a_password_reset_asked_from_an_english_browser_reaches_a_german_member_in_german(
    client, mailoutbox
):
    member = UserFactory(language="de", email="anna@example.com", display_name="Anna")

    response = client.post(
        reverse("account_reset_password"),
        {"email": member.email},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject == "[Partner Portal] Setzen Sie Ihr Passwort zurück"
    assert "Guten Tag Anna," in message.body
    assert "Wählen Sie hier ein neues Passwort:" in message.body


def test_a_staff_reset_of_two_factor_authentication_is_emailed_in_the_members_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(language="fr", display_name="Claire")
    staff = UserFactory(is_staff=True, language="en")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        call_command("mfa_reset", member.email, "--by", staff.email, "--reason", "lost phone")

    (message,) = mailoutbox
    assert message.subject == (
        "[Partner Portal] Votre authentification à deux facteurs a été réinitialisée"
    )
    assert "Bonjour Claire," in message.body
