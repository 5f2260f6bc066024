"""Trust: approvals earn it, rejections lose it, trusted members skip pre-moderation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import Group, PostStatus
from moderation.models import MemberTrust
from moderation.selectors import member_is_trusted
from moderation.services import POLICY_HOLDS_ALL, item_approve, item_reject

pytestmark = pytest.mark.django_db


def _trusted(user):
    MemberTrust.objects.create(user=user, approved_posts=5)
    return user


def test_new_member_is_held_in_a_group_that_premoderates_new_members(group, newcomer, submit):
    thread = submit(group=group, author=newcomer)

    assert thread.status == PostStatus.PENDING


def test_trusted_member_skips_premoderation_of_new_members(group, veteran, submit):
    thread = submit(group=group, author=_trusted(veteran))

    assert thread.status == PostStatus.PUBLISHED


def test_trusted_member_is_still_held_where_every_post_is_reviewed(group, veteran, submit):
    group.moderation_policy = Group.ModerationPolicy.PREMODERATE_ALL
    group.save()

    thread = submit(group=group, author=_trusted(veteran))

    assert thread.status == PostStatus.PENDING
    assert thread.moderation_items.get().reasons == [POLICY_HOLDS_ALL]


def test_trusted_member_is_still_held_when_screening_objects(group, veteran, submit):
    thread = submit(group=group, author=_trusted(veteran), body="We're hiring, send your CV!")

    assert thread.status == PostStatus.PENDING


def test_moderators_posts_skip_the_policy(group, moderator, submit):
    assert submit(group=group, author=moderator).status == PostStatus.PUBLISHED


def test_three_approvals_and_a_week_on_the_portal_make_a_member_trusted(
    group, moderator, newcomer, submit
):
    for n in range(3):
        item = submit(group=group, author=newcomer, title=f"Question {n}").moderation_items.get()
        item_approve(item=item, moderator=moderator)
    assert not member_is_trusted(user=newcomer)  # approvals alone are not enough: time too

    newcomer.date_joined = timezone.now() - timedelta(days=8)
    newcomer.save()

    assert member_is_trusted(user=newcomer)
    assert submit(group=group, author=newcomer, title="Fourth").status == PostStatus.PUBLISHED


def test_a_rejection_takes_trust_away(group, moderator, veteran, submit):
    _trusted(veteran)
    MemberTrust.objects.filter(user=veteran).update(approved_posts=10)
    group.moderation_policy = Group.ModerationPolicy.PREMODERATE_ALL
    group.save()
    item = submit(group=group, author=veteran).moderation_items.get()

    item_reject(item=item, moderator=moderator, reason="Not for this group")

    assert not member_is_trusted(user=veteran)
    group.moderation_policy = Group.ModerationPolicy.PREMODERATE_NEW
    group.save()
    assert submit(group=group, author=veteran, title="Again").status == PostStatus.PENDING
