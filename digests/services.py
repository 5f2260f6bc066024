"""Writes for digests: preferences, unsubscribing, and sending a batch exactly once."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from digests.models import DigestPreference, DigestSent, Frequency
from digests.schedule import period_for
from digests.selectors import Digest, digests_for_members, members_for_batch
from groups.models import GroupMembership
from portal.emails import absolute_url, in_language_of
from portal.models import User

logger = logging.getLogger(__name__)

TOKEN_SALT = "digests.manage"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE_DEFAULT = 60 * 60 * 24 * 90  # a digest's links work for 90 days


class TransientMailError(Exception):
    """The mail server could not take a message now; the batch is worth retrying later."""


@dataclass
class BatchResult:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    already_recorded: int = 0

    def __iadd__(self, other: "BatchResult") -> "BatchResult":
        self.sent += other.sent
        self.empty += other.empty
        self.failed += other.failed
        self.already_recorded += other.already_recorded
        return self


# -- tokens -------------------------------------------------------------------------------------


def digest_token_make(*, member: User) -> str:
    """A signed, URL-safe token that lets whoever holds the digest manage its member's digests."""
    return signing.dumps(member.pk, salt=TOKEN_SALT, compress=False)


def digest_token_member(*, token: str) -> User:
    """The member a token was made for; raises signing.BadSignature (or SignatureExpired)."""
    max_age = getattr(settings, "DIGEST_TOKEN_MAX_AGE", TOKEN_MAX_AGE_DEFAULT)
    member_id = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    member = (
        User.objects.filter(pk=member_id, is_active=True).first()
        if isinstance(member_id, int)
        else None
    )
    if member is None:
        raise signing.BadSignature("No such member.")
    return member


# -- preferences --------------------------------------------------------------------------------


def digest_frequency_of(*, member: User) -> str:
    """The member's digest frequency; weekly when they never chose."""
    pref = DigestPreference.objects.filter(member=member).first()
    return pref.frequency if pref else Frequency.WEEKLY


@transaction.atomic
def digest_preferences_update(
    *, member: User, frequency: str, enabled_group_ids: set[int]
) -> DigestPreference:
    """Set how often the member gets a digest and which of their groups it covers."""
    pref = digest_frequency_set(member=member, frequency=frequency)
    memberships = GroupMembership.objects.filter(user=member, status=GroupMembership.Status.ACTIVE)
    memberships.filter(group_id__in=enabled_group_ids).update(digest_enabled=True)
    memberships.exclude(group_id__in=enabled_group_ids).update(digest_enabled=False)
    return pref


def digest_frequency_set(*, member: User, frequency: str) -> DigestPreference:
    """Record the member's digest frequency (weekly, daily or off)."""
    pref = DigestPreference.objects.filter(member=member).first() or DigestPreference(member=member)
    pref.frequency = frequency
    pref.full_clean()
    pref.save()
    return pref


def digest_unsubscribe(*, member: User) -> DigestPreference:
    """Stop every digest to the member at once (the one-click unsubscribe)."""
    return digest_frequency_set(member=member, frequency=Frequency.OFF)


# -- the email ----------------------------------------------------------------------------------


def _thread_url(thread) -> str:
    return absolute_url(thread.get_absolute_url())


def digest_context(*, digest: Digest) -> dict:
    """Everything the digest templates show, with absolute links built from SITE_URL."""
    token = digest_token_make(member=digest.member)
    for thread in digest.threads:
        thread.digest_url = _thread_url(thread)
        thread.group.digest_url = absolute_url(thread.group.get_absolute_url())
    for request in digest.requests:
        request.digest_url = _thread_url(request.thread)
    for news in digest.partners:
        news.company.digest_url = absolute_url(f"/directory/{news.company.slug}/")
    for group in digest.groups:
        group.digest_url = absolute_url(f"/groups/{group.slug}/")
    return {
        "digest": digest,
        "member": digest.member,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": absolute_url(reverse("digests:unsubscribe", args=[token])),
        "preferences_url": absolute_url(reverse("digests:manage", args=[token])),
        "moderation_url": absolute_url("/moderation/"),
        "getting_started_url": absolute_url(reverse("home") + "#getting-started"),
        "weekly": digest.period.frequency == Frequency.WEEKLY,
    }


def digest_subject(*, digest: Digest) -> str:
    """The subject, in the active language (digest_message renders in the member's)."""
    count = digest.item_count
    if digest.period.frequency == Frequency.WEEKLY:
        text = ngettext(
            "Your weekly Partner Portal digest: %(count)d thing worth your time",
            "Your weekly Partner Portal digest: %(count)d things worth your time",
            count,
        )
    else:
        text = ngettext(
            "Your daily Partner Portal digest: %(count)d thing worth your time",
            "Your daily Partner Portal digest: %(count)d things worth your time",
            count,
        )
    return text % {"count": count}


def digest_message_id(*, member_id: int, period_key: str) -> str:
    """The Message-ID of a member's digest for a period: the same for every copy ever sent.

    If a copy does go out twice (an operator resends an attempt whose outcome was unknown),
    mail systems that fold messages by Message-ID show it once.
    """
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest.{member_id}.{period_key}@{domain}>"


def digest_message(*, digest: Digest, connection=None) -> EmailMultiAlternatives:
    """The digest as an email: plain text and inline-styled HTML, with one-click unsubscribe,
    in the member's language (their profile setting, else the portal's default)."""
    context = digest_context(digest=digest)
    with in_language_of(digest.member):
        subject = digest_subject(digest=digest)
        body = render_to_string("digests/email/digest.txt", context)
        html = render_to_string("digests/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.member.email],
        connection=connection,
        headers={
            "Message-ID": digest_message_id(
                member_id=digest.member.pk, period_key=digest.period.key
            ),
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# -- sending ------------------------------------------------------------------------------------


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError))


