"""Approve, reject, escalate and bulk decisions: audited, visible at once, or never visible."""

import pytest
from django.urls import reverse

from groups.models import PostStatus
from groups.selectors import visible_threads
from moderation.models import MemberTrust, ModerationItem, ModerationLog
from moderation.services import ITEM_ALREADY_DECIDED, REJECT_REASON_REQUIRED
from moderation.views import APPROVED

pytestmark = pytest.mark.django_db


def _action(item, action):
    return reverse("moderation:item-action", args=[item.pk, action])


def test_approved_post_appears_at_once_and_the_decision_is_audited(
    moderator_client, moderator, group, newcomer, submit, client
):
    thread = submit(group=group, author=newcomer)
    item = thread.moderation_items.get()
    assert thread.status == PostStatus.PENDING

    response = moderator_client.post(_action(item, "approve"), follow=True)

    assert APPROVED in response.content.decode()
    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    assert visible_threads(viewer=None, group=group).filter(pk=thread.pk).exists()
    group.refresh_from_db()
    assert group.thread_count == 1
    log = ModerationLog.objects.get(action=ModerationLog.Action.APPROVE)
    assert (log.actor, log.item, log.thread, log.target_user) == (moderator, item, thread, newcomer)
    item.refresh_from_db()
    assert (item.status, item.decided_by) == (ModerationItem.Status.APPROVED, moderator)


def test_rejected_post_is_never_visible_and_its_author_sees_the_reason(
    moderator_client, moderator, group, newcomer, submit, veteran
):
    thread = submit(group=group, author=newcomer)
    item = thread.moderation_items.get()

    moderator_client.post(_action(item, "reject"), {"reason": "Please post jobs on the job board."})

    thread.refresh_from_db()
    assert thread.status == PostStatus.REJECTED
    assert thread.rejection_reason == "Please post jobs on the job board."
    assert not visible_threads(viewer=None, group=group).filter(pk=thread.pk).exists()
    assert not visible_threads(viewer=veteran, group=group).filter(pk=thread.pk).exists()
    assert visible_threads(viewer=newcomer, group=group).filter(pk=thread.pk).exists()
    log = ModerationLog.objects.get(action=ModerationLog.Action.REJECT)
    assert (log.actor, log.reason) == (moderator, "Please post jobs on the job board.")
    group.refresh_from_db()
    assert group.thread_count == 0


def test_reject_without_a_reason_is_refused_with_a_clear_message(
    moderator_client, group, newcomer, submit
):
    thread = submit(group=group, author=newcomer)
    item = thread.moderation_items.get()

    response = moderator_client.post(_action(item, "reject"), {"reason": "   "})

    assert response.status_code == 400
    assert REJECT_REASON_REQUIRED in response.content.decode()
    thread.refresh_from_db()
    assert thread.status == PostStatus.PENDING
    assert not ModerationLog.objects.filter(action=ModerationLog.Action.REJECT).exists()


def test_approval_raises_trust_and_rejection_lowers_it(moderator, group, newcomer, submit):
    from moderation.services import item_approve, item_reject

    first = submit(group=group, author=newcomer, title="One").moderation_items.get()
    second = submit(group=group, author=newcomer, title="Two").moderation_items.get()

    item_approve(item=first, moderator=moderator)
    item_reject(item=second, moderator=moderator, reason="Off-topic here.")

    trust = MemberTrust.objects.get(user=newcomer)
    assert (trust.approved_posts, trust.rejected_posts) == (1, 1)
    assert trust.last_rejected_at is not None


def test_escalation_is_audited_and_hands_the_item_to_staff(
    moderator_client, moderator, group, newcomer, submit
):
    item = submit(group=group, author=newcomer).moderation_items.get()

    moderator_client.post(_action(item, "escalate"), {"reason": "Possible legal issue"})

    item.refresh_from_db()
    assert item.status == ModerationItem.Status.ESCALATED
    assert item.escalated_at is not None
    log = ModerationLog.objects.get(action=ModerationLog.Action.ESCALATE)
    assert (log.actor, log.reason) == (moderator, "Possible legal issue")
    # Escalated items belong to staff now: the moderator can no longer decide them.
    assert moderator_client.post(_action(item, "approve")).status_code == 404


def test_staff_decide_escalated_items(staff_client, staff, group, newcomer, submit):
    from moderation.services import item_escalate

    item = submit(group=group, author=newcomer).moderation_items.get()
    item_escalate(item=item)

    staff_client.post(_action(item, "approve"))

    item.refresh_from_db()
    assert (item.status, item.decided_by) == (ModerationItem.Status.APPROVED, staff)


