"""Whether a user moderates any group, cached per user: the navigation asks it on every page.

The cached answer is forgotten whenever one of the user's membership rows is saved or deleted
(at once and again when the transaction commits, in case a request cached the old rows in
between), and
expires after ``MODERATES_ANY_TIMEOUT`` at the latest, for writes that send no model signals
(``bulk_create``, ``update``). A lost cache entry costs one query, never a wrong answer.
"""

from django.core.cache import cache
from django.db import transaction

from groups.models import GroupMembership
from groups.selectors import user_is_any_moderator

MODERATES_ANY_KEY = "groups:moderates-any:{user_id}:{is_staff}"
MODERATES_ANY_TIMEOUT = 10 * 60


def _key(*, user_id: int, is_staff: bool) -> str:
    return MODERATES_ANY_KEY.format(user_id=user_id, is_staff=int(is_staff))


def user_moderates_any(*, user) -> bool:
    """``selectors.user_is_any_moderator`` for a signed-in user, from the cache when it can."""
    key = _key(user_id=user.pk, is_staff=user.is_staff)
    moderates = cache.get(key)
    if moderates is None:
        moderates = user_is_any_moderator(user=user)
        cache.set(key, moderates, MODERATES_ANY_TIMEOUT)
    return moderates


def forget_on_membership_change(sender, instance: GroupMembership, **kwargs) -> None:
    """post_save / post_delete receiver (connected in ``GroupsConfig.ready``)."""
    keys = [_key(user_id=instance.user_id, is_staff=staff) for staff in (False, True)]
    cache.delete_many(keys)
    # Again after the commit: a request in between may have cached the rows before this write.
    transaction.on_commit(lambda: cache.delete_many(keys))
