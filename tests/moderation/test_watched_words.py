"""Staff manage the watched words on a small page; nobody else may see it."""

import pytest
from django.urls import reverse

from moderation.models import WatchedWord
from moderation.services import WATCHED_WORD_EXISTS, WATCHED_WORD_TOO_SHORT

pytestmark = pytest.mark.django_db
PAGE = reverse("moderation:watched-words")


def test_staff_add_a_word_and_see_it_listed(staff_client, staff):
    response = staff_client.post(PAGE, {"phrase": "  Crypto   Signals "}, follow=True)

    word = WatchedWord.objects.get()
    assert (word.phrase, word.created_by) == ("crypto signals", staff)
    assert "crypto signals" in response.content.decode()


def test_duplicate_and_too_short_words_are_refused_with_a_message(staff_client):
    WatchedWord.objects.create(phrase="backlinks")

    duplicate = staff_client.post(PAGE, {"phrase": "BACKLINKS"})
    short = staff_client.post(PAGE, {"phrase": "ab"})

    assert duplicate.status_code == 400
    assert WATCHED_WORD_EXISTS in duplicate.content.decode()
    assert short.status_code == 400
    assert WATCHED_WORD_TOO_SHORT in short.content.decode()
    assert WatchedWord.objects.count() == 1


def test_staff_remove_a_word(staff_client):
    word = WatchedWord.objects.create(phrase="backlinks")

    staff_client.post(reverse("moderation:watched-word-delete", args=[word.pk]))

    assert not WatchedWord.objects.exists()


def test_moderators_members_and_visitors_cannot_reach_the_page(client, moderator, member):
    word = WatchedWord.objects.create(phrase="backlinks")
    delete = reverse("moderation:watched-word-delete", args=[word.pk])

    assert client.get(PAGE).status_code == 302
    for user in (moderator, member):
        client.force_login(user)
        assert client.get(PAGE).status_code == 404
        assert client.post(PAGE, {"phrase": "anything"}).status_code == 404
        assert client.post(delete).status_code == 404
    assert list(WatchedWord.objects.values_list("phrase", flat=True)) == ["backlinks"]


def test_adding_and_removing_a_word_is_written_to_the_moderation_log(staff_client, staff):
    from moderation.models import ModerationLog

    staff_client.post(PAGE, {"phrase": "crypto signals"})
    word = WatchedWord.objects.get()
    staff_client.post(reverse("moderation:watched-word-delete", args=[word.pk]))

    entries = ModerationLog.objects.order_by("created_at", "pk")
    assert [(e.action, e.actor, e.reason, e.group) for e in entries] == [
        (ModerationLog.Action.WORD_ADD, staff, "crypto signals", None),
        (ModerationLog.Action.WORD_REMOVE, staff, "crypto signals", None),
    ]
