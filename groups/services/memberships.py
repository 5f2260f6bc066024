"""Groups and who belongs to them: creating a group, joining, leaving, requests to join and
invitations."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from groups.models import Group, GroupMembership
from groups.signals import join_request_decided
from portal.models import User

JOIN_NEEDS_INVITATION = gettext_noop("This group is by invitation only.")
JOIN_BANNED = gettext_noop("You have been banned from this group and cannot join again.")
ALREADY_MEMBER = gettext_noop("You are already a member of this group.")
ALREADY_REQUESTED = gettext_noop("You have already asked to join; a moderator will answer.")
NOT_A_MEMBER_TO_LEAVE = gettext_noop("You are not a member of this group.")
LAST_OWNER_CANNOT_LEAVE = gettext_noop(
    "You are the group's only owner; name another owner before leaving."
)
INVITE_UNKNOWN_EMAIL = gettext_noop("No portal member has that email address.")
INVITE_ALREADY_MEMBER = gettext_noop("That person is already a member of this group.")
INVITE_BANNED = gettext_noop("That person is banned from this group.")
INVITE_ALREADY_SENT = gettext_noop("That person has already been invited.")
NO_INVITATION = gettext_noop("You have no invitation to this group.")
NO_REQUEST = gettext_noop("There is no such request to join.")


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
