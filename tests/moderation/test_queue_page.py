"""The queue page: who may open it, what each item shows, and a constant query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Group, PostStatus
from moderation.models import MemberTrust, ModerationItem
from moderation.selectors import QueueSummary, queue_summary_for, waiting_summaries_by_group
from moderation.services import item_escalate
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ThreadFactory

QUEUE = reverse("moderation:queue")
pytestmark = pytest.mark.django_db


def _held(group, author=None, **kwargs) -> ModerationItem:
    thread = ThreadFactory(group=group, status=PostStatus.PENDING, published_at=None, **kwargs)
    if author is not None:
        thread.author = author
        thread.save()
    return ModerationItem.objects.create(
        group=group, thread=thread, source=ModerationItem.Source.POLICY, reasons=["Held"]
    )


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_member_who_moderates_nothing_gets_404(member_client):
    assert member_client.get(QUEUE).status_code == 404


def test_moderator_sees_held_post_with_author_history_and_reasons(
    moderator_client, group, newcomer, submit
):
    MemberTrust.objects.create(user=newcomer, approved_posts=2, rejected_posts=1)
    thread = submit(group=group, author=newcomer, title="Cut-over weekends")

    page = moderator_client.get(QUEUE).content.decode()

    assert "Cut-over weekends" in page
    assert "Nora Newcomer" in page
    assert "2 approved, 1 rejected" in page
    assert "This group reviews posts by new members before they appear." in page
    assert thread.body_html in page


def test_moderator_does_not_see_items_of_a_group_they_do_not_moderate(
    moderator_client, other_group
):
    _held(other_group, title="Somebody else's queue")

    page = moderator_client.get(QUEUE).content.decode()

    assert "Somebody else&#x27;s queue" not in page
    assert "Nothing is waiting" in page


def test_escalated_items_leave_the_moderators_queue_and_reach_staff(
    client, moderator, staff, group
):
    item = _held(group, title="Needs a staff decision")
    item_escalate(item=item, actor=moderator, reason="Legal question")

    client.force_login(moderator)
    assert "Needs a staff decision" not in client.get(QUEUE).content.decode()
    client.force_login(staff)
    page = client.get(QUEUE + "?escalated=1").content.decode()
    assert "Needs a staff decision" in page
    assert "Escalated to staff" in page


def test_flag_reasons_and_notes_are_shown(moderator_client, group, veteran):
    from moderation.services import post_flag

    thread = ThreadFactory(group=group, title="Buy our thing")
    post_flag(post=thread, reporter=veteran, reason="spam", note="Same text in five groups")

    page = moderator_client.get(QUEUE).content.decode()

    assert "Flagged as spam" in page
    assert "Spam: “Same text in five groups”" in page


def test_script_in_title_body_and_author_name_renders_inert(moderator_client, group):
    author = UserFactory(display_name="<script>alert('name')</script>")
    _held(
        group,
        author=author,
        title="<script>alert('title')</script>",
        body_markdown="<script>alert('body')</script> [x](javascript:alert(1))",
    )

    page = moderator_client.get(QUEUE).content.decode()

    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in page


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_runs_a_constant_number_of_queries(
    client, staff, rows, django_assert_max_num_queries
):
    groups = [
        GroupFactory(moderation_policy=Group.ModerationPolicy.PREMODERATE_ALL) for _ in range(3)
    ]
    for n in range(rows):
        item = _held(groups[n % 3])
        MemberTrust.objects.get_or_create(user=item.thread.author)
    client.force_login(staff)

    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)

    assert response.status_code == 200
    assert response.content.decode().count('name="items"') == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_moderator_queue_with_replies_and_flags_runs_constant_queries(
    moderator_client, group, rows, django_assert_max_num_queries
):
    from tests.groups.factories import ReplyFactory

    thread = ThreadFactory(group=group)
    for _ in range(rows):
        reply = ReplyFactory(thread=thread, status=PostStatus.PENDING, published_at=None)
        ModerationItem.objects.create(
            group=group, reply=reply, source=ModerationItem.Source.SCREENING, reasons=["Spam"]
        )

    with django_assert_max_num_queries(12):
        response = moderator_client.get(QUEUE)

    assert response.content.decode().count('name="items"') == rows


def test_queue_is_paginated_oldest_first(moderator_client, group):
    now = timezone.now()
    for n in range(55):
        item = _held(group, title=f"Item number {n:02d}")
        ModerationItem.objects.filter(pk=item.pk).update(created_at=now - timedelta(minutes=60 - n))

    first = moderator_client.get(QUEUE).content.decode()
    second = moderator_client.get(QUEUE + "?page=2").content.decode()

    assert "Item number 00" in first and "Item number 49" in first
    assert "Item number 50" in second and "Item number 00" not in second
    assert "55 items waiting" in first


def test_moderator_of_a_group_is_a_moderator_even_without_staff(client, group):
    moderator = MembershipFactory(group=group, moderator=True).user
    client.force_login(moderator)

    assert client.get(QUEUE).status_code == 200


def test_a_queue_summary_counts_what_waits_for_the_user_and_since_when(group, moderator, staff):
    oldest = _held(group)
    ModerationItem.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    item_escalate(item=_held(group))
    _held(GroupFactory())  # another group's queue

    mine = queue_summary_for(user=moderator)
    everything = queue_summary_for(user=staff)

    assert (mine.size, mine.escalated) == (1, 0)  # moderators work open items only
    assert (everything.size, everything.escalated) == (3, 1)
    assert (
        mine.oldest_at
        == everything.oldest_at
        == ModerationItem.objects.get(pk=oldest.pk).created_at
    )


def test_an_empty_queue_has_a_summary_of_nothing(moderator):
    assert queue_summary_for(user=moderator) == QueueSummary(size=0, oldest_at=None, escalated=0)


def test_waiting_summaries_of_several_groups_combine_into_one(group, other_group):
    _held(group)
    item_escalate(item=_held(other_group))
    _held(GroupFactory())  # not asked about

    per_group = waiting_summaries_by_group(group_ids=[group.pk, other_group.pk])
    combined = QueueSummary.combined(per_group.values())

    assert set(per_group) == {group.pk, other_group.pk}
    assert (combined.size, combined.escalated) == (2, 1)
