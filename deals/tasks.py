"""Thin Celery tasks for deal registration: they load ids, re-check state and call a service."""

from smtplib import SMTPException

from celery import shared_task

from deals.models import DealRegistration


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=5,
    retry_backoff=True,
)
def deal_notify(*, registration_id: int, event: str, reason: str = "") -> int:
    """Email the company about a decision on its registration."""
    from deals import services

    registration = (
        DealRegistration.objects.select_related("company").filter(pk=registration_id).first()
    )
    if registration is None:
        return 0
    return services.deal_send_email(registration=registration, event=event, reason=reason)


@shared_task(acks_late=True)
def deals_expire() -> int:
    """Beat: flip approved registrations whose protection has ended to expired."""
    from deals import services

    return services.deals_expire()


@shared_task(acks_late=True, autoretry_for=(SMTPException, ConnectionError), max_retries=5)
def deals_remind() -> int:
    """Beat: the 14- and 3-day reminders before protection ends, each once."""
    from deals import services

    return services.deals_remind()


@shared_task(acks_late=True, autoretry_for=(SMTPException, ConnectionError), max_retries=5)
def deals_staff_digest() -> int:
    """Beat (hourly): one email to program staff listing the registrations submitted since."""
    from deals import services

    return services.deals_staff_digest_send()
