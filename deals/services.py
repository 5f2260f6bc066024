"""Writes for deal registrations: drafting, submitting, the program's decisions, expiry.

Access is checked by the caller (``deals.selectors``: the company's own people draft and submit,
program staff decide); these functions assume it passed and enforce the business rules, raising
``ValidationError`` with the messages below. Every status change writes a
``DealRegistrationEvent`` in the same transaction, and the company is emailed after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from collaboration.models import Collaboration, FindPartnerRequest, Referral
from deals import selectors
from deals import tasks as deals_tasks
from deals.customers import customer_host, registrable_domain
from deals.models import (
    DealRegistration,
    DealRegistrationEvent,
    DealReminder,
    DealStatus,
)
from deals.signals import registration_status_changed
from directory.models import Company, CompanyMembership, Competency
from groups.models import Thread
from portal.emails import absolute_url, by_language, email_subject
from portal.models import User
from portal.queueing import enqueue_on_commit

CONFLICT_NOTICE = gettext_noop(
    "Another registration exists for this customer; the program team will decide."
)
NOT_A_DOMAIN = gettext_noop("Enter the customer's web domain, such as acme.com.")
PUBLIC_SUFFIX_ONLY = gettext_lazy(
    "%(domain)s is a public suffix, not a customer's domain: enter e.g. acme.%(domain)s."
)
NEGATIVE_VALUE = gettext_noop("The value cannot be negative.")
CLOSE_DATE_PAST = gettext_noop("The expected close date cannot be in the past.")
NO_COMPETENCIES = gettext_noop("Choose at least one product or competency.")
NOT_EDITABLE = gettext_lazy("Only a draft can be edited; this registration is “%(status)s”.")
BAD_TRANSITION = gettext_lazy("A registration cannot go from “%(current)s” to “%(target)s”.")
NOT_EXTENDABLE = gettext_lazy(
    "Only an approved registration can be extended; this one is “%(status)s”."
)
REASON_REQUIRED = gettext_noop("Give a reason: the partner sees it.")
ALREADY_APPROVED = gettext_noop(
    "Another registration for this customer is already approved and protected; reject this one "
    "or let the other expire first."
)
EXTEND_DAYS = gettext_noop("Extend by 1 to 365 days.")

# status -> statuses it may move to, and who moves it there.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DealStatus.DRAFT, DealStatus.SUBMITTED): "company",
    (DealStatus.SUBMITTED, DealStatus.APPROVED): "staff",
    (DealStatus.SUBMITTED, DealStatus.REJECTED): "staff",
    (DealStatus.APPROVED, DealStatus.WON): "company or staff",
    (DealStatus.APPROVED, DealStatus.LOST): "company or staff",
    (DealStatus.APPROVED, DealStatus.EXPIRED): "portal",
}


def _labels() -> dict[str, str]:
    return dict(DealStatus.choices)


def _check_transition(registration: DealRegistration, target: str) -> None:
    if (registration.status, target) not in TRANSITIONS:
        labels = _labels()
        raise ValidationError(
            BAD_TRANSITION,
            params={
                "current": labels.get(registration.status, registration.status),
                "target": labels.get(target, target),
            },
        )


def _record(
    registration: DealRegistration,
    *,
    actor: User | None,
    from_status: str,
    kind: str = DealRegistrationEvent.Kind.STATUS,
    reason: str = "",
) -> None:
    DealRegistrationEvent.objects.create(
        registration=registration,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=registration.status,
        reason=reason,
    )
    if kind == DealRegistrationEvent.Kind.STATUS:
        registration_status_changed.send(
            sender=DealRegistration,
            registration=registration,
            from_status=from_status,
            to_status=registration.status,
        )


def _notify(registration: DealRegistration, event: str, reason: str = "") -> None:
    enqueue_on_commit(
        deals_tasks.deal_notify,
        if_broker_down="the company is not emailed about this decision",
        registration_id=registration.pk,
        event=event,
        reason=reason,
    )


# --- drafts -------------------------------------------------------------------------------


def _clean_fields(
    *,
    customer_domain: str,
    value: Decimal,
    expected_close_date: date | None,
    competencies: list[Competency],
    check_close_date: bool,
) -> tuple[str, dict[str, list[str | ValidationError]]]:
    errors: dict[str, list[str | ValidationError]] = {}
    host = customer_host(customer_domain)
    if not host or "." not in host:
        errors["customer_domain"] = [NOT_A_DOMAIN]
    elif not registrable_domain(host):
        errors["customer_domain"] = [ValidationError(PUBLIC_SUFFIX_ONLY, params={"domain": host})]
    if value is not None and value < 0:
        errors["value"] = [NEGATIVE_VALUE]
    if check_close_date and expected_close_date and expected_close_date < timezone.localdate():
        errors["expected_close_date"] = [CLOSE_DATE_PAST]
    if not competencies:
        errors["competencies"] = [NO_COMPETENCIES]
    return host, errors


@transaction.atomic
def deal_create(
    *,
    company: Company,
    created_by: User,
    customer_name: str,
    customer_domain: str,
    country: str,
    competencies: Iterable[Competency],
    value: Decimal,
    currency: str,
    expected_close_date: date | None = None,
    description: str = "",
    source_thread: Thread | None = None,
    source_request: FindPartnerRequest | None = None,
    source_collaboration: Collaboration | None = None,
    source_referral: Referral | None = None,
) -> DealRegistration:
    """Save a draft registration for the company, linked to the community item it came from."""
    competencies = list(competencies)
    host, errors = _clean_fields(
        customer_domain=customer_domain,
        value=value,
        expected_close_date=expected_close_date,
        competencies=competencies,
        check_close_date=True,
    )
    if errors:
        raise ValidationError(errors)
    if source_collaboration is not None and source_request is None:
        source_request = source_collaboration.request
    if source_request is not None and source_thread is None:
        source_thread = source_request.thread
    registration = DealRegistration(
        company=company,
        created_by=created_by,
        customer_name=customer_name.strip(),
        customer_domain=host,
        country=country,
        value=value,
        currency=(currency or "").upper(),
        expected_close_date=expected_close_date,
        description=description,
        source_thread=source_thread,
        source_request=source_request,
        source_collaboration=source_collaboration,
        source_referral=source_referral,
    )
    registration.full_clean()
    registration.save()
    registration.competencies.set(competencies)
    _record(registration, actor=created_by, from_status="")
    return registration


@transaction.atomic
def deal_update(
    *,
    registration: DealRegistration,
    editor: User,
    customer_name: str,
    customer_domain: str,
    country: str,
    competencies: Iterable[Competency],
    value: Decimal,
    currency: str,
    expected_close_date: date | None = None,
    description: str = "",
) -> DealRegistration:
    """Edit a draft. The community item it came from stays linked (it is not editable)."""
    registration = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != DealStatus.DRAFT:
        raise ValidationError(NOT_EDITABLE, params={"status": _labels()[registration.status]})
    competencies = list(competencies)
    host, errors = _clean_fields(
        customer_domain=customer_domain,
        value=value,
        expected_close_date=expected_close_date,
        competencies=competencies,
        check_close_date=expected_close_date != registration.expected_close_date,
    )
    if errors:
        raise ValidationError(errors)
    registration.customer_name = customer_name.strip()
    registration.customer_domain = host
    registration.country = country
    registration.value = value
    registration.currency = (currency or "").upper()
    registration.expected_close_date = expected_close_date
    registration.description = description
    registration.full_clean()
    registration.save()
    registration.competencies.set(competencies)
    _record(
        registration,
        actor=editor,
        from_status=registration.status,
        kind=DealRegistrationEvent.Kind.EDIT,
    )
    return registration


@transaction.atomic
def deal_submit(*, registration: DealRegistration, actor: User) -> DealRegistration:
    """Send a draft to the program team: flag a conflict with another company's active
    registration for the same customer, and decide *influenced* (docs/attribution.md)."""
    registration = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    _check_transition(registration, DealStatus.SUBMITTED)
    now = timezone.now()
    competencies = list(registration.competencies.all())
    if not competencies:
        raise ValidationError({"competencies": [NO_COMPETENCIES]})
    previous = registration.status
    registration.status = DealStatus.SUBMITTED
    registration.submitted_at = now
    registration.has_conflict = selectors.registration_has_conflict(registration=registration)
    registration.influence_evidence = selectors.influence_evidence(
        company_id=registration.company_id, competencies=competencies, at=now
    )
    registration.is_influenced = bool(registration.influence_evidence)
    registration.save()
    _record(registration, actor=actor, from_status=previous)
    if registration.has_conflict:
        # The others' flags too: staff see every side of it in the queue.
        selectors.customer_conflicts(
            company_id=registration.company_id,
            registrable_domain=registration.customer_registrable_domain,
            name_key=registration.customer_name_key,
            exclude_id=registration.pk,
        ).filter(status=DealStatus.SUBMITTED, has_conflict=False).update(has_conflict=True)
    _notify(registration, "submitted")
    return registration


# --- the program's decisions --------------------------------------------------------------


def deal_approve(
    *, registration: DealRegistration, staff: User, reason: str = "", now: datetime | None = None
) -> DealRegistration:
    """Approve a submitted registration: the customer is protected for the company for
    ``DEAL_PROTECTION_DAYS``. Fails with ``ALREADY_APPROVED`` when another registration for the
    same customer domain holds it (the database constraint decides between concurrent
    approvals)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            registration = DealRegistration.objects.select_for_update().get(pk=registration.pk)
            _check_transition(registration, DealStatus.APPROVED)
            # An approval whose protection ran out but that the beat task has not flipped yet
            # must not block this one.
            for lapsed in selectors.registrations_lapsed(now=now).filter(
                customer_registrable_domain=registration.customer_registrable_domain
            ):
                _expire(lapsed)
            if _approved_elsewhere(registration):
                raise ValidationError(ALREADY_APPROVED)
            previous = registration.status
            registration.status = DealStatus.APPROVED
            registration.decided_at = now
            registration.approved_at = now
            registration.protected_until = now + timedelta(days=settings.DEAL_PROTECTION_DAYS)
            registration.rejection_reason = ""
            registration.save()
            _record(registration, actor=staff, from_status=previous, reason=reason.strip())
            _notify(registration, "approved", reason.strip())
    except IntegrityError as error:
        # A concurrent approval committed between the check above and this write: the partial
        # unique index decided, and the loser is told the same as if it had come second.
        if _approved_elsewhere(registration):
            raise ValidationError(ALREADY_APPROVED) from error
        raise
    return registration