def _attempt_claim(*, digest: Digest, now: datetime) -> DigestSent | None:
    """Commit the IN_FLIGHT row of this digest; None when its period is already recorded."""
    try:
        with transaction.atomic():
            return DigestSent.objects.create(
                member=digest.member,
                period_key=digest.period.key,
                status=DigestSent.Status.IN_FLIGHT,
                item_count=digest.item_count,
                created_at=now,
                attempted_at=timezone.now(),
            )
    except IntegrityError:
        return None


def _attempt_record(*, attempt: DigestSent, status: str) -> None:
    DigestSent.objects.filter(pk=attempt.pk).update(status=status)


def digest_batch_send(*, member_ids: list[int], now: datetime | None = None) -> BatchResult:
    """Send the due digests of these members over one mail connection, each at most once.

    Members are fetched again and re-checked (still active, still subscribed, not yet recorded
    for the period). Each digest is first claimed by committing its row as IN_FLIGHT (the unique
    (member, period) row makes a retried task, a redelivered batch, a second run or another
    worker skip it), then handed to the mail server, then marked SENT. A process killed between
    the server taking the message and that mark leaves the row IN_FLIGHT, and nothing resends
    it: ``send_digests`` reports it. A message the server explicitly did not take releases its
    claim so that the next attempt sends it. Empty digests are recorded as such and not sent.
    A transient mail error stops the batch with TransientMailError; a permanent refusal is
    recorded. Must run outside a transaction, so that each claim is committed before its send.
    """
    now = now or timezone.now()
    result = BatchResult()
    members = members_for_batch(member_ids=member_ids, now=now)
    digests = digests_for_members(members=members, now=now)
    empty = [d for d in digests if d.is_empty]
    if empty:
        DigestSent.objects.bulk_create(
            [
                DigestSent(member=d.member, period_key=d.period.key, status=DigestSent.Status.EMPTY)
                for d in empty
            ],
            ignore_conflicts=True,
        )
        result.empty = len(empty)
    to_send = [d for d in digests if not d.is_empty]
    if not to_send:
        return result
    connection = get_connection()
    try:
        # Opened here, the one connection stays open for the whole batch; opened by send(), it
        # would be closed again after every message.
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientMailError(f"Mail server unavailable: {exc}") from exc
        for digest in to_send:
            message = digest_message(digest=digest, connection=connection)
            attempt = _attempt_claim(digest=digest, now=now)
            if attempt is None:
                result.already_recorded += 1
                continue
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                # No final "250": the server refused the message or the connection broke first.
                # SMTP counts that as not delivered; if a server did keep a copy, the second
                # copy carries the same Message-ID.
                if _is_transient(exc):
                    attempt.delete()
                    raise TransientMailError(str(exc)) from exc
                logger.warning("Digest to member %s refused: %s", digest.member.pk, exc)
                _attempt_record(attempt=attempt, status=DigestSent.Status.FAILED)
                result.failed += 1
            else:
                _attempt_record(attempt=attempt, status=DigestSent.Status.SENT)
                result.sent += 1
    finally:
        connection.close()
    return result


# -- attempts left in flight --------------------------------------------------------------------


def digest_attempts_give_up(*, attempts: list[DigestSent]) -> int:
    """Mark attempts left in flight as given up: recorded for their period, never resent."""
    ids = [a.pk for a in attempts]
    given_up = DigestSent.objects.filter(pk__in=ids, status=DigestSent.Status.IN_FLIGHT).update(
        status=DigestSent.Status.GIVEN_UP
    )
    logger.warning("Gave up %s digest attempt(s) left in flight", given_up)
    return given_up


def digest_attempts_resend(
    *, attempts: list[DigestSent], now: datetime | None = None
) -> tuple[BatchResult, int]:
    """Send again the attempts left in flight whose period is still the member's current one.

    For when the mail server's log shows the first copy never arrived; if it did, the repeated
    Message-ID lets mail systems fold the two. Attempts of a period that is over (or of a member
    who turned digests off) are given up instead: the next digest covers what they held.
    Returns what the resend did and how many attempts were given up.
    """
    now = now or timezone.now()
    frequencies = dict(
        DigestPreference.objects.filter(member__in=[a.member_id for a in attempts]).values_list(
            "member_id", "frequency"
        )
    )
    current, over = [], []
    for attempt in attempts:
        frequency = frequencies.get(attempt.member_id, Frequency.WEEKLY)
        period = period_for(frequency=frequency, time_zone=attempt.member.time_zone, now=now)
        still_current = frequency != Frequency.OFF and period.key == attempt.period_key
        (current if still_current else over).append(attempt)
    given_up = digest_attempts_give_up(attempts=over) if over else 0
    if not current:
        return BatchResult(), given_up
    # Releasing the claim makes the member's current period unrecorded again; the batch claims
    # it anew, so a scheduled run at the same moment still sends only one of the two.
    released = DigestSent.objects.filter(
        pk__in=[a.pk for a in current], status=DigestSent.Status.IN_FLIGHT
    )
    member_ids = list(released.values_list("member_id", flat=True))
    released.delete()
    logger.warning("Resending %s digest attempt(s) left in flight", len(member_ids))
    return digest_batch_send(member_ids=member_ids, now=now), given_up
