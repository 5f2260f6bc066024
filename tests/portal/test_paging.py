"""Paging, the same on every list page and the API: a page past the end does not exist (404,
as Django REST framework's paginators answer), saying how many pages there are and linking to
the last; a page number that is not a whole number of 1 or more is a bad request (400)."""

import pytest
from django.urls import reverse

from collaboration.models import FindPartnerRequest
from directory.selectors.search import PAGE_SIZE
from moderation.models import ModerationItem
from portal.paging import PAGE_INVALID, CountedPaginator, page_out_of_range_message
from tests.directory.factories import CompanyFactory
from tests.groups.factories import MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(client):
    """One page of everything, and a client signed in as the group's moderator, who sees it all."""
    reply = ReplyFactory()
    thread, group = reply.thread, reply.thread.group
    moderator = MembershipFactory(group=group, moderator=True).user
    held = ThreadFactory(group=group, status="pending", published_at=None)
    ModerationItem.objects.create(
        group=group, thread=held, source=ModerationItem.Source.POLICY, reasons=["Held"]
    )
    request_thread = ThreadFactory(group=group, kind="request")
    FindPartnerRequest.objects.create(thread=request_thread)
    CompanyFactory()
    client.force_login(moderator)
    return {
        "directory": reverse("directory:search"),
        "groups": reverse("groups:list"),
        "group threads": group.get_absolute_url(),
        "thread replies": thread.get_absolute_url(),
        "group members": reverse("groups:members", args=[group.slug]),
        "moderation queue": reverse("moderation:queue"),
        "partner requests": reverse("collaboration:index"),
    }


LISTINGS = [
    "directory",
    "groups",
    "group threads",
    "thread replies",
    "group members",
    "moderation queue",
    "partner requests",
]


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_page_past_the_end_answers_404_saying_how_many_pages_there_are(client, lists, listing):
    response = client.get(lists[listing], {"page": 999_999})

    assert response.status_code == 404
    assert "That page does not exist" in response.text
    assert page_out_of_range_message(number=999_999, num_pages=1) in response.text
    assert "Page 999,999 does not exist: there is only 1 page." in response.text
    assert '<a href="?page=1">Go to the last page</a>' in response.text


@pytest.mark.parametrize("listing", LISTINGS)
def test_the_first_page_of_a_list_exists(client, lists, listing):
    assert client.get(lists[listing], {"page": 1}).status_code == 200


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("number", ["abc", "0", "-1", "1.5", "9" * 5_000])
def test_a_page_that_is_not_a_whole_number_answers_400_saying_so(client, lists, listing, number):
    response = client.get(lists[listing], {"page": number})

    assert response.status_code == 400
    assert PAGE_INVALID in response.text


@pytest.mark.parametrize("listing", [p for p in LISTINGS if p != "directory"])
def test_page_last_is_the_last_page(client, lists, listing):
    assert client.get(lists[listing], {"page": "last"}).status_code == 200


def test_the_last_page_link_keeps_the_search(client):
    CompanyFactory.create_batch(PAGE_SIZE + 1)

    response = client.get(reverse("directory:search"), {"sort": "name", "page": 3})

    assert response.status_code == 404
    assert "Page 3 does not exist: there are 2 pages." in response.text
    assert '<a href="?sort=name&amp;page=2">Go to the last page</a>' in response.text


def test_the_api_answers_a_page_past_the_end_as_drf_does(client):
    CompanyFactory()

    response = client.get("/api/v1/partners/", {"page": 999_999})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Invalid page.",
        "errors": {"page": ["Page 999,999 does not exist: there is only 1 page."]},
    }


def test_a_counted_paginator_trusts_the_maintained_count_instead_of_counting():
    paginator = CountedPaginator([], 25, known_count=60)

    assert (paginator.count, paginator.num_pages) == (60, 3)
