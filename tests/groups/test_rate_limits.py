"""Posting too fast is refused with the friendly 429 page."""

import pytest
from django.urls import reverse

from groups.models import Thread
from portal.ratelimits import RATE_LIMITED
from tests.groups.factories import ThreadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratelimit_clock_held")]


def test_the_sixth_thread_in_a_minute_is_refused_with_429(client, group, group_member):
    client.force_login(group_member)
    url = reverse("groups:thread-create", args=[group.slug])
    answers = [
        client.post(
            url, {"kind": "discussion", "title": f"Thread {n}", "body_markdown": "Body"}
        ).status_code
        for n in range(6)
    ]

    assert answers == [302] * 5 + [429]
    assert Thread.objects.count() == 5


def test_rapid_replies_are_refused_with_a_friendly_page(client, group, group_member):
    thread = ThreadFactory(group=group)
    client.force_login(group_member)
    url = reverse("groups:reply", args=[group.slug, thread.pk])
    for n in range(10):
        client.post(url, {"body_markdown": f"Reply {n}"})

    response = client.post(url, {"body_markdown": "one too many"})

    assert response.status_code == 429
    assert RATE_LIMITED in response.content.decode()


def test_rapid_votes_are_refused(client, group, group_member):
    thread = ThreadFactory(group=group)
    client.force_login(group_member)
    url = reverse("groups:thread-vote", args=[group.slug, thread.pk])

    answers = [client.post(url).status_code for _ in range(31)]

    assert answers[:30] == [302] * 30
    assert answers[30] == 429


def test_a_german_member_is_asked_to_slow_down_in_german(client, group, group_member):
    group_member.language = "de"
    group_member.save(update_fields=["language"])
    thread = ThreadFactory(group=group)
    client.force_login(group_member)
    url = reverse("groups:reply", args=[group.slug, thread.pk])
    for n in range(10):
        client.post(url, {"body_markdown": f"Antwort {n}"})

    response = client.post(url, {"body_markdown": "eine zu viel"})

    assert response.status_code == 429
    assert "Sie tun das zu oft." in response.content.decode()
    assert RATE_LIMITED not in response.content.decode()
