"""Reads for groups and threads. Visibility is decided here, and only here.

Rules (PRODUCT.md): a visitor reads public groups; a signed-in member also reads members-only
groups; a private group is visible only to its active members (and invited people, who may see
the group to accept) and nobody else learns it has threads; program staff see everything.
A post that is not published is visible to its author and to the group's moderators.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from taggit.models import Tag

from groups.models import (
    Group,
    GroupMembership,
    HelpfulVote,
    PostRevision,
    PostStatus,
    Reply,
    Thread,
)
from portal.errors import NotFound
from portal.viewers import is_signed_in

GROUP_NOT_FOUND = "No group found."
THREAD_NOT_FOUND = "No thread found."


def _active_membership(viewer) -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(
        group=OuterRef("pk"), user=viewer, status=GroupMembership.Status.ACTIVE
    )


def groups_readable_by(*, viewer) -> QuerySet[Group]:
    """Groups whose threads the viewer may read."""
    groups = Group.objects.all()
    if not is_signed_in(viewer):
        return groups.filter(visibility=Group.Visibility.PUBLIC)
    if viewer.is_staff:
        return groups
    return groups.filter(
        Q(visibility__in=[Group.Visibility.PUBLIC, Group.Visibility.MEMBERS])
        | Q(Exists(_active_membership(viewer)))
    )


def groups_visible_to(*, viewer) -> QuerySet[Group]:
    """Groups the viewer may know exist: readable ones plus private ones they are invited to."""
    if not is_signed_in(viewer) or viewer.is_staff:
        return groups_readable_by(viewer=viewer)
    invited = GroupMembership.objects.filter(
        group=OuterRef("pk"), user=viewer, status=GroupMembership.Status.INVITED
    )
    return Group.objects.filter(
        Q(visibility__in=[Group.Visibility.PUBLIC, Group.Visibility.MEMBERS])
        | Q(Exists(_active_membership(viewer)))
        | Q(Exists(invited))
    )


def group_get_for_viewer(*, viewer, slug: str) -> Group:
    """The group with this slug if the viewer may know it exists, else NotFound."""
    group = groups_visible_to(viewer=viewer).filter(slug=slug).first()
    if group is None:
        raise NotFound(GROUP_NOT_FOUND)
    return group


def membership_of(*, user, group: Group) -> GroupMembership | None:
    """The user's membership row in the group, whatever its status."""
    if not is_signed_in(user):
        return None
    return GroupMembership.objects.filter(group=group, user=user).first()


def can_read_group(*, viewer, group: Group) -> bool:
    """Whether the viewer may read the group's threads."""
    return groups_readable_by(viewer=viewer).filter(pk=group.pk).exists()


_UNREAD = object()


def can_moderate_group(*, user, group: Group, membership=_UNREAD) -> bool:
    """Staff moderate everywhere; moderators and owners moderate their group. `membership` is
    the user's row in the group (or None) when the caller has already read it."""
    if not is_signed_in(user):
        return False
    if user.is_staff:
        return True
    if membership is not _UNREAD:
        return membership is not None and membership.can_moderate
    return GroupMembership.objects.filter(
        group=group,
        user=user,
        status=GroupMembership.Status.ACTIVE,
        role__in=[GroupMembership.Role.MODERATOR, GroupMembership.Role.OWNER],
    ).exists()


def groups_moderated_by(*, user) -> QuerySet[Group]:
    """The groups whose queue the user works: all for staff."""
    if not is_signed_in(user):
        return Group.objects.none()
    if user.is_staff:
        return Group.objects.all()
    return Group.objects.filter(
        memberships__user=user,
        memberships__status=GroupMembership.Status.ACTIVE,
        memberships__role__in=[GroupMembership.Role.MODERATOR, GroupMembership.Role.OWNER],
    )


def user_is_any_moderator(*, user) -> bool:
    """Whether the user moderates at least one group (or is staff)."""
    return groups_moderated_by(user=user).exists()


def _post_visibility(*, viewer, group_field: str) -> Q:
    """Published posts, plus the viewer's own and those in groups the viewer moderates."""
    condition = Q(status=PostStatus.PUBLISHED)
    if is_signed_in(viewer):
        if viewer.is_staff:
            return Q()
        moderated = groups_moderated_by(user=viewer).values("pk")
        condition |= Q(author=viewer) | Q(**{f"{group_field}__in": moderated})
    return condition


def visible_threads(*, viewer, group: Group | None = None) -> QuerySet[Thread]:
    """Threads the viewer may see, in one group or across every group they may read."""
    threads = Thread.objects.filter(group__in=groups_readable_by(viewer=viewer).values("pk"))
    if group is not None:
        threads = threads.filter(group=group)
    return threads.filter(_post_visibility(viewer=viewer, group_field="group"))


