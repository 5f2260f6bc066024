"""What the group list, group page and thread page read, for the viewer already allowed.

The rows of the group and thread pages are read as plain values by queries compiled once
per process (``portal.compiledqueries``), still built from the rules in ``access``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag, TaggedItem

from groups.models import (
    Group,
    GroupMembership,
    PostRevision,
    PostStatus,
    Reply,
    Thread,
)
from groups.selectors.access import (
    GROUP_NOT_FOUND,
    THREAD_NOT_FOUND,
    GroupStanding,
    _membership_is,
    _post_visibility,
    _viewer_voted,
    groups_visible_to,
    thread_get_for_viewer,
    visible_replies,
)
from portal.compiledqueries import CompiledRows, compiled_query
from portal.errors import NotFound
from portal.models import User
from portal.viewers import is_signed_in

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
        shown |= _membership_is(viewer, GroupMembership.Status.ACTIVE, None)
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


# Only the columns the rows show (groups/page_fragments.py): no bodies on the group page, and
# no one's password or a company's whole profile loaded fifty times a page.
_AUTHOR_COLUMNS = (
    "author__display_name",
    "author__email",
    "author_company__slug",
    "author_company__name",
)


@dataclass(frozen=True)
class AuthorName:
    name: str


@dataclass(frozen=True)
class CompanyLink:
    slug: str
    name: str


def _pop_author(values: dict) -> dict:
    """The author's name and company link from a row's author columns (removed from it)."""
    display_name, email = values.pop("author__display_name"), values.pop("author__email")
    slug, company = values.pop("author_company__slug"), values.pop("author_company__name")
    return {
        "author": AuthorName(User.name_shown(display_name=display_name, email=email)),
        "author_company": CompanyLink(slug, company) if slug is not None else None,
    }


@dataclass
class ThreadRow:
    """A thread as a group's list shows it, read as plain values (no model instances)."""

    pk: int
    group_id: int
    author_id: int
    status: str
    rejection_reason: str
    kind: str
    title: str
    is_pinned: bool
    is_locked: bool
    reply_count: int
    helpful_count: int
    last_activity_at: datetime
    author: AuthorName
    author_company: CompanyLink | None
    tag_names: list[str] = field(default_factory=list)  # filled by with_tag_names

    def get_kind_display(self) -> str:
        return Thread.Kind(self.kind).label


_THREAD_VALUES = ("pk", "group_id", "author_id", "status", "rejection_reason", "kind", "title")
_THREAD_VALUES += ("is_pinned", "is_locked", "reply_count", "helpful_count", "last_activity_at")
_THREAD_VALUES += _AUTHOR_COLUMNS


def _thread_row(values: dict) -> ThreadRow:
    return ThreadRow(**_pop_author(values), **values)


def with_tag_names(threads: Iterable[Thread | ThreadRow]) -> list:
    """The threads, each given ``tag_names`` (sorted), read in one query. (Names only: taggit's
    prefetch_related("tags") builds a model per tag and cost 5 ms for a page of 25 threads.)"""
    threads = list(threads)
    names: dict[int, list[str]] = {thread.pk: [] for thread in threads}
    if names:
        rows = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Thread), object_id__in=list(names)
        ).values_list("object_id", "tag__name")
        for thread_id, name in rows:
            names[thread_id].append(name)
    for thread in threads:
        thread.tag_names = sorted(names[thread.pk])
    return threads


def group_threads(*, standing: GroupStanding, sort: str = "activity") -> CompiledRows | list:
    """The group's published threads, pinned first, by activity or by helpfulness, as
    `ThreadRow`s for a ``CountedPaginator`` given ``group.thread_count`` (none when the viewer
    may not read the group: published threads are visible to whoever may read it)."""
    if not standing.readable:
        return []
    sort = sort if sort in THREAD_SORTS else "activity"

    def build(*, group_id: int) -> QuerySet:
        threads = Thread.objects.filter(group_id=group_id, status=PostStatus.PUBLISHED)
        return threads.order_by(*THREAD_SORTS[sort]).values(*_THREAD_VALUES)

    query = compiled_query(("groups.group_threads", sort), build, markers=("group_id",))
    return CompiledRows(query, _thread_row, group_id=standing.group.pk)


OWN_UNPUBLISHED_SHOWN = 20


def own_unpublished_threads(*, viewer, group: Group) -> list[ThreadRow]:
    """The viewer's own threads in the group that wait for review or were rejected, newest
    first (the latest ``OWN_UNPUBLISHED_SHOWN``)."""
    if not is_signed_in(viewer):
        return []

    def build(*, group_id: int, viewer_id: int) -> QuerySet:
        return (
            Thread.objects.filter(
                group_id=group_id,
                author_id=viewer_id,
                status__in=[PostStatus.PENDING, PostStatus.REJECTED],
            )
            .order_by("-created_at", "-pk")
            .values(*_THREAD_VALUES)
        )

    markers = ("group_id", "viewer_id")
    query = compiled_query("groups.own_unpublished_threads", build, markers=markers)
    rows = query.rows(limit=OWN_UNPUBLISHED_SHOWN, group_id=group.pk, viewer_id=viewer.pk)
    return [_thread_row(row) for row in rows]


