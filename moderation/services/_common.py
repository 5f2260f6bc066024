"""Helpers and user-facing messages shared by the moderation services."""

from django.utils.translation import gettext_noop

from groups.models import Group, Reply, Thread
from moderation import reasons as why
from moderation.models import WAITING, ModerationItem, ModerationLog
from moderation.selectors import EDITED_SINCE_QUEUED as EDITED_SINCE_QUEUED  # re-exported

Post = Thread | Reply

POLICY_HOLDS_ALL = why.reason(why.POLICY_ALL)
POLICY_HOLDS_NEW_MEMBERS = why.reason(why.POLICY_NEW_MEMBERS)

REJECT_REASON_REQUIRED = gettext_noop("Tell the author why the post is rejected.")
ITEM_ALREADY_DECIDED = gettext_noop("Another moderator has already decided this item.")
FLAG_OWN_POST = gettext_noop("You cannot flag your own post.")
FLAG_ALREADY_SENT = gettext_noop(
    "You have already flagged this post; the moderators will look at it."
)
FLAG_HIDE_THRESHOLD = 3
BAN_REASON_REQUIRED = gettext_noop("Say why the member is banned.")
BAN_MODERATOR = gettext_noop("Moderators, owners and program staff cannot be banned from a group.")
BAN_SELF = gettext_noop("You cannot ban yourself.")
NOT_BANNED = gettext_noop("This member is not banned from the group.")
REMOVE_REASON_DEFAULT = gettext_noop("Removed by a moderator.")
WATCHED_WORD_TOO_SHORT = gettext_noop("A watched word needs at least 3 characters.")
WATCHED_WORD_EXISTS = gettext_noop("That word is already watched.")
EDITED_WHILE_WAITING = why.reason(why.EDITED_WHILE_WAITING)

THREAD_ACTIONS = {
    "pin": ModerationLog.Action.PIN,
    "unpin": ModerationLog.Action.UNPIN,
    "lock": ModerationLog.Action.LOCK,
    "unlock": ModerationLog.Action.UNLOCK,
    "remove": ModerationLog.Action.REMOVE,
}


def post_kind(post: Post) -> str:
    """'thread' or 'reply': the name of the post's field on items, flags and log rows."""
    return "thread" if isinstance(post, Thread) else "reply"


def _group_of(post: Post) -> Group:
    return post.group if isinstance(post, Thread) else post.thread.group


def _log(
    *,
    group: Group | None,
    action: str,
    actor=None,
    item=None,
    post=None,
    target_user=None,
    reason: str = "",
) -> ModerationLog:
    target = {post_kind(post): post} if post is not None else {}
    return ModerationLog.objects.create(
        group=group,
        actor=actor,
        action=action,
        item=item,
        target_user=target_user,
        reason=reason[:500],
        **target,
    )


def _waiting_item(post: Post) -> ModerationItem | None:
    return (
        ModerationItem.objects.select_for_update()
        .filter(**{post_kind(post): post}, status__in=WAITING)
        .first()
    )
