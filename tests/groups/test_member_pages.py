"""Signed-in pages reuse each reply's and each thread row's rendering, yet every member sees
their own state and every change at once (the fragments' keys: portal/fragments.py)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from groups import services
from groups.models import PostStatus, Thread
from portal.fragments import _csrf_placeholder
from tests.groups.factories import MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reply_item(page: str, reply) -> str:
    """The reply's list item in the page, or "" when it is not shown."""
    match = re.search(rf'<li id="reply-{reply.pk}".*?</li>', page, re.S)
    return match.group(0) if match else ""


def test_a_member_sees_an_edit_the_moment_it_is_saved(group, django_capture_on_commit_callbacks):
    reader = MembershipFactory(group=group).user
    reply = ReplyFactory(thread__group=group, body_markdown="First wording")
    MembershipFactory(group=group, user=reply.author, moderator=True)  # edits skip review
    url = reply.thread.get_absolute_url()
    client = _signed_in(reader)
    assert "First wording" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=reply, editor=reply.author, body_markdown="Second wording")

    page = client.get(url).content.decode()
    assert "Second wording" in page
    assert "First wording" not in page


def test_an_edit_back_in_review_hides_the_reply_from_others_but_not_from_its_author(
    group, django_capture_on_commit_callbacks
):
    reader = MembershipFactory(group=group).user
    author = MembershipFactory(group=group).user
    reply = ReplyFactory(thread__group=group, author=author, body_markdown="First wording")
    url = reply.thread.get_absolute_url()
    reader_client, author_client = _signed_in(reader), _signed_in(author)
    assert "First wording" in reader_client.get(url).content.decode()
    assert "First wording" in author_client.get(url).content.decode()

    with django_capture_on_commit_callbacks():  # screening not run yet: the edit waits
        services.post_edit(post=reply, editor=author, body_markdown="Second wording")
    reply.refresh_from_db()
    assert reply.status == PostStatus.PENDING

    assert _reply_item(reader_client.get(url).content.decode(), reply) == ""
    own = _reply_item(author_client.get(url).content.decode(), reply)
    assert "Second wording" in own
    assert "Waiting for review" in own


def test_a_vote_shows_the_new_count_to_all_and_the_pressed_button_only_to_the_voter(group):
    voter = MembershipFactory(group=group).user
    reader = MembershipFactory(group=group).user
    reply = ReplyFactory(thread__group=group)
    url = reply.thread.get_absolute_url()
    voter_client, reader_client = _signed_in(voter), _signed_in(reader)
    assert "Helpful · 0" in _reply_item(reader_client.get(url).content.decode(), reply)

    voter_client.post(reverse("groups:reply-vote", args=[group.slug, reply.pk]))

    mine = _reply_item(voter_client.get(url).content.decode(), reply)
    theirs = _reply_item(reader_client.get(url).content.decode(), reply)
    assert 'aria-pressed="true">Helpful · 1' in mine
    assert 'aria-pressed="false">Helpful · 1' in theirs


def test_a_removed_thread_leaves_the_group_page_of_a_member_who_saw_it(
    group, django_capture_on_commit_callbacks
):
    reader = MembershipFactory(group=group).user
    thread = ThreadFactory(group=group, title="Soon to be removed")
    url = reverse("groups:detail", args=[group.slug])
    client = _signed_in(reader)
    assert "Soon to be removed" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=thread, status=PostStatus.REMOVED, reason="Off topic")

    assert "Soon to be removed" not in client.get(url).content.decode()


def test_members_with_different_rights_each_see_their_own_actions(group):
    asker = MembershipFactory(group=group).user
    replier = MembershipFactory(group=group).user
    reader = MembershipFactory(group=group).user
    banned = MembershipFactory(group=group, banned=True).user
    thread = ThreadFactory(group=group, author=asker, kind=Thread.Kind.QUESTION)
    reply = ReplyFactory(thread=thread, author=replier)
    url = thread.get_absolute_url()
    vote_url = reverse("groups:reply-vote", args=[group.slug, reply.pk])
    edit_url = reverse("groups:reply-edit", args=[group.slug, reply.pk])

    # Each renders after the others have filled the cache with their own versions.
    items = {}
    for _ in range(2):
        for name, user in [("asker", asker), ("replier", replier), ("reader", reader)]:
            items[name] = _reply_item(_signed_in(user).get(url).content.decode(), reply)
        items["banned"] = _reply_item(_signed_in(banned).get(url).content.decode(), reply)
        items["visitor"] = _reply_item(Client().get(url).content.decode(), reply)

    assert "Accept this answer" in items["asker"]
    assert vote_url in items["asker"]
    assert edit_url in items["replier"]
    assert vote_url not in items["replier"]
    assert "Report" not in items["replier"]
    assert vote_url in items["reader"]
    assert "Report" in items["reader"]
    for name in ("replier", "reader", "banned", "visitor"):
        assert "Accept this answer" not in items[name], name
    for name in ("banned", "visitor"):
        assert vote_url not in items[name], name
        assert edit_url not in items[name], name
    assert "Report" in items["banned"]  # as before: reporting is open to any signed-in member
    assert "Report" not in items["visitor"]


