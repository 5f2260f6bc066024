"""Reads for moderation: trust, the queue, and who may moderate what.

Access follows the visibility rule: what the viewer may not see raises NotFound (404); what
they may see but not moderate raises NotPermitted (403).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_noop

from groups.models import Flag, Group, GroupMembership, PostStatus, Reply, Thread
from groups.selectors import (
    can_moderate_group,
    groups_moderated_by,
    groups_visible_to,
    membership_of,
    user_is_any_moderator,
    visible_replies,
    visible_threads,
)
from moderation.models import WAITING, MemberTrust, ModerationItem, WatchedWord
from portal.errors import NotFound, NotPermitted
from portal.paging import page_get

TRUST_MIN_APPROVED_POSTS = 3
TRUST_MIN_ACCOUNT_AGE = timedelta(days=7)
TRUST_REJECTION_COOLDOWN = timedelta(days=30)

NOT_FOUND = gettext_noop("Nothing to moderate here.")
NOT_A_MODERATOR = gettext_noop("Only this group's moderators and program staff can do that.")
POST_NOT_FOUND = gettext_noop("No such post.")
USER_NOT_FOUND = gettext_noop("No such member.")
EDITED_SINCE_QUEUED = gettext_noop(
    "The author edited this post after it entered the queue; review the new text and decide again."
)
FLAG_BANNED = gettext_noop("You have been banned from this group, so you cannot flag its posts.")


def member_is_trusted(*, user) -> bool:
    """Trusted members have approved posts, some time on the portal and no recent rejection."""
    if user.is_staff:
        return True
    trust = MemberTrust.objects.filter(user=user).first()
    if trust is None:
        return False
    now = timezone.now()
    recently_rejected = (
        trust.last_rejected_at is not None
        and trust.last_rejected_at > now - TRUST_REJECTION_COOLDOWN
    )
    return (
        trust.approved_posts - 2 * trust.rejected_posts >= TRUST_MIN_APPROVED_POSTS
        and user.date_joined <= now - TRUST_MIN_ACCOUNT_AGE
        and not recently_rejected
    )


def queue_statuses_for(*, user) -> list[str]:
    """Moderators work open items; staff also work the escalated ones."""
    if user.is_staff:
        return WAITING
    return [ModerationItem.Status.OPEN]


def queue_for_moderator(*, user, escalated_only: bool = False) -> QuerySet[ModerationItem]:
    """The items waiting in the viewer's queue, oldest first (moderators: their groups' open
    items; staff: every open and escalated item, or only the escalated ones)."""
    statuses = (
        [ModerationItem.Status.ESCALATED] if escalated_only else queue_statuses_for(user=user)
    )
    items = ModerationItem.objects.filter(status__in=statuses)
    if not user.is_staff:
        items = items.filter(group__in=groups_moderated_by(user=user).values("pk"))
    return items.order_by("created_at", "pk")


@dataclass
class QueueSummary:
    """How much waits in a moderation queue: how many items, how many of them are escalated to
    staff, and since when the oldest waits (None when nothing does)."""

    size: int
    oldest_at: datetime | None
    escalated: int = 0

    @classmethod
    def combined(cls, summaries: Iterable["QueueSummary"]) -> "QueueSummary":
        """One summary for several queues (a moderator's groups)."""
        summaries = list(summaries)
        oldest = [s.oldest_at for s in summaries if s.oldest_at is not None]
        return cls(
            size=sum(s.size for s in summaries),
            oldest_at=min(oldest, default=None),
            escalated=sum(s.escalated for s in summaries),
        )


def _summary_columns() -> dict:
    return {
        "size": Count("pk"),
        "escalated": Count("pk", filter=Q(status=ModerationItem.Status.ESCALATED)),
        "oldest_at": Min("created_at"),
    }


def queue_summary_for(*, user) -> QueueSummary:
    """The size, escalated items and oldest item of the user's queue (queue_for_moderator), in
    one query."""
    return QueueSummary(**queue_for_moderator(user=user).order_by().aggregate(**_summary_columns()))


def waiting_summaries_by_group(*, group_ids: Iterable[int]) -> dict[int, QueueSummary]:
    """What waits for a decision (open or escalated) in each of these groups that has anything
    waiting, in one query; QueueSummary.combined adds up a moderator's groups."""
    rows = (
        ModerationItem.objects.filter(group_id__in=group_ids, status__in=WAITING)
        .values("group_id")
        .annotate(**_summary_columns())
        .order_by()
    )
    return {row.pop("group_id"): QueueSummary(**row) for row in rows}


def _with_everything_shown(items: QuerySet[ModerationItem]) -> QuerySet[ModerationItem]:
    flags = Flag.objects.order_by("created_at")
    return items.select_related(
        "group",
        "thread__author__trust",
        "reply__author__trust",
        "reply__thread",
    ).prefetch_related(
        Prefetch("thread__flags", queryset=flags),
        Prefetch("reply__flags", queryset=flags),
    )


def queue_page(
    *, user, escalated_only: bool = False, page_number: int | str = 1, per_page: int = 50
) -> tuple[Page, list["QueueEntry"]]:
    """One page of the viewer's queue with everything the page shows, in a fixed number of
    queries: the page's ids come from the items table alone (index order, no joins), then
    only those items are loaded with their posts, authors, trust and flags. ``page_number`` is
    a clean one (portal.paging.page_number); a page past the end raises PageOutOfRange."""
    ids = queue_for_moderator(user=user, escalated_only=escalated_only).values_list("pk", flat=True)
    page = page_get(Paginator(ids, per_page), page_number)
    page_ids = list(page.object_list)
    loaded = {
        item.pk: item
        for item in _with_everything_shown(ModerationItem.objects.filter(pk__in=page_ids))
    }
    return page, queue_entries(items=[loaded[pk] for pk in page_ids if pk in loaded])


def queue_get_for_moderator(*, user) -> None:
    """Check the user may open the queue at all: moderators and staff; anyone else NotFound."""
    if not user_is_any_moderator(user=user):
        raise NotFound(NOT_FOUND)


def items_for_moderator(*, user, item_ids: list[int]) -> QuerySet[ModerationItem]:
    """Of the given items, those waiting in the user's queue (others are silently left out)."""
    items = ModerationItem.objects.filter(pk__in=item_ids, status__in=queue_statuses_for(user=user))
    if not user.is_staff:
        items = items.filter(group__in=groups_moderated_by(user=user).values("pk"))
    return items.select_related("group", "thread__author", "reply__author", "reply__thread")


def item_get_for_moderator(*, user, item_id: int) -> ModerationItem:
    """The waiting item if it is in the user's queue, else NotFound; an item replaced because the
    author edited the post answers with EDITED_SINCE_QUEUED, so a decision on old text fails."""
    item = items_for_moderator(user=user, item_ids=[item_id]).first()
    if item is None:
        superseded = ModerationItem.objects.filter(
            pk=item_id, status=ModerationItem.Status.SUPERSEDED
        )
        if not user.is_staff:
            superseded = superseded.filter(group__in=groups_moderated_by(user=user).values("pk"))
        if superseded.exists():
            raise ValidationError(EDITED_SINCE_QUEUED)
        raise NotFound(NOT_FOUND)
    return item


def _guard_moderation(*, user, group: Group, visible: bool) -> None:
    if can_moderate_group(user=user, group=group):
        return
    if not visible:
        raise NotFound(NOT_FOUND)
    raise NotPermitted(NOT_A_MODERATOR)


def thread_get_for_moderator(*, user, thread_id: int) -> Thread:
    """The thread if the user moderates its group; NotFound if they cannot see it, NotPermitted
    if they can."""
    thread = Thread.objects.select_related("group").filter(pk=thread_id).first()
    if thread is None:
        raise NotFound(NOT_FOUND)
    visible = visible_threads(viewer=user).filter(pk=thread.pk).exists()
    _guard_moderation(user=user, group=thread.group, visible=visible)
    return thread


def group_get_for_moderator(*, user, slug: str) -> Group:
    """The group if the user moderates it; NotFound if they may not know it exists, NotPermitted
    if they may."""
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        raise NotFound(NOT_FOUND)
    visible = groups_visible_to(viewer=user).filter(pk=group.pk).exists()
    _guard_moderation(user=user, group=group, visible=visible)
    return group


def user_get(*, user_id: int):
    """An active user by id, else NotFound."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return user


FLAGGABLE_KINDS = ("thread", "reply")


def post_get_for_flagging(*, viewer, kind: str, post_id: int) -> Thread | Reply:
    """A published thread or reply (``kind``, one of FLAGGABLE_KINDS) the viewer can see, else
    NotFound (existence does not leak); NotPermitted with FLAG_BANNED when the viewer is banned
    from its group."""
    if kind == "thread":
        post = visible_threads(viewer=viewer).filter(pk=post_id).select_related("group").first()
    else:
        reply = Reply.objects.select_related("thread__group").filter(pk=post_id).first()
        post = None
        if reply is not None and visible_threads(viewer=viewer).filter(pk=reply.thread_id).exists():
            post = visible_replies(viewer=viewer, thread=reply.thread).filter(pk=post_id).first()
            post = reply if post is not None else None
    if post is None or post.status != PostStatus.PUBLISHED:
        raise NotFound(POST_NOT_FOUND)
    group = post.group if kind == "thread" else post.thread.group
    membership = membership_of(user=viewer, group=group)
    if membership is not None and membership.status == GroupMembership.Status.BANNED:
        raise NotPermitted(FLAG_BANNED)
    return post


def watched_words() -> QuerySet[WatchedWord]:
    """Every watched word, alphabetically."""
    return WatchedWord.objects.select_related("created_by").order_by("phrase")


@dataclass
class QueueEntry:
    """What the queue page shows for one item: the post, its author's history and its flags."""

    item: ModerationItem
    post: Thread | Reply
    kind: str
    author: object
    approved_posts: int
    rejected_posts: int
    last_rejected_at: object
    flags: list
    thread: Thread
    url: str | None
    actions: dict[str, str] = field(default_factory=dict)
    ban_url: str = ""


def _url_of(thread: Thread) -> str | None:
    try:
        return thread.get_absolute_url()
    except NoReverseMatch:  # the group pages may not be mounted (e.g. a trimmed URLconf)
        return None


def queue_entries(*, items) -> list[QueueEntry]:
    """Turn loaded queue items (see queue_page) into entries, without further queries."""
    entries = []
    for item in items:
        post = item.thread if item.thread_id else item.reply
        thread = item.thread if item.thread_id else item.reply.thread
        thread.group = item.group  # already loaded; keeps get_absolute_url query-free
        author = post.author
        trust = author.trust if _has_trust(author) else None
        entries.append(
            QueueEntry(
                item=item,
                post=post,
                kind="thread" if item.thread_id else "reply",
                author=author,
                approved_posts=trust.approved_posts if trust else 0,
                rejected_posts=trust.rejected_posts if trust else 0,
                last_rejected_at=trust.last_rejected_at if trust else None,
                flags=list(post.flags.all()),
                thread=thread,
                url=_url_of(thread),
            )
        )
    return entries


def _has_trust(author) -> bool:
    try:
        author.trust  # noqa: B018 - loaded by select_related; a missing row raises
    except MemberTrust.DoesNotExist:
        return False
    return True


def watched_word_get(*, word_id: int) -> WatchedWord:
    """One watched word, else NotFound."""
    word = WatchedWord.objects.filter(pk=word_id).first()
    if word is None:
        raise NotFound(NOT_FOUND)
    return word
