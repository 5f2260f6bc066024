"""Threads and replies: writing, editing (with history and review again), helpful votes and
accepted answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from directory.selectors.companies import user_company
from groups.content_version import content_version_bump
from groups.markdown import render_markdown
from groups.models import Group, HelpfulVote, PostRevision, PostStatus, Reply, Thread
from groups.selectors import can_moderate_group
from groups.services._common import Post, _group_id_of, _group_of
from groups.services.publishing import post_publish, post_unpublish
from groups.signals import post_resubmitted, post_submitted

CANNOT_VOTE_OWN_POST = gettext_noop("You cannot mark your own post as helpful.")
ACCEPT_ONLY_QUESTIONS = gettext_noop("Only questions have an accepted answer.")
ACCEPT_ONLY_AUTHOR = gettext_noop("Only the person who asked can accept an answer.")
ACCEPT_ONLY_PUBLISHED_REPLY = gettext_noop(
    "Only a published reply in this thread can be the accepted answer."
)


def _submit(post: Post) -> None:
    """Hand a just-saved pending post to whoever reviews posts (see groups.signals), or publish
    it when nobody does."""
    if post_submitted.has_listeners(type(post)):
        post_submitted.send(sender=type(post), post=post)
    else:
        post_publish(post=post)


@transaction.atomic
def thread_create(
    *,
    group: Group,
    author,
    title: str,
    body_markdown: str,
    kind: str = Thread.Kind.DISCUSSION,
    tags: list[str] | None = None,
) -> Thread:
    """Save a new thread as pending and submit it for review, which publishes or holds it."""
    thread = Thread(
        group=group,
        author=author,
        author_company=user_company(author),
        kind=kind,
        title=title,
        body_markdown=body_markdown,
        body_html=render_markdown(body_markdown),
        status=PostStatus.PENDING,
    )
    thread.full_clean()
    thread.save()
    if tags:
        thread.tags.set(tags)
    _submit(thread)
    return thread


@transaction.atomic
def reply_create(*, thread: Thread, author, body_markdown: str) -> Reply:
    """Save a new reply as pending and submit it for review, which publishes or holds it."""
    reply = Reply(
        thread=thread,
        author=author,
        author_company=user_company(author),
        body_markdown=body_markdown,
        body_html=render_markdown(body_markdown),
        status=PostStatus.PENDING,
    )
    reply.full_clean()
    reply.save()
    _submit(reply)
    return reply


@transaction.atomic
def post_edit(
    *,
    post: Post,
    editor,
    body_markdown: str,
    title: str | None = None,
    tags: list[str] | None = None,
) -> Post:
    """Change a post's text, keeping the previous version as a revision for moderators.

    Unless the editor moderates the group, an edited post goes back through review: a published
    post turns pending (leaving the counters) until screening or a moderator passes the new text.
    """
    PostRevision.objects.create(
        **{"thread" if isinstance(post, Thread) else "reply": post},
        editor=editor,
        title=post.title if isinstance(post, Thread) else "",
        body_markdown=post.body_markdown,
    )
    post.body_markdown = body_markdown
    post.body_html = render_markdown(body_markdown)
    post.edited_at = timezone.now()
    fields = ["body_markdown", "body_html", "edited_at", "updated_at"]
    if isinstance(post, Thread) and title is not None:
        post.title = title
        fields.append("title")
    post.full_clean()
    post.save(update_fields=fields)
    if isinstance(post, Thread) and tags is not None:
        post.tags.set(tags)
    content_version_bump(group_id=_group_id_of(post))
    under_review = post.status in (PostStatus.PUBLISHED, PostStatus.PENDING)
    reviewed = post_resubmitted.has_listeners(type(post))
    if reviewed and under_review and not can_moderate_group(user=editor, group=_group_of(post)):
        if post.status == PostStatus.PUBLISHED:
            post_unpublish(post=post, status=PostStatus.PENDING)
        post_resubmitted.send(sender=type(post), post=post)
    return post


@transaction.atomic
def helpful_vote_toggle(*, post: Post, user) -> bool:
    """Mark a post helpful, or take the mark back; returns whether the user now finds it helpful."""
    if post.author_id == user.pk:
        raise ValidationError(CANNOT_VOTE_OWN_POST)
    target = {"thread" if isinstance(post, Thread) else "reply": post}
    model = type(post)
    deleted, _ = HelpfulVote.objects.filter(user=user, **target).delete()
    if deleted:
        model.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
        content_version_bump(group_id=_group_id_of(post))
        return False
    _, created = HelpfulVote.objects.get_or_create(user=user, **target)
    if created:
        model.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
    content_version_bump(group_id=_group_id_of(post))
    return True


@transaction.atomic
def thread_accept_reply(*, thread: Thread, reply: Reply | None, user) -> Thread:
    """The asker marks a reply as the accepted answer (or clears it with None)."""
    if thread.kind != Thread.Kind.QUESTION:
        raise ValidationError(ACCEPT_ONLY_QUESTIONS)
    if thread.author_id != user.pk:
        raise ValidationError(ACCEPT_ONLY_AUTHOR)
    if reply is not None and (reply.thread_id != thread.pk or reply.status != PostStatus.PUBLISHED):
        raise ValidationError(ACCEPT_ONLY_PUBLISHED_REPLY)
    thread.accepted_reply = reply
    thread.save(update_fields=["accepted_reply", "updated_at"])
    content_version_bump(group_id=thread.group_id)
    return thread
