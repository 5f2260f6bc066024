"""Joining, asking to join, invitations, leaving and bans."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from groups import services
from groups.models import Group, GroupMembership
from groups.selectors import BANNED
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _membership(group, user):
    return GroupMembership.objects.filter(group=group, user=user).first()


def test_member_joins_an_open_group_at_once(member_client, member, group):
    response = member_client.post(reverse("groups:join", args=[group.slug]), follow=True)

    assert _membership(group, member).status == GroupMembership.Status.ACTIVE
    assert "Welcome! You are now a member of this group." in response.content.decode()
    group.refresh_from_db()
    assert group.member_count == 1


def test_joining_a_group_by_request_waits_for_a_moderator(member_client, member):
    group = GroupFactory(join_policy=Group.JoinPolicy.REQUEST)

    response = member_client.post(reverse("groups:join", args=[group.slug]), follow=True)

    assert _membership(group, member).status == GroupMembership.Status.REQUESTED
    assert "Your request to join has been sent" in response.content.decode()
    group.refresh_from_db()
    assert group.member_count == 0


def test_moderator_approves_a_request_on_the_members_page(client):
    group = GroupFactory(join_policy=Group.JoinPolicy.REQUEST)
    moderator = MembershipFactory(group=group, moderator=True).user
    asking = MembershipFactory(group=group, requested=True, user__display_name="Asha Patel")
    client.force_login(moderator)
    url = reverse("groups:members", args=[group.slug])
    assert "Asha Patel" in client.get(url).content.decode()

    client.post(url, {"action": "approve", "membership": asking.pk})

    asking.refresh_from_db()
    group.refresh_from_db()
    assert asking.status == GroupMembership.Status.ACTIVE
    assert group.member_count == 2


def test_moderator_declines_a_request(client):
    group = GroupFactory(join_policy=Group.JoinPolicy.REQUEST)
    moderator = MembershipFactory(group=group, moderator=True).user
    asking = MembershipFactory(group=group, requested=True)
    client.force_login(moderator)

    client.post(
        reverse("groups:members", args=[group.slug]), {"action": "decline", "membership": asking.pk}
    )

    assert not GroupMembership.objects.filter(pk=asking.pk).exists()


def test_members_page_is_404_for_a_plain_member(client, group, group_member):
    client.force_login(group_member)

    assert client.get(reverse("groups:members", args=[group.slug])).status_code == 404


def test_approving_an_unknown_request_is_a_clear_400(client, group, moderator):
    client.force_login(moderator)

    response = client.post(
        reverse("groups:members", args=[group.slug]), {"action": "approve", "membership": "x"}
    )

    assert response.status_code == 400
    assert services.NO_REQUEST in response.content.decode()


def test_invite_only_group_refuses_to_be_joined(member_client, member, private_group):
    group = GroupFactory(join_policy=Group.JoinPolicy.INVITE)

    response = member_client.post(reverse("groups:join", args=[group.slug]), follow=True)

    assert _membership(group, member) is None
    assert services.JOIN_NEEDS_INVITATION in response.content.decode()


def test_moderator_invites_by_email_and_the_invited_member_accepts(client, private_group):
    moderator = MembershipFactory(group=private_group, moderator=True).user
    invitee = UserFactory(email="dana@partner.example")
    client.force_login(moderator)
    client.post(
        reverse("groups:members", args=[private_group.slug]),
        {"action": "invite", "email": "Dana@Partner.example"},
    )
    assert _membership(private_group, invitee).status == GroupMembership.Status.INVITED

    client.force_login(invitee)
    client.post(reverse("groups:invitation", args=[private_group.slug]), {"action": "accept"})

    assert _membership(private_group, invitee).status == GroupMembership.Status.ACTIVE
    thread_list = client.get(reverse("groups:detail", args=[private_group.slug]))
    assert "Threads" in thread_list.content.decode()


def test_invited_member_can_decline(client, private_group):
    invited = MembershipFactory(group=private_group, invited=True)
    client.force_login(invited.user)

    client.post(reverse("groups:invitation", args=[private_group.slug]), {"action": "decline"})

    assert not GroupMembership.objects.filter(pk=invited.pk).exists()
    assert client.get(reverse("groups:detail", args=[private_group.slug])).status_code == 404


def test_inviting_an_unknown_email_shows_an_error(client, group, moderator):
    client.force_login(moderator)

    response = client.post(
        reverse("groups:members", args=[group.slug]),
        {"action": "invite", "email": "nobody@example.org"},
    )

    assert response.status_code == 400
    assert services.INVITE_UNKNOWN_EMAIL in response.content.decode()


def test_member_leaves_a_group(member_client, member, group):
    MembershipFactory(group=group, user=member)

    member_client.post(reverse("groups:leave", args=[group.slug]))

    assert _membership(group, member) is None
    group.refresh_from_db()
    assert group.member_count == 0


def test_the_only_owner_cannot_leave(staff_client, staff):
    group = services.group_create(creator=staff, name="Owners", slug="owners")

    response = staff_client.post(reverse("groups:leave", args=[group.slug]), follow=True)

    assert _membership(group, staff) is not None
    assert escape(services.LAST_OWNER_CANNOT_LEAVE) in response.content.decode()


def test_banned_member_cannot_rejoin(client, group):
    banned = MembershipFactory(group=group, banned=True)
    client.force_login(banned.user)

    response = client.post(reverse("groups:join", args=[group.slug]), follow=True)

    banned.refresh_from_db()
    assert banned.status == GroupMembership.Status.BANNED
    assert services.JOIN_BANNED in response.content.decode()


def test_banned_member_cannot_post(client, group):
    banned = MembershipFactory(group=group, banned=True)
    client.force_login(banned.user)

    response = client.post(
        reverse("groups:thread-create", args=[group.slug]),
        {"kind": "discussion", "title": "Hello again", "body_markdown": "Let me back in."},
    )

    assert response.status_code == 403
    assert BANNED in response.content.decode()


def test_staff_create_a_group_and_become_its_owner(staff_client, staff):
    response = staff_client.post(
        reverse("groups:create"),
        {
            "name": "Data & AI practice",
            "description": "Analytics partners.",
            "visibility": "members",
            "join_policy": "request",
            "moderation_policy": "premoderate_all",
            "tags": "data, ai",
        },
    )

    group = Group.objects.get(slug="data-ai-practice")
    assert response.status_code == 302
    assert sorted(group.tags.names()) == ["ai", "data"]
    assert _membership(group, staff).role == GroupMembership.Role.OWNER
    assert group.member_count == 1


def test_group_creation_is_404_for_members(member_client):
    assert member_client.get(reverse("groups:create")).status_code == 404


@pytest.mark.parametrize(
    ("action", "logged"),
    [("approve", "join_approve"), ("decline", "join_decline")],
)
def test_deciding_a_request_to_join_is_written_to_the_moderation_log(client, action, logged):
    from moderation.models import ModerationLog

    group = GroupFactory(join_policy=Group.JoinPolicy.REQUEST)
    moderator = MembershipFactory(group=group, moderator=True).user
    asking = MembershipFactory(group=group, requested=True)
    client.force_login(moderator)

    client.post(
        reverse("groups:members", args=[group.slug]), {"action": action, "membership": asking.pk}
    )

    entry = ModerationLog.objects.get(group=group)
    assert (entry.action, entry.actor, entry.target_user) == (logged, moderator, asking.user)


@pytest.mark.parametrize("extra_members", [1, 120])
def test_members_page_is_paginated_with_a_constant_query_count(
    client, group, moderator, extra_members, django_assert_max_num_queries
):
    for _ in range(extra_members):
        MembershipFactory(group=group)
    client.force_login(moderator)
    url = reverse("groups:members", args=[group.slug])

    with django_assert_max_num_queries(14):
        first = client.get(url)

    assert first.status_code == 200
    rows = first.content.decode().count("<tr><td>")
    assert rows == min(extra_members + 1, 100)  # the moderator plus the others
    if extra_members > 100:
        assert "Page 1 of 2" in first.content.decode()
        assert client.get(url, {"page": 2}).content.decode().count("<tr><td>") == 21