_THREAD_FIELDS = tuple(field.attname for field in Thread._meta.concrete_fields)


def thread_for_page(*, standing: GroupStanding, thread_id: int) -> Thread:
    """The thread if the viewer may see it, else NotFound; for its page, with its author (name
    only) and company, ``visible_reply_count`` (the replies the viewer may see) and
    ``viewer_voted`` (whether the viewer found it helpful), in one query."""
    if not standing.readable:
        raise NotFound(GROUP_NOT_FOUND)
    viewer, moderates = standing.viewer, standing.can_moderate
    signed_in = is_signed_in(viewer)
    staff = signed_in and viewer.is_staff

    def build(*, group_id: int, thread_id: int, viewer_id: int | None = None) -> QuerySet:
        who = User(pk=viewer_id, is_active=True, is_staff=staff) if signed_in else viewer
        replies = (
            visible_replies(viewer=who, thread=OuterRef("pk"), moderates=moderates)
            .order_by()
            .annotate(n=Func("pk", function="COUNT"))
            .values("n")
        )
        return (
            Thread.objects.filter(group_id=group_id, pk=thread_id)
            .filter(_post_visibility(viewer=who, group_field="group", moderates=moderates))
            .annotate(
                visible_reply_count=Coalesce(Subquery(replies), 0),
                viewer_voted=_viewer_voted(who, "thread"),
            )
            .order_by()
            .values(*_THREAD_FIELDS, *_AUTHOR_COLUMNS, "visible_reply_count", "viewer_voted")
        )

    markers = ("group_id", "thread_id", "viewer_id") if signed_in else ("group_id", "thread_id")
    query = compiled_query(
        ("groups.thread_for_page", signed_in, staff, moderates), build, markers=markers
    )
    values = {"viewer_id": viewer.pk} if signed_in else {}
    rows = query.rows(limit=1, group_id=standing.group.pk, thread_id=thread_id, **values)
    if not rows:
        raise NotFound(THREAD_NOT_FOUND)
    row, db = rows[0], query.using
    thread = _model_from(Thread, db, {name: row[name] for name in _THREAD_FIELDS})
    thread.visible_reply_count = row["visible_reply_count"]
    thread.viewer_voted = row["viewer_voted"]
    thread.group = standing.group
    thread.author = _model_from(
        User,
        db,
        {"id": thread.author_id, "display_name": row["author__display_name"]}
        | {"email": row["author__email"]},
    )
    if thread.author_company_id is not None:
        thread.author_company = _model_from(
            Thread._meta.get_field("author_company").related_model,
            db,
            {"id": thread.author_company_id, "slug": row["author_company__slug"]}
            | {"name": row["author_company__name"]},
        )
    return thread


def _model_from(model, db: str, values: dict):
    """A model instance as the ORM loads one, with only these columns (the others deferred)."""
    fields = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(db, fields, [values[name] for name in fields])


@dataclass
class ReplyRow:
    """A reply as its page shows it, read as plain values (no model instances to build)."""

    pk: int
    thread_id: int
    author_id: int
    status: str
    rejection_reason: str
    helpful_count: int
    created_at: datetime
    edited_at: datetime | None
    body_html: str
    author: AuthorName
    author_company: CompanyLink | None
    viewer_voted: bool  # whether the viewer found it helpful
    vote_url: str = ""
    edit_url: str = ""
    flag_url: str = ""


_REPLY_VALUES = ("pk", "thread_id", "author_id", "status", "rejection_reason", "helpful_count")
_REPLY_VALUES += ("created_at", "edited_at", "body_html", *_AUTHOR_COLUMNS, "viewer_voted")


def _reply_row(values: dict) -> ReplyRow:
    return ReplyRow(**_pop_author(values), **values)


def thread_replies(*, viewer, thread: Thread, moderates: bool) -> CompiledRows:
    """The thread's replies the viewer may see, oldest first, as `ReplyRow`s, for a
    ``CountedPaginator`` given ``thread.visible_reply_count`` (``thread_for_page``).
    ``moderates``: whether the viewer moderates the thread's group."""
    signed_in = is_signed_in(viewer)
    staff = signed_in and viewer.is_staff

    def build(*, thread_id: int, viewer_id: int | None = None) -> QuerySet:
        who = User(pk=viewer_id, is_active=True, is_staff=staff) if signed_in else viewer
        return (
            Reply.objects.filter(thread_id=thread_id)
            .filter(_post_visibility(viewer=who, group_field="thread__group", moderates=moderates))
            .annotate(viewer_voted=_viewer_voted(who, "reply"))
            .order_by("created_at", "pk")
            .values(*_REPLY_VALUES)
        )

    markers = ("thread_id", "viewer_id") if signed_in else ("thread_id",)
    query = compiled_query(
        ("groups.thread_replies", signed_in, staff, moderates), build, markers=markers
    )
    values = {"viewer_id": viewer.pk} if signed_in else {}
    return CompiledRows(query, _reply_row, thread_id=thread.pk, **values)


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