def _approved_elsewhere(registration: DealRegistration) -> bool:
    return (
        DealRegistration.objects.filter(
            status=DealStatus.APPROVED,
            customer_registrable_domain=registration.customer_registrable_domain,
        )
        .exclude(pk=registration.pk)
        .exists()
    )


@transaction.atomic
def deal_reject(*, registration: DealRegistration, staff: User, reason: str) -> DealRegistration:
    """Reject a submitted registration with a reason the company sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    registration = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    _check_transition(registration, DealStatus.REJECTED)
    previous = registration.status
    registration.status = DealStatus.REJECTED
    registration.decided_at = timezone.now()
    registration.rejection_reason = reason
    registration.save()
    _record(registration, actor=staff, from_status=previous, reason=reason)
    _notify(registration, "rejected", reason)
    return registration


@transaction.atomic
def deal_close(
    *, registration: DealRegistration, actor: User, outcome: str, reason: str = ""
) -> DealRegistration:
    """Record that an approved registration was won or lost (by the company or staff)."""
    registration = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    if outcome not in (DealStatus.WON, DealStatus.LOST):
        raise ValidationError(
            BAD_TRANSITION,
            params={"current": _labels()[registration.status], "target": outcome},
        )
    _check_transition(registration, outcome)
    previous = registration.status
    registration.status = outcome
    registration.closed_at = timezone.now()
    registration.save()
    _record(registration, actor=actor, from_status=previous, reason=(reason or "").strip())
    _notify(registration, outcome, (reason or "").strip())
    return registration


@transaction.atomic
def deal_extend(
    *, registration: DealRegistration, staff: User, days: int, reason: str
) -> DealRegistration:
    """Move an approved registration's protection end further out, with a reason."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [REASON_REQUIRED]
    if not 1 <= days <= 365:
        errors["days"] = [EXTEND_DAYS]
    if errors:
        raise ValidationError(errors)
    registration = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != DealStatus.APPROVED:
        raise ValidationError(NOT_EXTENDABLE, params={"status": _labels()[registration.status]})
    start = max(registration.protected_until, timezone.now())
    registration.protected_until = start + timedelta(days=days)
    registration.save()
    _record(
        registration,
        actor=staff,
        from_status=registration.status,
        kind=DealRegistrationEvent.Kind.EXTEND,
        reason=reason,
    )
    _notify(registration, "extended", reason)
    return registration


