"""The member's dashboard: their company, groups, new threads, matching requests, queue."""

import pytest

from groups.models import GroupMembership, PostStatus
from moderation.models import ModerationItem
from tests.directory.factories import CompanyMembershipFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ThreadFactory


@pytest.mark.django_db
def test_dashboard_lists_new_threads_from_my_groups_only(member_client, member):
    mine = GroupFactory(name="Cloud migrations")
    MembershipFactory(group=mine, user=member)
    other = GroupFactory(name="Elsewhere")
    ThreadFactory(group=mine, title="How do you size a landing zone?")
    ThreadFactory(group=other, title="Not for me")

    page = member_client.get("/").content.decode()

    assert "How do you size a landing zone?" in page
    assert "Not for me" not in page


@pytest.mark.django_db
def test_dashboard_never_shows_threads_of_a_private_group_i_left(member_client, member):
    private = GroupFactory(visibility="private")
    MembershipFactory(group=private, user=member, status=GroupMembership.Status.BANNED)
    ThreadFactory(group=private, title="Secret roadmap")

    assert "Secret roadmap" not in member_client.get("/").content.decode()


@pytest.mark.django_db
def test_dashboard_shows_my_company_or_invites_me_to_find_it(member_client, member):
    assert "not part of a partner company yet" in member_client.get("/").content.decode()

    CompanyMembershipFactory(user=member, company__name="Contoso Cloud")

    assert "Contoso Cloud" in member_client.get("/").content.decode()


@pytest.mark.django_db
def test_moderators_see_their_queue_on_the_dashboard(member_client, member):
    group = GroupFactory()
    MembershipFactory(group=group, user=member, role=GroupMembership.Role.MODERATOR)
    held = ThreadFactory(group=group, status=PostStatus.PENDING)
    ModerationItem.objects.create(
        group=group, thread=held, source=ModerationItem.Source.POLICY, reasons=["New member"]
    )

    page = " ".join(member_client.get("/").content.decode().split())

    assert "Your moderation queue" in page
    assert "<strong>1</strong> item waiting; the oldest arrived now." in page


@pytest.mark.django_db
def test_plain_members_do_not_see_a_queue_panel(member_client):
    assert "Your moderation queue" not in member_client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("threads", [1, 30])
def test_dashboard_query_count_does_not_grow_with_threads(
    member_client, member, django_assert_max_num_queries, threads
):
    group = GroupFactory()
    MembershipFactory(group=group, user=member)
    for _ in range(threads):
        ThreadFactory(group=group)

    with django_assert_max_num_queries(16):
        assert member_client.get("/").status_code == 200