def thread_get_for_viewer(*, viewer, group: Group, thread_id: int) -> Thread:
    """The thread if the viewer may see it, else NotFound."""
    thread = (
        visible_threads(viewer=viewer, group=group)
        .filter(pk=thread_id)
        .select_related("group", "author", "author_company")
        .first()
    )
    if thread is None:
        raise NotFound(THREAD_NOT_FOUND)
    return thread


def visible_replies(*, viewer, thread: Thread) -> QuerySet[Reply]:
    """Replies of a thread the viewer already may see: published, own, or moderated."""
    return Reply.objects.filter(thread=thread).filter(
        _post_visibility(viewer=viewer, group_field="thread__group")
    )


# --- Pages: group list, group page, thread page (h3) -------------------------------------

NOT_A_MEMBER = "Join this group to post, vote or reply."
BANNED = "You have been banned from this group."
THREAD_LOCKED = "This thread is locked: it takes no new replies."
NOT_PUBLISHED = "This post is not published, so it cannot take replies or votes."
NOT_YOUR_POST = "Only the author can edit this post."
MODERATORS_ONLY = "Only the group's moderators can do that."

THREADS_PER_PAGE = 25
REPLIES_PER_PAGE = 50
GROUPS_PER_PAGE = 50
MEMBERS_PER_PAGE = 100
THREAD_SORTS = {
    "activity": ["-is_pinned", "-last_activity_at", "-pk"],
    "helpful": ["-is_pinned", "-helpful_count", "-last_activity_at", "-pk"],
}


def _thread_count_shown(viewer) -> Q | Value:
    """Whether the viewer may learn how many threads a group has: anyone for the groups they may
    read but private ones, a private group's active members, staff everywhere. (An invited
    person sees a private group exists, not how busy it is.)"""
    if is_signed_in(viewer) and viewer.is_staff:
        return Value(True)
    shown = ~Q(visibility=Group.Visibility.PRIVATE)
    if is_signed_in(viewer):
        shown |= Q(Exists(_active_membership(viewer)))
    return shown


def group_list_for_viewer(*, viewer, tag: str | None = None) -> QuerySet[Group]:
    """Groups the viewer may know exist, with tags, the viewer's membership status and role, and
    ``show_thread_count``: whether the viewer may see how many threads the group has."""
    groups = groups_visible_to(viewer=viewer)
    if tag:
        groups = groups.filter(tags__slug=tag)
    if is_signed_in(viewer):
        mine = GroupMembership.objects.filter(group=OuterRef("pk"), user=viewer)
        groups = groups.annotate(
            viewer_status=Subquery(mine.values("status")[:1]),
            viewer_role=Subquery(mine.values("role")[:1]),
        )
    shown = ExpressionWrapper(_thread_count_shown(viewer), output_field=BooleanField())
    groups = groups.annotate(show_thread_count=shown)
    return groups.prefetch_related("tags").order_by("name", "pk")


def group_get_readable(*, viewer, slug: str) -> Group:
    """The group if the viewer may read its threads, else NotFound (invited people too)."""
    group = groups_readable_by(viewer=viewer).filter(slug=slug).first()
    if group is None:
        raise NotFound(GROUP_NOT_FOUND)
    return group


def group_get_for_moderator(*, user, slug: str) -> Group:
    """The group if the user moderates it, else NotFound: the tooling does not announce itself."""
    group = group_get_for_viewer(viewer=user, slug=slug)
    if not can_moderate_group(user=user, group=group):
        raise NotFound(GROUP_NOT_FOUND)
    return group


def posting_refusal(*, user, group: Group, membership: GroupMembership | None = None) -> str | None:
    """Why the user may not post, reply or vote in the group, or None when they may."""
    if not is_signed_in(user):
        return NOT_A_MEMBER
    if user.is_staff:
        return None
    if membership is None:
        membership = membership_of(user=user, group=group)
    if membership is not None and membership.status == GroupMembership.Status.BANNED:
        return BANNED
    if membership is None or not membership.is_active:
        return NOT_A_MEMBER
    return None


def reply_refusal(*, user, thread: Thread) -> str | None:
    """Why the user may not reply in the thread, or None when they may."""
    if thread.is_locked:
        return THREAD_LOCKED
    if thread.status != PostStatus.PUBLISHED:
        return NOT_PUBLISHED
    return posting_refusal(user=user, group=thread.group)


def vote_refusal(*, user, post: Thread | Reply) -> str | None:
    """Why the user may not mark this post helpful, or None when they may."""
    if post.status != PostStatus.PUBLISHED:
        return NOT_PUBLISHED
    group = post.group if isinstance(post, Thread) else post.thread.group
    return posting_refusal(user=user, group=group)


def edit_refusal(*, user, post: Thread | Reply) -> str | None:
    """Why the user may not edit this post (only its author may, unless banned), or None."""
    if not is_signed_in(user) or post.author_id != user.pk:
        return NOT_YOUR_POST
    group = post.group if isinstance(post, Thread) else post.thread.group
    membership = membership_of(user=user, group=group)
    if membership is not None and membership.status == GroupMembership.Status.BANNED:
        return BANNED
    return None


