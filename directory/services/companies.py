"""Writes to a company's listing: profile edits by its admins, curation by program staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from directory.logos import logo_normalize
from directory.models import (
    Company,
    CompanyCompetency,
    CompanyCountry,
    Competency,
    Industry,
    Offering,
    Tier,
    VerificationLog,
)
from directory.services.search_index import company_index_refresh
from portal.models import User

# What a company admin may change through company_update; tier and slug stay with staff.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "description",
        "logo",
        "website",
        "hq_country",
        "hq_region",
        "hq_city",
        "size_band",
        "founded",
        "languages",
        "details_visibility",
        "offerings_visibility",
        "contacts_visibility",
        "reviews_visibility",
    }
)

CLAIM_ALREADY_EXISTS = gettext_noop("Your company already claims this competency.")
EXPIRY_IN_PAST = gettext_noop("The expiry date must be in the future.")
CLAIM_NOT_VERIFIED = gettext_noop("Only a verified competency can be revoked or expired.")


@dataclass(frozen=True)
class OfferingData:
    kind: str
    name: str
    description: str = ""


# Weights of what makes a listing useful to someone looking for a partner; they sum to 100.
_COMPLETENESS_WEIGHTS = {
    "description": 20,
    "logo": 10,
    "website": 10,
    "hq_city": 5,
    "size_band": 5,
    "founded": 5,
    "languages": 5,
    "countries_served": 5,
    "industries": 10,
    "competencies": 15,
    "offerings": 10,
}


def completeness_score(
    *,
    company: Company,
    countries_served: int,
    industries: int,
    competencies: int,
    offerings: int,
) -> int:
    """Percentage of the listing filled in, from the company's fields and its related counts."""
    present = {
        "description": len(company.description or "") >= 40,
        "logo": bool(company.logo),
        "website": bool(company.website),
        "hq_city": bool(company.hq_city),
        "size_band": bool(company.size_band),
        "founded": company.founded is not None,
        "languages": bool(company.languages),
        "countries_served": countries_served > 0,
        "industries": industries > 0,
        "competencies": competencies > 0,
        "offerings": offerings > 0,
    }
    return sum(weight for key, weight in _COMPLETENESS_WEIGHTS.items() if present[key])


def company_completeness_update(*, company: Company) -> Company:
    """Recompute and store the company's profile completeness."""
    company.profile_completeness = completeness_score(
        company=company,
        countries_served=company.countries.filter(is_headquarters=False).count(),
        industries=company.industries.count(),
        competencies=company.competency_claims.count(),
        offerings=company.offerings.count(),
    )
    Company.objects.filter(pk=company.pk).update(profile_completeness=company.profile_completeness)
    return company


def company_countries_set(*, company: Company, countries_served: list[str] | None) -> None:
    """Keep the headquarters row in step with hq_country and replace the countries served."""
    hq = str(company.hq_country)
    company.countries.filter(is_headquarters=True).exclude(country=hq).delete()
    if countries_served is not None:
        company.countries.filter(is_headquarters=False).delete()
    CompanyCountry.objects.update_or_create(
        company=company, country=hq, defaults={"is_headquarters": True}
    )
    if countries_served is not None:
        CompanyCountry.objects.bulk_create(
            [
                CompanyCountry(company=company, country=code, is_headquarters=False)
                for code in sorted(set(countries_served) - {hq})
            ]
        )


def company_offerings_set(*, company: Company, offerings: list[OfferingData]) -> None:
    """Replace the company's offerings with the given list."""
    company.offerings.all().delete()
    rows = [
        Offering(company=company, kind=item.kind, name=item.name, description=item.description)
        for item in offerings
    ]
    for row in rows:
        row.full_clean()
    Offering.objects.bulk_create(rows)


@transaction.atomic
def company_update(
    *,
    company: Company,
    fields: dict[str, Any],
    countries_served: list[str] | None = None,
    industries: list[Industry] | None = None,
    tags: list[str] | None = None,
    offerings: list[OfferingData] | None = None,
) -> Company:
    """Save a company admin's edits to the profile; related lists are replaced when given."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable by a company admin: {', '.join(sorted(unknown))}")
    if isinstance(fields.get("logo"), UploadedFile):
        fields = {**fields, "logo": logo_normalize(upload=fields["logo"], slug=company.slug)}
    elif fields.get("logo") is False:  # a form's "clear" checkbox
        fields = {**fields, "logo": ""}
    # From the database: a bound ModelForm has already put the new upload on the instance.
    stored_logo = Company.objects.filter(pk=company.pk).values_list("logo", flat=True).first()
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    if stored_logo and stored_logo != company.logo.name:
        company_logo_delete_on_commit(name=stored_logo)
    company_countries_set(company=company, countries_served=countries_served)
    if industries is not None:
        company.industries.set(industries)
    if tags is not None:
        company.tags.set(tags, clear=True)
    if offerings is not None:
        company_offerings_set(company=company, offerings=offerings)
    company_completeness_update(company=company)
    company_index_refresh(company_ids=[company.pk])
    return company


def company_logo_delete_on_commit(*, name: str) -> None:
    """Once the change is committed, delete a logo file that nothing refers to any more (a
    rollback keeps the old logo, and its file)."""
    storage = Company._meta.get_field("logo").storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def competency_claim_add(*, company: Company, competency: Competency) -> CompanyCompetency:
    """A company admin claims a competency; it stays self-declared until staff verify it."""
    if company.competency_claims.filter(competency=competency).exists():
        raise ValidationError(CLAIM_ALREADY_EXISTS)
    claim = CompanyCompetency(company=company, competency=competency)
    claim.full_clean()
    claim.save()
    company_completeness_update(company=company)
    company_index_refresh(company_ids=[company.pk])
    return claim


@transaction.atomic
def competency_claim_remove(*, claim: CompanyCompetency) -> None:
    """A company admin withdraws one of the company's competency claims."""
    company = claim.company
    claim.delete()
    company_completeness_update(company=company)
    company_index_refresh(company_ids=[company.pk])


