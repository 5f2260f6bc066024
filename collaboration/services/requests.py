"""Writes for find-a-partner requests: posting one, telling the companies that fit, closing it.

Access is checked by the caller (see ``collaboration.selectors``); these functions assume it
passed and enforce the business rules, raising ``ValidationError`` with the messages below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from collaboration.models import FindPartnerRequest, MatchNotification
from collaboration.selectors import companies_matching_request, request_responders
from collaboration.services._common import NO_COMPANY, REQUEST_CLOSED
from directory.models import Company, CompanyMembership, Competency
from groups.models import Group, PostStatus, Thread
from groups.selectors import visible_threads
from groups.services import thread_create
from portal.emails import absolute_url, email_subject, in_language_of
from portal.models import User
from portal.queueing import enqueue_on_commit

DEADLINE_PAST = gettext_noop("The deadline cannot be in the past.")
NO_COMPETENCIES = gettext_noop("Choose at least one competency you need.")
NOT_A_RESPONDER = gettext_noop("Choose a company that responded to this request.")


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
    # Imported here: collaboration.tasks imports these services (the app's one allowed loop).
    from collaboration.tasks import request_notify_matches as request_notify_matches_task

    enqueue_on_commit(
        request_notify_matches_task,
        if_broker_down="no match notifications for this request; the request itself is saved",
        thread_id=thread.pk,
    )


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
    companies = list(companies_matching_request(partner_request=partner_request))
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
    url = absolute_url(request_url(partner_request))
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
            with in_language_of(admin):
                subject = gettext("A partner request fits %(company)s: %(title)s") % {
                    "company": company.name,
                    "title": thread.title,
                }
                body = render_to_string("collaboration/email/request_match.txt", context)
            send_mail(
                subject=email_subject(subject[:150]),
                message=body,
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
        request_responders(partner_request=partner_request).filter(pk=awarded_to.pk).exists()
    ):
        raise ValidationError({"awarded_to": [NOT_A_RESPONDER]})
    partner_request.status = FindPartnerRequest.Status.CLOSED
    partner_request.awarded_to = awarded_to
    partner_request.closed_at = timezone.now()
    partner_request.full_clean()
    partner_request.save(update_fields=["status", "awarded_to", "closed_at"])
    return partner_request
