"""Writes for find-a-partner requests, private collaborations and referrals.

Access is checked by the caller (see ``collaboration.selectors``); these functions assume it
passed and enforce the business rules, raising ``ValidationError`` with the messages below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from collaboration import selectors
from collaboration.models import (
    Collaboration,
    CollaborationMessage,
    FindPartnerRequest,
    MatchNotification,
    Referral,
    ReferralEvent,
)
from directory.models import Company, CompanyMembership, Competency
from groups.markdown import render_markdown
from groups.models import Group, PostStatus, Thread
from groups.selectors import visible_threads
from groups.services import thread_create
from portal.emails import email_subject
from portal.models import User
from portal.queueing import enqueue_on_commit

NO_COMPANY = "Join a partner company first: requests and collaborations are between companies."
DEADLINE_PAST = "The deadline cannot be in the past."
NO_COMPETENCIES = "Choose at least one competency you need."
REQUEST_CLOSED = "This request is closed."
OWN_REQUEST = "Your company asked for this; it cannot respond to its own request."
NOT_A_RESPONDER = "Choose a company that responded to this request."
EMPTY_MESSAGE = "Write a message."
NOT_COMPANY_PERSON = "Only people of the two companies can be brought in."
ALREADY_PARTICIPANT = "This person already follows the collaboration."
SAME_COMPANY = "A referral goes from one company to another."
NEGATIVE_VALUE = "The value cannot be negative."
BAD_CURRENCY = "Use a three-letter currency code such as USD or EUR."
BAD_TRANSITION = "A referral cannot go from {current} to {target}."
WRONG_COMPANY = "Only {company} can move this referral to {target}."
NO_OTHER_COMPANY = "This request has no other company to refer to yet."

CURRENCIES = ["USD", "EUR", "GBP", "CHF", "JPY", "AUD", "CAD", "INR", "SGD", "BRL", "SEK"]


# Requests ------------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    author,
    company: Company | None,
    group: Group,
    title: str,
    description: str,
    competencies: Iterable[Competency],
    countries: Iterable[str] = (),
    deadline: date | None = None,
) -> FindPartnerRequest:
    """Post a find-a-partner request: a request thread in the group plus its structured fields."""
    competencies = list(competencies)
    errors: dict[str, list[str]] = {}
    if company is None:
        errors["__all__"] = [NO_COMPANY]
    if not competencies:
        errors["competencies"] = [NO_COMPETENCIES]
    if deadline is not None and deadline < timezone.localdate():
        errors["deadline"] = [DEADLINE_PAST]
    if errors:
        raise ValidationError(errors)
    thread = thread_create(
        group=group,
        author=author,
        title=title,
        body_markdown=description,
        kind=Thread.Kind.REQUEST,
    )
    partner_request = FindPartnerRequest(
        thread=thread, company=company, countries=list(countries), deadline=deadline
    )
    partner_request.full_clean()
    partner_request.save()
    partner_request.competencies.set(competencies)
    return partner_request


def request_thread_published(*, thread: Thread) -> None:
    """Queue matching for a request thread that just became visible (after commit)."""
    from collaboration.tasks import request_notify_matches as request_notify_matches_task

    enqueue_on_commit(
        request_notify_matches_task,
        if_broker_down="no match notifications for this request; the request itself is saved",
        thread_id=thread.pk,
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def request_url(partner_request: FindPartnerRequest) -> str:
    """Where a request is read: its thread page."""
    return partner_request.thread.get_absolute_url()


def request_notify_matches(*, partner_request: FindPartnerRequest) -> int:
    """Email the admins of every fitting company once; returns how many emails went out.

    Idempotent: a ``MatchNotification`` row is written with each email in one transaction,
    so a retry skips whoever was told already and a failed send leaves no row behind.
    """
    thread = partner_request.thread
    if (
        thread.status != PostStatus.PUBLISHED
        or partner_request.status != FindPartnerRequest.Status.OPEN
    ):
        return 0
    companies = list(selectors.companies_matching_request(partner_request=partner_request))
    admins = (
        User.objects.filter(
            is_active=True,
            company_memberships__company__in=companies,
            company_memberships__status=CompanyMembership.Status.APPROVED,
            company_memberships__role=CompanyMembership.Role.ADMIN,
        )
        .exclude(pk=thread.author_id)
        .exclude(pk__in=partner_request.match_notifications.values("recipient_id"))
        .annotate(company_id=F("company_memberships__company_id"))
    )
    by_id = {company.pk: company for company in companies}
    url = _absolute(request_url(partner_request))
    sent = 0
    for admin in admins:
        # Never tell someone about a thread in a group they may not read.
        if not visible_threads(viewer=admin).filter(pk=thread.pk).exists():
            continue
        company = by_id[admin.company_id]
        with transaction.atomic():
            _, created = MatchNotification.objects.get_or_create(
                request=partner_request, recipient=admin, defaults={"company": company}
            )
            if not created:
                continue
            context = {
                "recipient": admin,
                "company": company,
                "partner_request": partner_request,
                "url": url,
            }
            send_mail(
                subject=email_subject(
                    f"A partner request fits {company.name}: {thread.title}"[:150]
                ),
                message=render_to_string("collaboration/email/request_match.txt", context),
                from_email=None,
                recipient_list=[admin.email],
            )
        sent += 1
    return sent


@transaction.atomic
def request_close(
    *, partner_request: FindPartnerRequest, awarded_to: Company | None
) -> FindPartnerRequest:
    """Close a request, naming the company it went to (one that responded) or nobody."""
    partner_request = FindPartnerRequest.objects.select_for_update().get(pk=partner_request.pk)
    if partner_request.status != FindPartnerRequest.Status.OPEN:
        raise ValidationError(REQUEST_CLOSED)
    if awarded_to is not None and not (
        selectors.request_responders(partner_request=partner_request)
        .filter(pk=awarded_to.pk)
        .exists()
    ):
        raise ValidationError({"awarded_to": [NOT_A_RESPONDER]})
    partner_request.status = FindPartnerRequest.Status.CLOSED
    partner_request.awarded_to = awarded_to
    partner_request.closed_at = timezone.now()
    partner_request.full_clean()
    partner_request.save(update_fields=["status", "awarded_to", "closed_at"])
    return partner_request


# Collaborations ------------------------------------------------------------------------------


def _notify(*, collaboration: Collaboration, event: str, recipients: Iterable[int], actor) -> None:
    from collaboration.tasks import collaboration_notify as collaboration_notify_task

    recipient_ids = sorted(set(recipients) - {actor.pk})
    if not recipient_ids:
        return
    enqueue_on_commit(
        collaboration_notify_task,
        if_broker_down="no email for this event; the conversation itself is saved",
        collaboration_id=collaboration.pk,
        event=event,
        recipient_ids=recipient_ids,
        actor_id=actor.pk,
    )


def _message_add(*, collaboration: Collaboration, author, body: str) -> CollaborationMessage:
    if not body.strip():
        raise ValidationError({"body": [EMPTY_MESSAGE]})
    message = CollaborationMessage(
        collaboration=collaboration,
        author=author,
        body_markdown=body,
        body_html=render_markdown(body),
    )
    message.full_clean()
    message.save()
    Collaboration.objects.filter(pk=collaboration.pk).update(last_activity_at=message.created_at)
    return message


@transaction.atomic
def collaboration_open(
    *,
    partner_request: FindPartnerRequest,
    responder,
    responder_company: Company | None,
    body: str,
) -> Collaboration:
    """Answer a request privately: open (or continue) the collaboration between the companies."""
    if responder_company is None:
        raise ValidationError(NO_COMPANY)
    if partner_request.status != FindPartnerRequest.Status.OPEN:
        raise ValidationError(REQUEST_CLOSED)
    if partner_request.company_id is None or partner_request.company_id == responder_company.pk:
        raise ValidationError(OWN_REQUEST)
    if not body.strip():
        raise ValidationError({"body": [EMPTY_MESSAGE]})
    collaboration, created = Collaboration.objects.get_or_create(
        request=partner_request,
        responding_company=responder_company,
        defaults={
            "requesting_company_id": partner_request.company_id,
            "subject": partner_request.thread.title[:200],
            "created_by": responder,
        },
    )
    _message_add(collaboration=collaboration, author=responder, body=body)
    followers = [responder.pk]
    author = partner_request.thread.author
    if selectors.user_belongs_to(user=author, companies=[collaboration.requesting_company]):
        followers.append(author.pk)
    collaboration.participants.add(*followers)
    _notify(
        collaboration=collaboration,
        event="opened" if created else "message",
        recipients=collaboration.participants.values_list("pk", flat=True),
        actor=responder,
    )
    return collaboration


@transaction.atomic
def collaboration_message_post(
    *, collaboration: Collaboration, author, body: str
) -> CollaborationMessage:
    """Post a message in a collaboration; its followers get an email."""
    message = _message_add(collaboration=collaboration, author=author, body=body)
    collaboration.participants.add(author)
    _notify(
        collaboration=collaboration,
        event="message",
        recipients=collaboration.participants.values_list("pk", flat=True),
        actor=author,
    )
    return message


@transaction.atomic
def collaboration_participant_add(*, collaboration: Collaboration, user, added_by) -> None:
    """Bring a colleague from either company into a collaboration; they get an email."""
    companies = [collaboration.requesting_company, collaboration.responding_company]
    if not selectors.user_belongs_to(user=user, companies=companies):
        raise ValidationError({"user": [NOT_COMPANY_PERSON]})
    if collaboration.participants.filter(pk=user.pk).exists():
        raise ValidationError({"user": [ALREADY_PARTICIPANT]})
    collaboration.participants.add(user)
    _notify(collaboration=collaboration, event="added", recipients=[user.pk], actor=added_by)


def collaboration_notify_send(
    *, collaboration: Collaboration, event: str, recipients: Iterable, actor
) -> int:
    """Email followers about a collaboration event, if they may still see it."""
    companies = [collaboration.requesting_company, collaboration.responding_company]
    url = _absolute(reverse("collaboration:detail", kwargs={"collaboration_id": collaboration.pk}))
    subjects = {
        "opened": f"{actor.name} answered your request privately: {collaboration.subject}",
        "message": f"New message in {collaboration.subject}",
        "added": f"{actor.name} brought you into {collaboration.subject}",
    }
    sent = 0
    for recipient in recipients:
        if not selectors.user_belongs_to(user=recipient, companies=companies):
            continue  # left the company meanwhile: the conversation is no longer theirs
        context = {"recipient": recipient, "actor": actor, "collaboration": collaboration}
        send_mail(
            subject=email_subject(subjects[event][:150]),
            message=render_to_string(
                "collaboration/email/collaboration_event.txt",
                {**context, "event": event, "url": url},
            ),
            from_email=None,
            recipient_list=[recipient.email],
        )
        sent += 1
    return sent


# Referrals -----------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    created_by,
    from_company: Company,
    to_company: Company,
    title: str,
    value: Decimal | None,
    currency: str,
    partner_request: FindPartnerRequest | None = None,
    collaboration: Collaboration | None = None,
    thread: Thread | None = None,
) -> Referral:
    """Register a referral or deal from one company to another, linked to where it came from."""
    errors: dict[str, list[str]] = {}
    if from_company.pk == to_company.pk:
        errors["__all__"] = [SAME_COMPANY]
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
    referral = Referral(
        from_company=from_company,
        to_company=to_company,
        title=title,
        value=value,
        currency=currency,
        request=partner_request,
        collaboration=collaboration,
        thread=thread,
        created_by=created_by,
    )
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, actor=created_by, to_status=Referral.Status.PROPOSED
    )
    return referral


# Who may move a referral where: the receiving company accepts or declines it and reports the
# outcome; the sending company may withdraw a proposal (it becomes lost).
REFERRAL_TRANSITIONS = {
    (Referral.Status.PROPOSED, Referral.Status.ACCEPTED): "to",
    (Referral.Status.PROPOSED, Referral.Status.LOST): "either",
    (Referral.Status.ACCEPTED, Referral.Status.WON): "to",
    (Referral.Status.ACCEPTED, Referral.Status.LOST): "to",
}


def referral_allowed_statuses(*, referral: Referral, company: Company | None) -> list[str]:
    """The statuses this company may move the referral to now."""
    if company is None:
        return []
    entitled = {
        "to": {referral.to_company_id},
        "either": {referral.from_company_id, referral.to_company_id},
    }
    return [
        target
        for (current, target), who in REFERRAL_TRANSITIONS.items()
        if current == referral.status and company.pk in entitled[who]
    ]


@transaction.atomic
def referral_status_change(
    *, referral: Referral, status: str, actor, actor_company: Company | None
) -> Referral:
    """Move a referral along proposed → accepted → won/lost, by the company entitled to."""
    referral = Referral.objects.select_for_update().select_related("to_company").get(pk=referral.pk)
    current = referral.status
    labels = dict(Referral.Status.choices)
    rule = REFERRAL_TRANSITIONS.get((current, status))
    if rule is None:
        raise ValidationError(
            BAD_TRANSITION.format(
                current=labels.get(current, current), target=labels.get(status, status)
            )
        )
    if status not in referral_allowed_statuses(referral=referral, company=actor_company):
        raise ValidationError(
            WRONG_COMPANY.format(company=referral.to_company.name, target=labels[status])
        )
    referral.status = status
    referral.save(update_fields=["status", "updated_at"])
    ReferralEvent.objects.create(
        referral=referral, actor=actor, from_status=current, to_status=status
    )
    return referral