def deal_bulk_decide(
    *, registrations: Iterable[DealRegistration], staff: User, decision: str, reason: str
) -> tuple[list[DealRegistration], dict[int, str]]:
    """Approve or reject several registrations; each succeeds or fails on its own. Returns the
    decided ones and, by id, why the others were not."""
    done: list[DealRegistration] = []
    failed: dict[int, str] = {}
    for registration in registrations:
        try:
            if decision == "approve":
                done.append(deal_approve(registration=registration, staff=staff, reason=reason))
            else:
                done.append(deal_reject(registration=registration, staff=staff, reason=reason))
        except ValidationError as error:
            failed[registration.pk] = " ".join(error.messages)
    return done, failed


# --- expiry and reminders (beat) ----------------------------------------------------------


def _expire(registration: DealRegistration) -> None:
    registration.status = DealStatus.EXPIRED
    registration.save(update_fields=["status", "updated_at"])
    _record(registration, actor=None, from_status=DealStatus.APPROVED)
    _notify(registration, "expired")


def deals_expire(*, now: datetime | None = None) -> int:
    """Flip every approved registration whose protection has ended to expired; returns how
    many. Safe to run any number of times."""
    now = now or timezone.now()
    count = 0
    for registration_id in selectors.registrations_lapsed(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            registration = (
                selectors.registrations_lapsed(now=now)
                .select_for_update(skip_locked=True)
                .filter(pk=registration_id)
                .first()
            )
            if registration is None:  # decided meanwhile
                continue
            _expire(registration)
            count += 1
    return count


def deals_remind(*, now: datetime | None = None) -> int:
    """Remind companies 14 and 3 days before their protection ends, each once per end date
    (the ``DealReminder`` row is the guard); returns how many reminders went out."""
    now = now or timezone.now()
    days_list = sorted(settings.DEAL_REMINDER_DAYS, reverse=True)
    sent = 0
    for position, days in enumerate(days_list):
        closer = days_list[position + 1] if position + 1 < len(days_list) else None
        due = selectors.registrations_due_reminder(now=now, days=days, closer_days=closer)
        for registration in due.select_related("company"):
            with transaction.atomic():
                _, created = DealReminder.objects.get_or_create(
                    registration=registration,
                    kind=f"{days}d",
                    protected_until=registration.protected_until,
                )
                if not created:
                    continue
                deal_send_email(registration=registration, event=f"reminder_{days}d")
            sent += 1
    return sent


# --- program staff: one digest an hour of the new submissions -----------------------------


def deal_staff_recipients() -> list[User]:
    """Program staff, who review submitted registrations."""
    return list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .only("email", "language")
        .order_by("email")
    )


