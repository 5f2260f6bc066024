from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_noop

from portal.emails import email_subject, in_language_of
from portal.models import MfaAuditEntry, User

MFA_RESET_SUBJECT = gettext_noop("Your two-factor authentication was reset")
MFA_RESET_NEEDS_STAFF = "Only program staff can reset someone's two-factor authentication."
MFA_RESET_NEEDS_REASON = "Say why the two-factor authentication is reset (for the audit log)."


@transaction.atomic
def user_update_profile(
    *, user: User, display_name: str, job_title: str, time_zone: str, language: str = ""
) -> User:
    """Save the member's own profile fields."""
    user.display_name = display_name
    user.job_title = job_title
    user.time_zone = time_zone
    user.language = language
    user.full_clean()
    user.save(update_fields=["display_name", "job_title", "time_zone", "language"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a member picked in the footer switcher (a code from LANGUAGES)."""
    user.language = language
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name != "language"])
    user.save(update_fields=["language"])
    return user


def mfa_audit_record(
    *,
    user: User,
    actor: User | None,
    action: MfaAuditEntry.Action,
    authenticator_type: str = "",
    ip_address: str | None = None,
    reason: str = "",
) -> MfaAuditEntry:
    """Write the audit row of one change to a person's two-factor authentication."""
    entry = MfaAuditEntry(
        user=user,
        actor=actor,
        action=action,
        authenticator_type=authenticator_type,
        ip_address=ip_address or None,
        reason=reason,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def mfa_reset(*, user: User, staff: User, reason: str) -> int:
    """Remove every authenticator of ``user`` (lost device), audited and emailed to them.

    Their next sign-in is by password alone; if their role requires two-factor authentication
    they are then sent to enrol again before anything else. Returns how many were removed.
    """
    if not staff.is_staff:
        raise ValidationError(MFA_RESET_NEEDS_STAFF)
    if not reason.strip():
        raise ValidationError(MFA_RESET_NEEDS_REASON)
    # Lock the user row as allauth does when it replaces recovery codes.
    User.objects.select_for_update().get(pk=user.pk)
    removed, _ = Authenticator.objects.filter(user=user).delete()
    mfa_audit_record(
        user=user, actor=staff, action=MfaAuditEntry.Action.RESET_BY_STAFF, reason=reason.strip()
    )
    with in_language_of(user):
        subject = email_subject(gettext(MFA_RESET_SUBJECT))
        body = render_to_string("mfa/email/reset_by_staff_message.txt", {"user": user})
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )
    return removed
