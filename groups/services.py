"""Writes for groups, threads and replies."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from directory.selectors.companies import user_company
from groups.content_version import content_version_bump
from groups.markdown import render_markdown
from groups.models import (
    Group,
    GroupMembership,
    HelpfulVote,
    PostRevision,
    PostStatus,
    Reply,
    Thread,
)
from groups.selectors import can_moderate_group
from groups.signals import join_request_decided, post_resubmitted, post_submitted
from portal.models import User

Post = Thread | Reply


def _group_id_of(post: Post) -> int:
    return post.group_id if isinstance(post, Thread) else post.thread.group_id


def _group_of(post: Post) -> Group:
    return post.group if isinstance(post, Thread) else post.thread.group


@transaction.atomic
def post_publish(*, post: Post) -> Post:
    """Make a thread or reply visible to everyone who may read its group; keeps the counters."""
    if post.status == PostStatus.PUBLISHED:
        return post
    now = timezone.now()
    post.status = PostStatus.PUBLISHED
    post.published_at = post.published_at or now
    post.rejection_reason = ""
    post.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    group = _group_of(post)
    if isinstance(post, Thread):
        Group.objects.filter(pk=group.pk).update(
            thread_count=F("thread_count") + 1, last_activity_at=now
        )
    else:
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") + 1, last_activity_at=now
        )
        Group.objects.filter(pk=group.pk).update(last_activity_at=now)
    content_version_bump(group_id=_group_id_of(post))
    return post


@transaction.atomic
def post_unpublish(*, post: Post, status: str, reason: str = "") -> Post:
    """Take a post out of view (rejected or removed), keeping what the author wrote."""
    was_published = post.status == PostStatus.PUBLISHED
    post.status = status
    post.rejection_reason = reason
    post.save(update_fields=["status", "rejection_reason", "updated_at"])
    if was_published:
        if isinstance(post, Thread):
            Group.objects.filter(pk=post.group_id).update(thread_count=F("thread_count") - 1)
        else:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
    content_version_bump(group_id=_group_id_of(post))
    return post


# --- Groups, memberships, threads, replies, votes (h3) ------------------------------------

JOIN_NEEDS_INVITATION = "This group is by invitation only."
JOIN_BANNED = "You have been banned from this group and cannot join again."
ALREADY_MEMBER = "You are already a member of this group."
ALREADY_REQUESTED = "You have already asked to join; a moderator will answer."
NOT_A_MEMBER_TO_LEAVE = "You are not a member of this group."
LAST_OWNER_CANNOT_LEAVE = "You are the group's only owner; name another owner before leaving."
INVITE_UNKNOWN_EMAIL = "No portal member has that email address."
INVITE_ALREADY_MEMBER = "That person is already a member of this group."
INVITE_BANNED = "That person is banned from this group."
INVITE_ALREADY_SENT = "That person has already been invited."
NO_INVITATION = "You have no invitation to this group."
NO_REQUEST = "There is no such request to join."
CANNOT_VOTE_OWN_POST = "You cannot mark your own post as helpful."
ACCEPT_ONLY_QUESTIONS = "Only questions have an accepted answer."
ACCEPT_ONLY_AUTHOR = "Only the person who asked can accept an answer."
ACCEPT_ONLY_PUBLISHED_REPLY = "Only a published reply in this thread can be the accepted answer."


def _membership_count_change(group: Group, delta: int) -> None:
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + delta)


@transaction.atomic
def group_create(
    *,
    creator,
    name: str,
    slug: str,
    description: str = "",
    visibility: str = Group.Visibility.PUBLIC,
    join_policy: str = Group.JoinPolicy.OPEN,
    moderation_policy: str = Group.ModerationPolicy.PREMODERATE_NEW,
    tags: list[str] | None = None,
) -> Group:
    """Create a group (program staff); its creator becomes its owner."""
    group = Group(
        name=name,
        slug=slug,
        description=description,
        visibility=visibility,
        join_policy=join_policy,
        moderation_policy=moderation_policy,
        created_by=creator,
        member_count=1,
    )
    group.full_clean()
    group.save()
    if tags:
        group.tags.set(tags)
    GroupMembership.objects.create(
        group=group,
        user=creator,
        role=GroupMembership.Role.OWNER,
        status=GroupMembership.Status.ACTIVE,
    )
    return group


@transaction.atomic
def group_join(*, group: Group, user) -> GroupMembership:
    """Join an open group at once, or ask to join a group that admits by request."""
    membership = GroupMembership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is not None:
        if membership.status == GroupMembership.Status.BANNED:
            raise ValidationError(JOIN_BANNED)
        if membership.status == GroupMembership.Status.ACTIVE:
            raise ValidationError(ALREADY_MEMBER)
        if membership.status == GroupMembership.Status.REQUESTED:
            raise ValidationError(ALREADY_REQUESTED)
        # An invited person who presses "join" accepts the invitation.
        return group_invitation_accept(membership=membership)
    if group.join_policy == Group.JoinPolicy.INVITE:
        raise ValidationError(JOIN_NEEDS_INVITATION)
    status = (
        GroupMembership.Status.ACTIVE
        if group.join_policy == Group.JoinPolicy.OPEN
        else GroupMembership.Status.REQUESTED
    )
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(group=group, user=user, status=status)
    except IntegrityError:  # a second click raced the first one
        raise ValidationError(ALREADY_MEMBER) from None
    if status == GroupMembership.Status.ACTIVE:
        _membership_count_change(group, +1)
    return membership


@transaction.atomic
def group_leave(*, group: Group, user) -> None:
    """Leave a group (or withdraw a request to join); a ban stays in place."""
    membership = GroupMembership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None or membership.status not in (
        GroupMembership.Status.ACTIVE,
        GroupMembership.Status.REQUESTED,
    ):
        raise ValidationError(NOT_A_MEMBER_TO_LEAVE)
    if (
        membership.role == GroupMembership.Role.OWNER
        and not GroupMembership.objects.filter(
            group=group, role=GroupMembership.Role.OWNER, status=GroupMembership.Status.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(LAST_OWNER_CANNOT_LEAVE)
    was_active = membership.is_active
    membership.delete()
    if was_active:
        _membership_count_change(group, -1)


@transaction.atomic
def group_request_decide(
    *, group: Group, membership_id: int, approve: bool, moderator
) -> GroupMembership:
    """A moderator approves a request to join (the person becomes a member) or declines it;
    the decision is announced (join_request_decided) for the moderation log."""
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(pk=membership_id, group=group, status=GroupMembership.Status.REQUESTED)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(NO_REQUEST)
    if approve:
        membership.status = GroupMembership.Status.ACTIVE
        membership.save(update_fields=["status", "updated_at"])
        _membership_count_change(group, +1)
    else:
        membership.delete()
    join_request_decided.send(
        sender=GroupMembership,
        group=group,
        membership=membership,
        approved=approve,
        moderator=moderator,
    )
    return membership


@transaction.atomic
def group_invite(*, group: Group, email: str, inviter) -> GroupMembership:
    """A moderator invites a portal member by email; a pending request to join is approved."""
    invitee = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if invitee is None:
        raise ValidationError(INVITE_UNKNOWN_EMAIL)
    membership = (
        GroupMembership.objects.select_for_update().filter(group=group, user=invitee).first()
    )
    if membership is None:
        return GroupMembership.objects.create(
            group=group, user=invitee, status=GroupMembership.Status.INVITED, invited_by=inviter
        )
    if membership.status == GroupMembership.Status.REQUESTED:
        return group_request_decide(
            group=group, membership_id=membership.pk, approve=True, moderator=inviter
        )
    raise ValidationError(
        {
            GroupMembership.Status.ACTIVE: INVITE_ALREADY_MEMBER,
            GroupMembership.Status.BANNED: INVITE_BANNED,
            GroupMembership.Status.INVITED: INVITE_ALREADY_SENT,
        }[membership.status]
    )


def _invitation_of(*, group: Group, user) -> GroupMembership:
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(group=group, user=user, status=GroupMembership.Status.INVITED)
        .first()
    )
    if membership is None:
        raise ValidationError(NO_INVITATION)
    return membership


@transaction.atomic
def group_invitation_accept(*, membership: GroupMembership) -> GroupMembership:
    """The invited person accepts and becomes an active member."""
    membership = _invitation_of(group=membership.group, user=membership.user)
    membership.status = GroupMembership.Status.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    _membership_count_change(membership.group, +1)
    return membership


@transaction.atomic
def group_invitation_decline(*, group: Group, user) -> None:
    """The invited person declines; the invitation disappears."""
    _invitation_of(group=group, user=user).delete()


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
