"""Writes for referrals: inviting a company, its answer (accept, or decline with a reason), the
outcome, and the follow-up of an invitation left unanswered (a reminder after
``REFERRAL_REMIND_AFTER_BUSINESS_DAYS``, an escalation to staff after
``REFERRAL_ESCALATE_AFTER_BUSINESS_DAYS``; business days in the site's time zone, see
``collaboration.business_days``).

Access is checked by the caller (see ``collaboration.selectors``); these functions assume it
passed and enforce the business rules, raising ``ValidationError`` with the messages below.
Every email shows the referral through ``selectors.referral_card`` for its recipient, so an
invitation never names the customer to the receiving company before it accepts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from collaboration.business_days import add_business_days
from collaboration.models import (
    Collaboration,
    FindPartnerRequest,
    Referral,
    ReferralEvent,
    ValueRange,
)
from collaboration.selectors import (
    referral_card,
    referral_invitation_recipients,
    referral_staff_recipients,
    user_company,
)
from directory.models import Company, Industry
from groups.models import Thread
from portal.emails import absolute_url, email_subject, in_language_of
from portal.queueing import enqueue_on_commit

SAME_COMPANY = gettext_noop("A referral goes from one company to another.")
NEGATIVE_VALUE = gettext_noop("The value cannot be negative.")
BAD_CURRENCY = gettext_noop("Use a three-letter currency code such as USD or EUR.")
BAD_TRANSITION = gettext_lazy("A referral cannot go from “%(current)s” to “%(target)s”.")
WRONG_COMPANY = gettext_lazy("Only %(company)s can move this referral to “%(target)s”.")
NO_OTHER_COMPANY = gettext_noop("This request has no other company to refer to yet.")
NO_USE_CASE = gettext_noop(
    "Describe the use case: it is what the other company sees before accepting."
)
NO_CUSTOMER = gettext_noop("Name the customer: the other company sees it once it accepts.")
DECLINE_REASON_REQUIRED = gettext_noop(
    "Say why you decline: the referring company sees your reason."
)

# Email subjects, per event; the body comes from collaboration/email/referral_<event>.txt.
REFERRAL_SUBJECTS = {
    "invited": gettext_noop("%(from_company)s referred an opportunity to %(to_company)s"),
    "accepted": gettext_noop("%(to_company)s accepted your referral"),
    "declined": gettext_noop("%(to_company)s declined your referral"),
    "reminder": gettext_noop(
        "Reminder: a referral from %(from_company)s is waiting for your answer"
    ),
    "escalated": gettext_noop("A referral from %(from_company)s to %(to_company)s is unanswered"),
}

CURRENCIES = ["USD", "EUR", "GBP", "CHF", "JPY", "AUD", "CAD", "INR", "SGD", "BRL", "SEK"]


@transaction.atomic
def referral_create(
    *,
    created_by,
    from_company: Company,
    to_company: Company,
    use_case: str,
    customer_name: str,
    value: Decimal | None,
    currency: str,
    industry: Industry | None = None,
    country: str = "",
    size_band: str = "",
    customer_contact_name: str = "",
    customer_contact_email: str = "",
    customer_contact_phone: str = "",
    title: str = "",
    partner_request: FindPartnerRequest | None = None,
    collaboration: Collaboration | None = None,
    thread: Thread | None = None,
    now: datetime | None = None,
) -> Referral:
    """Refer an opportunity from one company to another, linked to where it came from; the
    receiving company is invited by email, with the customer left out."""
    errors: dict[str, list[str]] = {}
    if from_company.pk == to_company.pk:
        errors["__all__"] = [SAME_COMPANY]
    use_case = use_case.strip()
    customer_name = customer_name.strip()
    if not use_case:
        errors["use_case"] = [NO_USE_CASE]
    if not customer_name:
        errors["customer_name"] = [NO_CUSTOMER]
    if value is not None and value < 0:
        errors["value"] = [NEGATIVE_VALUE]
    currency = (currency or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = [BAD_CURRENCY]
    if errors:
        raise ValidationError(errors)
    if collaboration is not None and partner_request is None:
        partner_request = collaboration.request
    if partner_request is not None and thread is None:
        thread = partner_request.thread
    now = now or timezone.now()
    referral = Referral(
        from_company=from_company,
        to_company=to_company,
        # The title is what the two sides call the deal once it is accepted.
        title=(title.strip() or f"{customer_name}: {use_case}")[:200],
        use_case=use_case,
        industry=industry,
        country=country,
        size_band=size_band,
        value=value,
        value_range=ValueRange.for_value(value),
        currency=currency,
        customer_name=customer_name,
        customer_contact_name=customer_contact_name.strip(),
        customer_contact_email=customer_contact_email.strip(),
        customer_contact_phone=customer_contact_phone.strip(),
        request=partner_request,
        collaboration=collaboration,
        thread=thread,
        created_by=created_by,
        created_at=now,
        reminder_due_at=add_business_days(now, settings.REFERRAL_REMIND_AFTER_BUSINESS_DAYS),
        escalation_due_at=add_business_days(now, settings.REFERRAL_ESCALATE_AFTER_BUSINESS_DAYS),
    )
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, actor=created_by, to_status=Referral.Status.PROPOSED, created_at=now
    )
    _notify(referral=referral, event="invited")
    return referral


# Who may move a referral where: the receiving company accepts or declines it (with a reason)
# and reports the outcome; the referring company may withdraw a proposal (it becomes lost).
REFERRAL_TRANSITIONS = {
    (Referral.Status.PROPOSED, Referral.Status.ACCEPTED): "to",
    (Referral.Status.PROPOSED, Referral.Status.DECLINED): "to",
    (Referral.Status.PROPOSED, Referral.Status.LOST): "from",
    (Referral.Status.ACCEPTED, Referral.Status.WON): "to",
    (Referral.Status.ACCEPTED, Referral.Status.LOST): "to",
}


def referral_allowed_statuses(*, referral: Referral, company: Company | None) -> list[str]:
    """The statuses this company may move the referral to now."""
    if company is None:
        return []
    entitled = {"to": {referral.to_company_id}, "from": {referral.from_company_id}}
    return [
        target
        for (current, target), who in REFERRAL_TRANSITIONS.items()
        if current == referral.status and company.pk in entitled[who]
    ]


@transaction.atomic
def referral_status_change(
    *,
    referral: Referral,
    status: str,
    actor,
    actor_company: Company | None,
    reason: str = "",
    now: datetime | None = None,
) -> Referral:
    """Move a referral along proposed → accepted (or declined, with a reason) → won/lost, by
    the company entitled to; the audit row keeps who, when, from, to and why."""
    now = now or timezone.now()
    reason = reason.strip()
    referral = Referral.objects.select_for_update().select_related("to_company").get(pk=referral.pk)
    current = referral.status
    labels = dict(Referral.Status.choices)
    rule = REFERRAL_TRANSITIONS.get((current, status))
    if rule is None:
        raise ValidationError(
            BAD_TRANSITION,
            params={"current": labels.get(current, current), "target": labels.get(status, status)},
        )
    if status not in referral_allowed_statuses(referral=referral, company=actor_company):
        raise ValidationError(
            WRONG_COMPANY, params={"company": referral.to_company.name, "target": labels[status]}
        )
    if status == Referral.Status.DECLINED and not reason:
        raise ValidationError({"reason": [DECLINE_REASON_REQUIRED]})
    referral.status = status
    fields = ["status", "updated_at"]
    if current == Referral.Status.PROPOSED and status in (
        Referral.Status.ACCEPTED,
        Referral.Status.DECLINED,
    ):
        referral.responded_at = now
        fields.append("responded_at")
    if status == Referral.Status.DECLINED:
        referral.decline_reason = reason
        fields.append("decline_reason")
    referral.save(update_fields=fields)
    ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        from_status=current,
        to_status=status,
        reason=reason,
        created_at=now,
    )
    if status in (Referral.Status.ACCEPTED, Referral.Status.DECLINED):
        _notify(referral=referral, event=status)
    return referral


# Emails ---------------------------------------------------------------------------------------


def _notify(*, referral: Referral, event: str) -> None:
    # Imported here: collaboration.tasks imports these services (the app's one allowed loop).
    from collaboration.tasks import referral_notify as referral_notify_task

    enqueue_on_commit(
        referral_notify_task,
        if_broker_down=f"no '{event}' email for this referral; the referral itself is saved",
        referral_id=referral.pk,
        event=event,
    )


def referral_recipients(*, referral: Referral, event: str) -> Iterable:
    """Who hears about an event: the receiving company of an invitation or reminder, the
    referring company of an answer, program staff of an escalation."""
    if event in ("invited", "reminder"):
        return referral_invitation_recipients(company=referral.to_company)
    if event == "escalated":
        return referral_staff_recipients()
    return referral_invitation_recipients(company=referral.from_company)


def referral_notify_send(*, referral: Referral, event: str) -> int:
    """Email the people an event concerns, each seeing the referral as their card shows it
    (the receiving company: no customer before it accepts). Returns how many were sent."""
    url = absolute_url(reverse("collaboration:referral", kwargs={"referral_id": referral.pk}))
    list_url = absolute_url(reverse("collaboration:referrals_escalated"))
    companies = {"from_company": referral.from_company.name, "to_company": referral.to_company.name}
    sent = 0
    for recipient in referral_recipients(referral=referral, event=event):
        company = user_company(recipient)
        with in_language_of(recipient):
            card = referral_card(referral=referral, viewer=recipient, company=company)
            subject = gettext(REFERRAL_SUBJECTS[event]) % companies
            body = render_to_string(
                f"collaboration/email/referral_{event}.txt",
                {"recipient": recipient, "card": card, "url": url, "list_url": list_url},
            )
        send_mail(
            subject=email_subject(subject[:150]),
            message=body,
            from_email=None,
            recipient_list=[recipient.email],
        )
        sent += 1
    return sent


# Follow-up of unanswered invitations ----------------------------------------------------------


def _follow_up(*, due_field: str, done_field: str, event: str, now: datetime) -> int:
    """Claim each due invitation with one conditional UPDATE (``done_field`` still empty), then
    email in the same transaction: a concurrent or repeated run finds it claimed and skips it,
    and a failed send rolls the claim back so a retry sends after all."""
    due = Referral.objects.filter(
        status=Referral.Status.PROPOSED,
        **{f"{done_field}__isnull": True, f"{due_field}__lte": now},
    ).order_by(due_field, "pk")
    done = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=pk, status=Referral.Status.PROPOSED, **{f"{done_field}__isnull": True}
            ).update(**{done_field: now})
            if not claimed:
                continue
            referral = Referral.objects.select_related(
                "from_company", "to_company", "industry"
            ).get(pk=pk)
            referral_notify_send(referral=referral, event=event)
            done += 1
    return done


def referral_reminders_send(*, now: datetime | None = None) -> int:
    """Remind receiving companies of invitations unanswered for the reminder's business days,
    each invitation once. Returns how many were reminded."""
    return _follow_up(
        due_field="reminder_due_at",
        done_field="reminded_at",
        event="reminder",
        now=now or timezone.now(),
    )


def referral_escalations_send(*, now: datetime | None = None) -> int:
    """Tell program staff of invitations unanswered for the escalation's business days, each
    invitation once; they then show on the staff list. Returns how many were escalated."""
    return _follow_up(
        due_field="escalation_due_at",
        done_field="escalated_at",
        event="escalated",
        now=now or timezone.now(),
    )
