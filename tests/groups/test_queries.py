"""List pages run a constant number of SQL queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from tests.directory.factories import CompanyMembershipFactory
from tests.groups.factories import (
    NO_PASSWORD,
    GroupFactory,
    MembershipFactory,
    ReplyFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14
# Signed in, with a cold cache: session, user, the group with the viewer's membership, the
# page's threads, their tag names, the viewer's own unpublished threads, "moderates any group".
GROUP_PAGE_QUERIES = 7
# Session, user, the group with the viewer's membership, the thread with its reply count and
# the viewer's vote, the page's replies with the viewer's votes, the thread's tag names (for its
# header, cached afterwards), "moderates any group".
THREAD_PAGE_QUERIES = 7


def _author_with_company():
    return CompanyMembershipFactory(user__password=NO_PASSWORD).user


@pytest.mark.parametrize("rows", [1, 50])
def test_group_list_queries_are_constant(client, member, django_assert_max_num_queries, rows):
    for n in range(rows):
        group = GroupFactory()
        group.tags.add(f"tag-{n}", "shared")
        MembershipFactory(group=group, user=member)
    client.force_login(member)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("groups:list"))

    assert response.status_code == 200
    assert response.content.decode().count('class="card group-card"') == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_group_page_queries_are_constant(client, group, django_assert_num_queries, rows):
    member = MembershipFactory(group=group).user
    author = _author_with_company()
    for n in range(rows):
        thread = ThreadFactory(group=group, author=author)
        thread.tags.add(f"tag-{n}", "shared")
        ThreadFactory(group=group, author=member, status="pending")
    client.force_login(member)

    with django_assert_num_queries(GROUP_PAGE_QUERIES):
        response = client.get(reverse("groups:detail", args=[group.slug]))

    assert response.content.decode().count('<li class="thread-row') == rows + min(rows, 20)


@pytest.mark.parametrize("rows", [1, 50])
def test_thread_page_queries_are_constant(client, group, django_assert_num_queries, rows):
    member = MembershipFactory(group=group).user
    thread = ThreadFactory(group=group, author=_author_with_company())
    thread.tags.add("azure")
    for _ in range(rows):
        ReplyFactory(thread=thread, author=_author_with_company())
    client.force_login(member)

    with django_assert_num_queries(THREAD_PAGE_QUERIES):
        response = client.get(thread.get_absolute_url())

    assert response.content.decode().count('<li id="reply-') == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_anonymous_pages_are_constant_too(client, group, django_assert_max_num_queries, rows):
    thread = ThreadFactory(group=group)
    ReplyFactory.create_batch(rows, thread=thread)
    ThreadFactory.create_batch(rows, group=group)

    with django_assert_max_num_queries(8):
        client.get(reverse("groups:detail", args=[group.slug]))
    with django_assert_max_num_queries(8):
        client.get(thread.get_absolute_url())
