"""The main navigation: every section for everyone, Moderation only for those who moderate."""

import pytest
from django.urls import reverse

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
