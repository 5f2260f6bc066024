"""Demo data: every kind of group, the demo member's memberships, threads, and a queue."""

import pytest
from faker import Faker

from groups.models import Group, GroupMembership, PostStatus, Reply, Thread
from groups.seeding import seed_groups
from moderation.models import ModerationItem
from moderation.seeding import screen_seeded_posts
from portal import seeding

pytestmark = pytest.mark.django_db


def test_seed_groups_creates_groups_threads_and_queue_items():
    faker = Faker()
    faker.seed_instance(1)
    members = seeding.seed_members(count=20, faker=faker, progress=lambda done, total: None)
    calls = []

    summary = seed_groups(
        count_threads=60,
        faker=faker,
        progress=lambda done, total: calls.append((done, total)),
        members=members,
    )
    held = screen_seeded_posts()

    assert summary["groups"] == 12
    assert summary["threads"] == 60
    assert calls[-1] == (60, 60)
    assert {g.visibility for g in Group.objects.all()} == set(Group.Visibility.values)
    assert {g.join_policy for g in Group.objects.all()} == set(Group.JoinPolicy.values)
    assert {g.moderation_policy for g in Group.objects.all()} == set(Group.ModerationPolicy.values)
    demo = GroupMembership.objects.filter(
        user__email=seeding.DEMO_MEMBER_EMAIL, status=GroupMembership.Status.ACTIVE
    )
    assert demo.count() >= 4
    assert demo.filter(role=GroupMembership.Role.MODERATOR).count() == 1
    assert ModerationItem.objects.filter(status=ModerationItem.Status.OPEN).count() >= 2
    assert Thread.objects.filter(status=PostStatus.PENDING).count() == held
    for group in Group.objects.all():
        published = group.threads.filter(status=PostStatus.PUBLISHED).count()
        assert group.thread_count == published
    thread = Thread.objects.filter(reply_count__gt=0).first()
    assert Reply.objects.filter(thread=thread).count() == thread.reply_count
    assert "<" in thread.body_html
