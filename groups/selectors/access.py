"""Who may see and do what in groups: the visibility rules (the package docstring states them)
and the refusals, decided here and only here."""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils.translation import gettext_noop

from groups.models import (
    Group,
    GroupMembership,
    HelpfulVote,
    PostStatus,
    Reply,
    Thread,
)
from portal.errors import NotFound
from portal.viewers import is_signed_in

GROUP_NOT_FOUND = "No group found."
THREAD_NOT_FOUND = "No thread found."


def _membership_is(viewer, status: str, via: str | None) -> Q:
    """The viewer's own membership row of the group has this status: through the relation
    ``via`` when the query already joins that row (``group_standing``), else by a subquery."""
    if via is not None:
        return Q(**{f"{via}__status": status})
    mine = GroupMembership.objects.filter(group=OuterRef("pk"), user=viewer, status=status)
    return Q(Exists(mine))


def _readable(viewer, via: str | None = None) -> Q:
    """The condition on a group that the viewer may read its threads."""
    if not is_signed_in(viewer):
        return Q(visibility=Group.Visibility.PUBLIC)
    if viewer.is_staff:
        return Q()
    return Q(visibility__in=[Group.Visibility.PUBLIC, Group.Visibility.MEMBERS]) | (
        _membership_is(viewer, GroupMembership.Status.ACTIVE, via)
    )


def _visible(viewer, via: str | None = None) -> Q:
    """The condition on a group that the viewer may know it exists: readable, or private and
    they are invited."""
    if not is_signed_in(viewer) or viewer.is_staff:
        return _readable(viewer, via)
    return _readable(viewer, via) | _membership_is(viewer, GroupMembership.Status.INVITED, via)


def groups_readable_by(*, viewer) -> QuerySet[Group]:
    """Groups whose threads the viewer may read."""
    return Group.objects.filter(_readable(viewer))


def groups_visible_to(*, viewer) -> QuerySet[Group]:
    """Groups the viewer may know exist: readable ones plus private ones they are invited to."""
    return Group.objects.filter(_visible(viewer))


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


def _post_visibility(*, viewer, group_field: str, moderates: bool | None = None) -> Q:
    """Published posts, plus the viewer's own and those in groups the viewer moderates.

    ``moderates`` says whether the viewer moderates the one group the posts are in, when the
    caller knows it (``GroupStanding.can_moderate``); otherwise the query works it out."""
    condition = Q(status=PostStatus.PUBLISHED)
    if is_signed_in(viewer):
        if viewer.is_staff or moderates:
            return Q()
        condition |= Q(author=viewer)
        if moderates is None:
            moderated = groups_moderated_by(user=viewer).values("pk")
            condition |= Q(**{f"{group_field}__in": moderated})
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


def visible_replies(*, viewer, thread: Thread, moderates: bool | None = None) -> QuerySet[Reply]:
    """Replies of a thread the viewer already may see: published, own, or moderated.
    (``moderates``: whether the viewer moderates the thread's group, when known.)"""
    return Reply.objects.filter(thread=thread).filter(
        _post_visibility(viewer=viewer, group_field="thread__group", moderates=moderates)
    )


def _viewer_voted(viewer, target: str) -> Exists | Value:
    """Whether the viewer found the row (a thread or a reply, ``target``) helpful."""
    if not is_signed_in(viewer):
        return Value(False)
    return Exists(HelpfulVote.objects.filter(user=viewer, **{target: OuterRef("pk")}))


NOT_A_MEMBER = gettext_noop("Join this group to post, vote or reply.")
BANNED = gettext_noop("You have been banned from this group.")
THREAD_LOCKED = gettext_noop("This thread is locked: it takes no new replies.")
NOT_PUBLISHED = gettext_noop("This post is not published, so it cannot take replies or votes.")
NOT_YOUR_POST = gettext_noop("Only the author can edit this post.")
MODERATORS_ONLY = gettext_noop("Only the group's moderators can do that.")


def group_get_readable(*, viewer, slug: str) -> Group:
    """The group if the viewer may read its threads, else NotFound (invited people too)."""
    group = groups_readable_by(viewer=viewer).filter(slug=slug).first()
    if group is None:
        raise NotFound(GROUP_NOT_FOUND)
    return group


@dataclass(frozen=True)
class GroupStanding:
    """A group as one viewer stands in it: their membership row (or None), whether they may
    read its threads, moderate it and post in it. Read with the group in one query."""

    viewer: object
    group: Group
    membership: GroupMembership | None
    readable: bool

    @property
    def can_moderate(self) -> bool:
        return can_moderate_group(user=self.viewer, group=self.group, membership=self.membership)

    @property
    def posting_refusal(self) -> str | None:
        return posting_refusal(user=self.viewer, group=self.group, membership=self.membership)


def group_standing(*, viewer, slug: str, readable: bool = False) -> GroupStanding:
    """The group with this slug if the viewer may know it exists (may read its threads, with
    ``readable``), else NotFound; with the viewer's membership, in one query."""
    groups, via = Group.objects.filter(slug=slug), None
    if is_signed_in(viewer):
        via = "viewer_membership"
        mine = FilteredRelation("memberships", condition=Q(memberships__user=viewer))
        groups = groups.annotate(viewer_membership=mine).select_related(via)
    may_read = _readable(viewer, via)
    groups = groups.filter(may_read if readable else _visible(viewer, via)).annotate(
        viewer_may_read=ExpressionWrapper(may_read, output_field=BooleanField())
        if may_read
        else Value(True)  # staff: every group
    )
    group = next(iter(groups.order_by()[:1]), None)
    if group is None:
        raise NotFound(GROUP_NOT_FOUND)
    membership = getattr(group, via, None) if via else None
    if membership is not None:  # its group and user are already loaded
        membership.group, membership.user = group, viewer
    return GroupStanding(
        viewer=viewer, group=group, membership=membership, readable=group.viewer_may_read
    )


def group_get_for_moderator(*, user, slug: str) -> Group:
    """The group if the user moderates it, else NotFound: the tooling does not announce itself."""
    group = group_get_for_viewer(viewer=user, slug=slug)
    if not can_moderate_group(user=user, group=group):
        raise NotFound(GROUP_NOT_FOUND)
    return group


def posting_refusal(*, user, group: Group, membership=_UNREAD) -> str | None:
    """Why the user may not post, reply or vote in the group, or None when they may.
    `membership` is the user's row in the group (or None) when the caller has already read it."""
    if not is_signed_in(user):
        return NOT_A_MEMBER
    if user.is_staff:
        return None
    if membership is _UNREAD:
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
