"""Posts published the way the services publish them, so group counters stay true."""

from groups.models import PostStatus, Reply, Thread
from groups.services import post_publish
from tests.groups.factories import ReplyFactory, ThreadFactory


def published_thread(**kwargs) -> Thread:
    thread = ThreadFactory(status=PostStatus.PENDING, published_at=None, **kwargs)
    return post_publish(post=thread)


def published_reply(**kwargs) -> Reply:
    reply = ReplyFactory(status=PostStatus.PENDING, published_at=None, **kwargs)
    return post_publish(post=reply)
