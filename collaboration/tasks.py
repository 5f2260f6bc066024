"""Thin Celery tasks for collaboration: they load ids, re-check state and call a service."""

from smtplib import SMTPException

from celery import shared_task

from collaboration import services
from collaboration.models import Collaboration, FindPartnerRequest, Referral
from portal.models import User


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=5,
    retry_backoff=True,
)
def request_notify_matches(*, thread_id: int) -> int:
    """Tell fitting companies' admins about a published request; safe to run any number of times."""
    partner_request = (
        FindPartnerRequest.objects.select_related("thread", "company")
        .filter(thread_id=thread_id)
        .first()
    )
    if partner_request is None:  # deleted meanwhile, or not a request
        return 0
    return services.request_notify_matches(partner_request=partner_request)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=5,
    retry_backoff=True,
)
def collaboration_notify(
    *, collaboration_id: int, event: str, recipient_ids: list[int], actor_id: int
) -> int:
    """Email a collaboration's followers about a new conversation, message or invitation."""
    collaboration = (
        Collaboration.objects.select_related("requesting_company", "responding_company")
        .filter(pk=collaboration_id)
        .first()
    )
    actor = User.objects.filter(pk=actor_id).first()
    if collaboration is None or actor is None:
        return 0
    recipients = User.objects.filter(pk__in=recipient_ids, is_active=True)
    return services.collaboration_notify_send(
        collaboration=collaboration, event=event, recipients=recipients, actor=actor
    )


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=5,
    retry_backoff=True,
)
def referral_notify(*, referral_id: int, event: str) -> int:
    """Email the people a referral event concerns (invitation, answer), redacted per recipient."""
    referral = (
        Referral.objects.select_related("from_company", "to_company", "industry")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:  # deleted meanwhile
        return 0
    return services.referral_notify_send(referral=referral, event=event)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=5,
    retry_backoff=True,
)
def referral_invitations_follow_up() -> dict[str, int]:
    """Beat: remind, then escalate, unanswered referral invitations; each happens once, however
    often (or concurrently) this runs."""
    return {
        "reminded": services.referral_reminders_send(),
        "escalated": services.referral_escalations_send(),
    }