def test_each_member_gets_their_own_csrf_token_and_the_forms_work(group):
    first, second = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    reply = ReplyFactory(thread__group=group)
    url = reply.thread.get_absolute_url()

    for user in (first, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.get(reverse("home"))  # a first page sets the CSRF cookie
        page = client.get(url).content.decode()
        assert _csrf_placeholder() not in page
        item = _reply_item(page, reply)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', item).group(1)
        vote_url = reverse("groups:reply-vote", args=[group.slug, reply.pk])

        response = client.post(vote_url, {"csrfmiddlewaretoken": token})

        assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.helpful_count == 2


def test_the_placeholder_written_in_a_post_is_shown_as_written(group):
    placeholder = _csrf_placeholder()
    hidden_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{placeholder}">'
    body = f"Token: {placeholder}\n\n{hidden_input}"
    reply = ReplyFactory(thread__group=group, body_markdown=body)
    client = _signed_in(MembershipFactory(group=group).user)

    page = client.get(reply.thread.get_absolute_url()).content.decode()

    assert f"Token: {placeholder}" in page
    assert f'&lt;input type="hidden" name="csrfmiddlewaretoken" value="{placeholder}"' in page


def test_pages_are_right_when_the_cache_forgets_everything_between_requests(group):
    reader = MembershipFactory(group=group).user
    thread = ThreadFactory(group=group)
    ReplyFactory.create_batch(3, thread=thread)
    client = _signed_in(reader)
    url = thread.get_absolute_url()
    cached = client.get(url).content.decode()

    cache.clear()
    fresh = client.get(url).content.decode()

    without_tokens = re.compile(r'value="[A-Za-z0-9]{64}"')
    assert without_tokens.sub("", cached) == without_tokens.sub("", fresh)


def _thread_header(page: str) -> str:
    match = re.search(
        r'<header class="thread-header">.*?<div class="post-actions">.*?</div>', page, re.S
    )
    return match.group(0) if match else ""


def test_new_tags_on_a_thread_show_at_once_to_a_member_who_saw_the_thread(
    group, django_capture_on_commit_callbacks
):
    reader = MembershipFactory(group=group).user
    author = MembershipFactory(group=group, moderator=True).user  # edits skip review
    thread = ThreadFactory(group=group, author=author, title="Same title")
    thread.tags.add("azure")
    client = _signed_in(reader)
    assert "azure" in _thread_header(client.get(thread.get_absolute_url()).content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            post=thread,
            editor=author,
            body_markdown=thread.body_markdown,
            title=thread.title,
            tags=["sow"],
        )

    header = _thread_header(client.get(thread.get_absolute_url()).content.decode())
    assert "sow" in header
    assert "azure" not in header


def test_the_thread_header_shows_each_member_their_own_vote_and_edit_link(group):
    author = MembershipFactory(group=group).user
    voter = MembershipFactory(group=group).user
    reader = MembershipFactory(group=group).user
    thread = ThreadFactory(group=group, author=author)
    url = thread.get_absolute_url()
    edit_url = reverse("groups:thread-edit", args=[group.slug, thread.pk])
    _signed_in(voter).post(reverse("groups:thread-vote", args=[group.slug, thread.pk]))

    headers = {}
    for _ in range(2):  # the second time from the cache each filled
        for name, user in [("author", author), ("voter", voter), ("reader", reader)]:
            headers[name] = _thread_header(_signed_in(user).get(url).content.decode())

    assert edit_url in headers["author"]
    assert edit_url not in headers["voter"]
    assert 'aria-pressed="true">Helpful · 1' in headers["voter"]
    assert 'aria-pressed="false">Helpful · 1' in headers["reader"]
    assert "aria-pressed" not in headers["author"]  # no voting for one's own post
