"""Publishing and unpublishing a post, keeping the group's and thread's counters."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groups.content_version import content_version_bump
from groups.models import Group, PostStatus, Thread
from groups.services._common import Post, _group_id_of, _group_of


@transaction.atomic
def post_publish(*, post: Post) -> Post:
    """Make a thread or reply visible to everyone who may read its group; keeps the counters."""
    if post.status == PostStatus.PUBLISHED:
        return post
    now = timezone.now()
    post.status = PostStatus.PUBLISHED
    post.published_at = post.published_at or now
    post.rejection_reason = ""
    post.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    group = _group_of(post)
    if isinstance(post, Thread):
        Group.objects.filter(pk=group.pk).update(
            thread_count=F("thread_count") + 1, last_activity_at=now
        )
    else:
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") + 1, last_activity_at=now
        )
        Group.objects.filter(pk=group.pk).update(last_activity_at=now)
    content_version_bump(group_id=_group_id_of(post))
    return post


@transaction.atomic
def post_unpublish(*, post: Post, status: str, reason: str = "") -> Post:
    """Take a post out of view (rejected or removed), keeping what the author wrote."""
    was_published = post.status == PostStatus.PUBLISHED
    post.status = status
    post.rejection_reason = reason
    post.save(update_fields=["status", "rejection_reason", "updated_at"])
    if was_published:
        if isinstance(post, Thread):
            Group.objects.filter(pk=post.group_id).update(thread_count=F("thread_count") - 1)
        else:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
    content_version_bump(group_id=_group_id_of(post))
    return post