def test_moderator_of_another_group_cannot_decide_the_item(
    client, other_moderator, group, newcomer, submit
):
    item = submit(group=group, author=newcomer).moderation_items.get()
    client.force_login(other_moderator)

    assert client.post(_action(item, "approve")).status_code == 404
    assert client.post(_action(item, "reject"), {"reason": "no"}).status_code == 404
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN


def test_plain_member_and_anonymous_cannot_decide(client, veteran, group, newcomer, submit):
    item = submit(group=group, author=newcomer).moderation_items.get()

    assert client.post(_action(item, "approve")).status_code == 302  # to sign in
    client.force_login(veteran)
    assert client.post(_action(item, "approve")).status_code == 404
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN


def test_a_decided_item_cannot_be_decided_again(moderator, group, newcomer, submit):
    from django.core.exceptions import ValidationError

    from moderation.services import item_approve, item_reject

    item = submit(group=group, author=newcomer).moderation_items.get()
    item_approve(item=item, moderator=moderator)

    with pytest.raises(ValidationError) as error:
        item_reject(item=item, moderator=moderator, reason="Changed my mind")
    assert error.value.messages == [ITEM_ALREADY_DECIDED]


def test_unknown_action_is_404(moderator_client, group, newcomer, submit):
    item = submit(group=group, author=newcomer).moderation_items.get()

    assert moderator_client.post(_action(item, "publish")).status_code == 404


def test_bulk_approve_publishes_every_selected_item_with_one_log_row_each(
    moderator_client, group, newcomer, submit
):
    threads = [submit(group=group, author=newcomer, title=f"Post {n}") for n in range(3)]
    chosen = [t.moderation_items.get().pk for t in threads[:2]]

    moderator_client.post(reverse("moderation:bulk"), {"items": chosen, "action": "approve"})

    statuses = [t.status for t in (t.__class__.objects.get(pk=t.pk) for t in threads)]
    assert statuses == [PostStatus.PUBLISHED, PostStatus.PUBLISHED, PostStatus.PENDING]
    assert ModerationLog.objects.filter(action=ModerationLog.Action.APPROVE).count() == 2


def test_bulk_reject_needs_a_reason_and_then_rejects_all(moderator_client, group, newcomer, submit):
    threads = [submit(group=group, author=newcomer, title=f"Post {n}") for n in range(2)]
    chosen = [t.moderation_items.get().pk for t in threads]
    url = reverse("moderation:bulk")

    refused = moderator_client.post(url, {"items": chosen, "action": "reject"})
    assert refused.status_code == 400
    assert REJECT_REASON_REQUIRED in refused.content.decode()

    moderator_client.post(url, {"items": chosen, "action": "reject", "reason": "Duplicate"})
    for thread in threads:
        thread.refresh_from_db()
        assert (thread.status, thread.rejection_reason) == (PostStatus.REJECTED, "Duplicate")


def test_bulk_ignores_items_outside_the_moderators_groups(
    moderator_client, group, other_group, newcomer, submit
):
    from tests.groups.factories import MembershipFactory

    MembershipFactory(group=other_group, user=newcomer)
    other_group.moderation_policy = group.moderation_policy
    other_group.save()
    mine = submit(group=group, author=newcomer, title="Mine").moderation_items.get()
    theirs = submit(group=other_group, author=newcomer, title="Theirs").moderation_items.get()

    moderator_client.post(
        reverse("moderation:bulk"), {"items": [mine.pk, theirs.pk], "action": "approve"}
    )

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == ModerationItem.Status.APPROVED
    assert theirs.status == ModerationItem.Status.OPEN


def test_bulk_without_items_is_a_clear_400(moderator_client):
    from moderation.forms import CHOOSE_ITEMS

    response = moderator_client.post(reverse("moderation:bulk"), {"action": "approve"})

    assert response.status_code == 400
    assert CHOOSE_ITEMS in response.content.decode()


def test_author_reads_the_rejection_reason_on_the_thread_page(
    client, moderator, group, newcomer, submit, veteran
):
    from moderation.services import item_reject

    thread = submit(group=group, author=newcomer)
    item_reject(
        item=thread.moderation_items.get(), moderator=moderator, reason="Job ads go elsewhere"
    )

    client.force_login(newcomer)
    assert "Job ads go elsewhere" in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(veteran)
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_approved_reply_appears_and_counts_in_the_thread(
    moderator, group, newcomer, submit, submit_reply
):
    from moderation.services import item_approve
    from tests.moderation.factories import published_thread

    thread = published_thread(group=group)
    reply = submit_reply(thread=thread, author=newcomer)
    assert reply.status == PostStatus.PENDING

    item_approve(item=reply.moderation_items.get(), moderator=moderator)

    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.status == PostStatus.PUBLISHED
    assert thread.reply_count == 1
