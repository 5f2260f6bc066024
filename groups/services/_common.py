"""What the group services share: the post type and where a post belongs."""

from groups.models import Group, Reply, Thread

Post = Thread | Reply


def _group_id_of(post: Post) -> int:
    return post.group_id if isinstance(post, Thread) else post.thread.group_id


def _group_of(post: Post) -> Group:
    return post.group if isinstance(post, Thread) else post.thread.group