# Only the columns the rows show (groups/page_fragments.py): no bodies on the group page, and
# no one's password or a company's whole profile loaded fifty times a page.
_AUTHOR_COLUMNS = (
    "author__display_name",
    "author__email",
    "author_company__slug",
    "author_company__name",
)
_ROW_COLUMNS = ("group_id", "author_id", "author_company_id", "status", "rejection_reason")
_THREAD_ROW_COLUMNS = (*_ROW_COLUMNS, "kind", "title", "is_pinned", "is_locked")
_THREAD_ROW_COLUMNS += ("reply_count", "helpful_count", "last_activity_at", *_AUTHOR_COLUMNS)
_REPLY_COLUMNS = (*_ROW_COLUMNS[1:], "thread_id", "helpful_count", "created_at", "edited_at")
_REPLY_COLUMNS += ("body_html", *_AUTHOR_COLUMNS)


def _with_authors(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    threads = threads.select_related("author", "author_company").prefetch_related("tags")
    return threads.only(*_THREAD_ROW_COLUMNS)


def group_threads(*, viewer, group: Group, sort: str = "activity") -> QuerySet[Thread]:
    """The group's published threads, pinned first, by activity or by helpfulness."""
    ordering = THREAD_SORTS.get(sort, THREAD_SORTS["activity"])
    threads = visible_threads(viewer=viewer, group=group).filter(status=PostStatus.PUBLISHED)
    return _with_authors(threads).order_by(*ordering)


def own_unpublished_threads(*, viewer, group: Group) -> QuerySet[Thread]:
    """The viewer's own threads in the group that wait for review or were rejected."""
    if not is_signed_in(viewer):
        return Thread.objects.none()
    return _with_authors(
        Thread.objects.filter(
            group=group,
            author=viewer,
            status__in=[PostStatus.PENDING, PostStatus.REJECTED],
        )
    ).order_by("-created_at")[:20]


def thread_replies(*, viewer, thread: Thread) -> QuerySet[Reply]:
    """The thread's replies the viewer may see, oldest first, with authors."""
    return (
        visible_replies(viewer=viewer, thread=thread)
        .select_related("author", "author_company")
        .only(*_REPLY_COLUMNS)
        .order_by("created_at", "pk")
    )


def voted_post_ids(*, user, threads=(), replies=()) -> tuple[set[int], set[int]]:
    """Which of these threads and replies the user already found helpful."""
    if not is_signed_in(user):
        return set(), set()
    thread_ids = [t.pk for t in threads]
    reply_ids = [r.pk for r in replies]
    votes = HelpfulVote.objects.filter(user=user).filter(
        Q(thread_id__in=thread_ids) | Q(reply_id__in=reply_ids)
    )
    voted_threads, voted_replies = set(), set()
    for thread_id, reply_id in votes.values_list("thread_id", "reply_id"):
        if thread_id:
            voted_threads.add(thread_id)
        else:
            voted_replies.add(reply_id)
    return voted_threads, voted_replies


def reply_get_for_viewer(*, viewer, group: Group, reply_id: int) -> Reply:
    """A reply the viewer may see, in a thread the viewer may see, else NotFound."""
    reply = (
        Reply.objects.filter(pk=reply_id, thread__group=group)
        .filter(_post_visibility(viewer=viewer, group_field="thread__group"))
        .select_related("thread", "thread__group", "author")
        .first()
    )
    if reply is None:
        raise NotFound(THREAD_NOT_FOUND)
    thread_get_for_viewer(viewer=viewer, group=group, thread_id=reply.thread_id)
    return reply


def thread_history(*, thread: Thread) -> tuple[QuerySet[PostRevision], QuerySet[PostRevision]]:
    """Earlier versions of the thread and of its replies, newest first (moderators only)."""
    return (
        PostRevision.objects.filter(thread=thread).select_related("editor"),
        PostRevision.objects.filter(reply__thread=thread).select_related("editor", "reply"),
    )


def group_membership_requests(*, group: Group) -> QuerySet[GroupMembership]:
    """People asking to join the group, oldest first."""
    return (
        GroupMembership.objects.filter(group=group, status=GroupMembership.Status.REQUESTED)
        .select_related("user")
        .order_by("created_at")
    )


def group_members(*, group: Group) -> QuerySet[GroupMembership]:
    """Active, invited and banned people of the group, moderators first."""
    return (
        GroupMembership.objects.filter(group=group)
        .exclude(status=GroupMembership.Status.REQUESTED)
        .select_related("user", "invited_by")
        .order_by("status", "-role", "user__display_name", "pk")
    )


def group_tags_for_viewer(*, viewer) -> QuerySet:
    """Tags used by the groups the viewer may know exist, for the list's filter."""
    group_ids = groups_visible_to(viewer=viewer).values("pk")
    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Group),
            taggit_taggeditem_items__object_id__in=group_ids,
        )
        .distinct()
        .order_by("name")
    )
