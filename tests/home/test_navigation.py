"""The main navigation: every section for everyone, Moderation only for those who moderate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import CompanyMembership
from groups import services
from tests.directory.factories import CompanyMembershipFactory
from tests.groups.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def test_visitors_and_members_see_directory_groups_and_collaborate(client, member_client):
    assert nav_labels(client.get("/")) == ["Directory", "Groups", "Collaborate"]
    assert nav_labels(member_client.get("/")) == ["Directory", "Groups", "Collaborate"]


def test_a_group_moderator_also_sees_moderation(member_client, member):
    MembershipFactory(user=member, moderator=True)

    assert nav_labels(member_client.get("/")) == [
        "Directory",
        "Groups",
        "Collaborate",
        "Moderation",
    ]


def test_the_current_section_is_marked(client):
    items = client.get(reverse("groups:list")).context["nav_items"]

    assert [item["label"] for item in items if item["active"]] == ["Groups"]


def test_a_member_made_moderator_sees_moderation_on_the_next_page(member_client, member):
    assert "Moderation" not in nav_labels(member_client.get("/"))  # the answer is now cached

    MembershipFactory(user=member, moderator=True)

    assert "Moderation" in nav_labels(member_client.get("/"))


def test_a_moderator_who_leaves_their_group_no_longer_sees_moderation(
    member_client, member, django_capture_on_commit_callbacks
):
    group = MembershipFactory(user=member, moderator=True).group
    assert "Moderation" in nav_labels(member_client.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        services.group_leave(group=group, user=member)

    assert "Moderation" not in nav_labels(member_client.get("/"))


def test_whether_a_member_moderates_is_asked_once_not_on_every_page(member_client, member):
    MembershipFactory(user=member, moderator=True)
    member_client.get("/")

    with CaptureQueriesContext(connection) as queries:
        labels = nav_labels(member_client.get(reverse("groups:list")))

    assert "Moderation" in labels
    assert not [q for q in queries.captured_queries if "'moderator', 'owner'" in q["sql"]]


def test_a_member_whose_company_membership_is_approved_sees_deals_and_scorecard_at_once(
    member_client, member
):
    assert "Deals" not in nav_labels(member_client.get("/"))  # the answer is now cached
    membership = CompanyMembershipFactory(user=member, status=CompanyMembership.Status.REQUESTED)
    assert "Deals" not in nav_labels(member_client.get("/"))

    membership.status = CompanyMembership.Status.APPROVED
    membership.save()

    assert nav_labels(member_client.get("/"))[-2:] == ["Deals", "Scorecard"]


def test_a_member_who_leaves_their_company_no_longer_sees_deals(
    member_client, member, django_capture_on_commit_callbacks
):
    membership = CompanyMembershipFactory(user=member)
    assert "Deals" in nav_labels(member_client.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        membership.delete()

    assert "Deals" not in nav_labels(member_client.get("/"))


def test_whether_a_member_is_in_a_company_is_asked_once_not_on_every_page(member_client, member):
    CompanyMembershipFactory(user=member)
    member_client.get("/")

    with CaptureQueriesContext(connection) as queries:
        labels = nav_labels(member_client.get(reverse("groups:list")))

    assert "Deals" in labels
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "directory_companymembership"')
    ]