def deals_staff_digest_send(*, now: datetime | None = None) -> int:
    """Beat (hourly): email program staff one digest of the registrations submitted since the
    last one that still wait for a decision, conflicts flagged; each registration is listed in
    one digest only. The rows are locked (others' runs skip them) and marked in the same
    transaction as the send, so a failed send leaves them for the next run and two runs never
    list the same one. Staff get it in their own language, one email per language. Returns how
    many registrations were listed."""
    now = now or timezone.now()
    recipients = deal_staff_recipients()
    if not recipients:
        return 0
    with transaction.atomic():
        new = list(
            DealRegistration.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=DealStatus.SUBMITTED, staff_notified_at__isnull=True)
            .select_related("company")
            .order_by("submitted_at", "pk")
        )
        if not new:
            return 0
        conflicts = sum(1 for registration in new if registration.has_conflict)
        context = {
            "registrations": new,
            "conflicts": conflicts,
            "url": absolute_url(reverse("deals:review")),
        }
        for language, people in by_language(recipients).items():
            with translation.override(language):
                subject = ngettext(
                    "%(count)s deal registration to review",
                    "%(count)s deal registrations to review",
                    len(new),
                ) % {"count": len(new)}
                if conflicts:
                    subject = gettext("%(subject)s (%(conflicts)s with a conflict)") % {
                        "subject": subject,
                        "conflicts": conflicts,
                    }
                body = render_to_string("deals/email/staff_digest.txt", context)
            send_mail(
                subject=email_subject(subject),
                message=body,
                from_email=None,
                recipient_list=[person.email for person in people],
            )
        DealRegistration.objects.filter(pk__in=[registration.pk for registration in new]).update(
            staff_notified_at=now
        )
    return len(new)


