"""Draft listings: a member whose company is not in the directory creates one; staff review it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from directory.models import (
    Company,
    CompanyCountry,
    CompanyMembership,
    ListingStatus,
    VerificationLog,
)
from directory.services.companies import company_completeness_update, company_index_refresh
from directory.services.memberships import ALREADY_IN_A_COMPANY
from portal.models import User

LISTING_NOT_A_DRAFT = gettext_noop("This listing has already been reviewed.")
LISTING_NAME_NEEDED = gettext_noop("Enter your company's name.")

_ACTIVE = [CompanyMembership.Status.REQUESTED, CompanyMembership.Status.APPROVED]


def _free_slug(name: str) -> str:
    base = slugify(name)[:190] or "company"
    taken = set(Company.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def company_draft_create(
    *, creator: User, name: str, hq_country: str, website: str = ""
) -> Company:
    """A member creates a draft listing for their company and becomes its first admin.

    The draft claims no email domain (staff decide who owns a domain) and nothing verified.
    """
    if not name.strip():
        raise ValidationError(LISTING_NAME_NEEDED)
    if CompanyMembership.objects.filter(user=creator, status__in=_ACTIVE).exists():
        raise ValidationError(ALREADY_IN_A_COMPANY)
    company = Company(
        name=name.strip(),
        slug=_free_slug(name),
        hq_country=hq_country,
        website=website,
        listing_status=ListingStatus.DRAFT,
    )
    company.full_clean()
    company.save()
    CompanyCountry.objects.create(company=company, country=hq_country, is_headquarters=True)
    try:
        with transaction.atomic():
            CompanyMembership.objects.create(
                company=company,
                user=creator,
                status=CompanyMembership.Status.APPROVED,
                role=CompanyMembership.Role.ADMIN,
            )
    except IntegrityError as error:  # a simultaneous join request won the race
        raise ValidationError(ALREADY_IN_A_COMPANY) from error
    company_completeness_update(company=company)
    company_index_refresh(company_ids=[company.pk])
    return company


@transaction.atomic
def company_listing_curate(*, company: Company, staff: User) -> Company:
    """Program staff mark a draft listing as reviewed; audited."""
    if company.listing_status != ListingStatus.DRAFT:
        raise ValidationError(LISTING_NOT_A_DRAFT)
    company.listing_status = ListingStatus.CURATED
    company.save(update_fields=["listing_status", "updated_at"])
    VerificationLog.objects.create(
        company=company,
        actor=staff,
        action=VerificationLog.Action.LISTING_CURATED,
        detail="Draft listing reviewed",
    )
    return company
