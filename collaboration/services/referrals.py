"""Writes for referrals and deals: registering one and moving it along its status flow.

Access is checked by the caller (see ``collaboration.selectors``); these functions assume it
passed and enforce the business rules, raising ``ValidationError`` with the messages below.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from collaboration.models import Collaboration, FindPartnerRequest, Referral, ReferralEvent
from directory.models import Company
from groups.models import Thread

SAME_COMPANY = "A referral goes from one company to another."
NEGATIVE_VALUE = "The value cannot be negative."
BAD_CURRENCY = "Use a three-letter currency code such as USD or EUR."
BAD_TRANSITION = "A referral cannot go from {current} to {target}."
WRONG_COMPANY = "Only {company} can move this referral to {target}."
NO_OTHER_COMPANY = "This request has no other company to refer to yet."

CURRENCIES = ["USD", "EUR", "GBP", "CHF", "JPY", "AUD", "CAD", "INR", "SGD", "BRL", "SEK"]


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
