"""The rows of the group and thread pages, rendered once and cached as fragments.

Each row is cached by ``portal.fragments`` under a key made of every value it shows plus the
viewer's flags for it (signed in, may vote, wrote it, voted, may accept answers), never who the
viewer is: two members with the same flags share a row, a member who voted gets another. Which
rows a viewer is given was decided by the selectors before they reach this module.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from groups.models import Flag, Group, Reply, Thread
from groups.selectors import with_tag_names
from portal.fragments import fragments_render


@dataclass(frozen=True)
class PostFlags:
    """What one viewer may do with one post, as the post's actions show it."""

    signed_in: bool
    can_vote: bool
    is_author: bool
    voted: bool


def post_flags(*, post: Thread | Reply, viewer_id: int | None, may_post: bool, voted: bool):
    """The viewer's flags for a post; `may_post` is "posting_refusal is None" in its group."""
    is_author = viewer_id is not None and post.author_id == viewer_id
    return PostFlags(
        signed_in=viewer_id is not None,
        can_vote=viewer_id is not None and may_post and not is_author,
        is_author=is_author,
        voted=voted,
    )


def _author_key(post: Thread | Reply) -> tuple:
    company = post.author_company
    return (post.author.name, company.slug, company.name) if company else (post.author.name,)


def reply_rows(
    *,
    request,
    group: Group,
    thread: Thread,
    replies,
    viewer_id: int | None,
    may_post: bool,
) -> list[SafeString]:
    """Each reply of the page rendered as its list item, with the viewer's actions (replies
    from ``selectors.thread_replies``, which say whether the viewer voted for each)."""

    def flags_of(reply: Reply) -> PostFlags:
        voted = reply.viewer_voted
        return post_flags(post=reply, viewer_id=viewer_id, may_post=may_post, voted=voted)

    def key_of(reply: Reply) -> tuple:
        return (
            reply.pk,
            reply.status,
            reply.rejection_reason,
            reply.helpful_count,
            reply.created_at,
            reply.edited_at,
            reply.body_html,
            _author_key(reply),
            thread.accepted_reply_id == reply.pk,
            flags_of(reply),
        )

    def context_of(reply: Reply) -> dict:
        flags = flags_of(reply)
        return {
            "reply": reply,
            "accepted": thread.accepted_reply_id == reply.pk,
            "voted": flags.voted,
            "can_vote": flags.can_vote,
            "is_author": flags.is_author,
            "signed_in": flags.signed_in,
        }

    return fragments_render(
        request=request,
        template_name="groups/_reply.html",
        includes=("groups/_post_actions.html",),
        shared={
            "group_slug": group.slug,
            "viewer_asked": thread.kind == Thread.Kind.QUESTION and thread.author_id == viewer_id,
            "flag_reasons": tuple(Flag.Reason.choices),
            "time_zone": timezone.get_current_timezone_name(),
        },
        items=list(replies),
        key_of=key_of,
        context_of=context_of,
    )


def thread_header(*, request, group: Group, thread: Thread, flags: PostFlags) -> SafeString:
    """The thread's header, body and the viewer's actions on it (``thread`` from
    ``selectors.thread_for_page``). Its tags are not in the key: they change only with an edit,
    which moves ``updated_at``, so they are read only when the header is rendered."""

    def key_of(thread: Thread) -> tuple:
        return (
            thread.pk,
            thread.title,
            thread.kind,
            thread.status,
            thread.rejection_reason,
            thread.is_pinned,
            thread.is_locked,
            thread.helpful_count,
            thread.created_at,
            thread.edited_at,
            thread.updated_at,
            thread.body_html,
            _author_key(thread),
            flags,
        )

    def context_of(thread: Thread) -> dict:
        with_tag_names([thread])
        return {
            "thread": thread,
            "voted": flags.voted,
            "can_vote": flags.can_vote,
            "is_author": flags.is_author,
            "signed_in": flags.signed_in,
        }

    return fragments_render(
        request=request,
        template_name="groups/_thread_header.html",
        includes=(
            "groups/_status_badge.html",
            "groups/_author.html",
            "groups/_post_actions.html",
        ),
        shared={
            "group_slug": group.slug,
            "flag_reasons": tuple(Flag.Reason.choices),
            "time_zone": timezone.get_current_timezone_name(),
        },
        items=[thread],
        key_of=key_of,
        context_of=context_of,
    )[0]


def thread_rows(*, request, group: Group, threads) -> list[SafeString]:
    """Each thread rendered as its row in the group's list (the same for every viewer); the
    threads come with their ``tag_names`` (``selectors.with_tag_names``)."""
    threads = list(threads)
    ago = {thread.pk: timesince(thread.last_activity_at) for thread in threads}

    def key_of(thread: Thread) -> tuple:
        return (
            thread.pk,
            thread.title,
            thread.kind,
            thread.status,
            thread.rejection_reason,
            thread.is_pinned,
            thread.is_locked,
            thread.reply_count,
            thread.helpful_count,
            thread.last_activity_at,
            ago[thread.pk],
            _author_key(thread),
            tuple(thread.tag_names),
        )

    return fragments_render(
        request=request,
        template_name="groups/_thread_row.html",
        shared={"group_slug": group.slug, "time_zone": timezone.get_current_timezone_name()},
        items=threads,
        key_of=key_of,
        context_of=lambda thread: {"thread": thread, "activity_ago": ago[thread.pk]},
    )