def _log(*, company: Company, actor: User | None, action: str, detail: str) -> VerificationLog:
    entry = VerificationLog(company=company, actor=actor, action=action, detail=detail[:300])
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def competency_verify(
    *, claim: CompanyCompetency, staff: User, expires_at: datetime | None
) -> CompanyCompetency:
    """Program staff verify a competency claim, optionally until ``expires_at``; audited."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": EXPIRY_IN_PAST})
    claim.status = CompanyCompetency.Status.VERIFIED
    claim.verified_by = staff
    claim.verified_at = timezone.now()
    claim.expires_at = expires_at
    claim.full_clean()
    claim.save()
    until = f" until {expires_at:%Y-%m-%d}" if expires_at else ""
    _log(
        company=claim.company,
        actor=staff,
        action=VerificationLog.Action.COMPETENCY_VERIFIED,
        detail=f"{claim.competency.name} verified{until}",
    )
    company_index_refresh(company_ids=[claim.company_id])
    return claim


@transaction.atomic
def competency_revoke(
    *, claim: CompanyCompetency, staff: User, reason: str = ""
) -> CompanyCompetency:
    """Program staff withdraw a verification: the claim is self-declared again; audited."""
    if claim.status != CompanyCompetency.Status.VERIFIED:
        raise ValidationError(CLAIM_NOT_VERIFIED)
    claim.status = CompanyCompetency.Status.SELF_DECLARED
    claim.verified_by = None
    claim.verified_at = None
    claim.expires_at = None
    claim.full_clean()
    claim.save()
    _log(
        company=claim.company,
        actor=staff,
        action=VerificationLog.Action.COMPETENCY_REVOKED,
        detail=f"{claim.competency.name} revoked" + (f": {reason}" if reason else ""),
    )
    company_index_refresh(company_ids=[claim.company_id])
    return claim


@transaction.atomic
def competency_expire(*, claim: CompanyCompetency, staff: User | None) -> CompanyCompetency:
    """Mark a verified claim expired now (by staff, or by the scheduler with no actor); audited."""
    if claim.status != CompanyCompetency.Status.VERIFIED:
        raise ValidationError(CLAIM_NOT_VERIFIED)
    claim.status = CompanyCompetency.Status.EXPIRED
    claim.expires_at = min(claim.expires_at or timezone.now(), timezone.now())
    claim.full_clean()
    claim.save()
    _log(
        company=claim.company,
        actor=staff,
        action=VerificationLog.Action.COMPETENCY_EXPIRED,
        detail=f"{claim.competency.name} expired",
    )
    company_index_refresh(company_ids=[claim.company_id])
    return claim


@transaction.atomic
def competency_claims_expire_due(*, now: datetime | None = None) -> int:
    """Mark every verified claim whose expiry has passed as expired, with one audit row each."""
    now = now or timezone.now()
    due = list(
        CompanyCompetency.objects.select_for_update()
        .select_related("competency")
        .filter(status=CompanyCompetency.Status.VERIFIED, expires_at__lte=now)
    )
    if not due:
        return 0
    CompanyCompetency.objects.filter(pk__in=[claim.pk for claim in due]).update(
        status=CompanyCompetency.Status.EXPIRED
    )
    VerificationLog.objects.bulk_create(
        [
            VerificationLog(
                company_id=claim.company_id,
                actor=None,
                action=VerificationLog.Action.COMPETENCY_EXPIRED,
                detail=f"{claim.competency.name} expired on {claim.expires_at:%Y-%m-%d}",
            )
            for claim in due
        ]
    )
    company_index_refresh(company_ids=sorted({claim.company_id for claim in due}))
    return len(due)


@transaction.atomic
def tier_set(*, company: Company, staff: User, tier: str) -> Company:
    """Program staff set the company's partner tier; audited."""
    previous = company.get_tier_display()
    company.tier = tier
    company.full_clean()
    company.save(update_fields=["tier", "updated_at"])
    _log(
        company=company,
        actor=staff,
        action=VerificationLog.Action.TIER_CHANGED,
        detail=f"{previous} → {Tier(tier).label}",
    )
    company_index_refresh(company_ids=[company.pk])
    return company