# --- email --------------------------------------------------------------------------------

SUBJECTS = {
    "submitted": gettext_noop("Deal registration received: %(customer)s"),
    "approved": gettext_noop("Deal registration approved: %(customer)s"),
    "rejected": gettext_noop("Deal registration rejected: %(customer)s"),
    "won": gettext_noop("Deal registration marked won: %(customer)s"),
    "lost": gettext_noop("Deal registration marked lost: %(customer)s"),
    "expired": gettext_noop("Deal registration expired: %(customer)s"),
    "extended": gettext_noop("Deal registration protection extended: %(customer)s"),
}
REMINDER_EVENT_PREFIX = "reminder_"


def _deal_subject(*, event: str, customer: str) -> str:
    if event.startswith(REMINDER_EVENT_PREFIX):
        days = int(event.removeprefix(REMINDER_EVENT_PREFIX).removesuffix("d"))
        return ngettext(
            "Protection ends in %(days)s day: %(customer)s",
            "Protection ends in %(days)s days: %(customer)s",
            days,
        ) % {"days": days, "customer": customer}
    return gettext(SUBJECTS[event]) % {"customer": customer}


def deal_recipients(*, registration: DealRegistration) -> list[User]:
    """Who hears about a registration: the person who registered it and the company's admins,
    while they are still approved people of the company."""
    admin_or_author = Q(company_memberships__role=CompanyMembership.Role.ADMIN)
    if registration.created_by_id:
        admin_or_author |= Q(pk=registration.created_by_id)
    people = User.objects.filter(
        admin_or_author,
        is_active=True,
        company_memberships__company_id=registration.company_id,
        company_memberships__status=CompanyMembership.Status.APPROVED,
    ).exclude(email="")
    return list(people.distinct().only("email", "language").order_by("email"))


def deal_send_email(*, registration: DealRegistration, event: str, reason: str = "") -> int:
    """Email the company about one event of its registration, each person in their own language
    (one email per language); returns how many emails were sent."""
    recipients = deal_recipients(registration=registration)
    context = {
        "registration": registration,
        "event": event,
        "reason": reason,
        "has_conflict": registration.has_conflict,
        "conflict_notice": CONFLICT_NOTICE,
        "url": absolute_url(reverse("deals:detail", kwargs={"registration_id": registration.pk})),
    }
    sent = 0
    for language, people in by_language(recipients).items():
        with translation.override(language):
            subject = _deal_subject(event=event, customer=registration.customer_name)
            body = render_to_string("deals/email/decision.txt", context)
        sent += send_mail(
            subject=email_subject(subject[:150]),
            message=body,
            from_email=None,
            recipient_list=[person.email for person in people],
        )
    return sent
