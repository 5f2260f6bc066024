"""People and companies: join requests, their approval by company admins, contact choice."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from directory.models import ClaimedDomain, Company, CompanyMembership
from portal.models import User

ALREADY_IN_A_COMPANY = gettext_noop("You already belong to a company or have asked to join one.")
REQUEST_NOT_PENDING = gettext_noop("This request has already been decided.")
NOT_AN_APPROVED_MEMBER = gettext_noop(
    "Only approved people of the company can be listed as contacts."
)

_ACTIVE = [CompanyMembership.Status.REQUESTED, CompanyMembership.Status.APPROVED]


def membership_request(*, user: User, company: Company) -> CompanyMembership:
    """A member asks to join a company; one of its admins decides."""
    if CompanyMembership.objects.filter(user=user, status__in=_ACTIVE).exists():
        raise ValidationError(ALREADY_IN_A_COMPANY)
    membership = CompanyMembership(company=company, user=user)
    membership.full_clean(validate_constraints=False)
    try:
        # The partial unique constraint settles a race between two simultaneous requests.
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise ValidationError(ALREADY_IN_A_COMPANY) from error
    return membership


def _decide(*, membership: CompanyMembership, admin: User, status: str) -> CompanyMembership:
    if membership.status != CompanyMembership.Status.REQUESTED:
        raise ValidationError(REQUEST_NOT_PENDING)
    membership.status = status
    membership.decided_by = admin
    membership.decided_at = timezone.now()
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def membership_approve(*, membership: CompanyMembership, admin: User) -> CompanyMembership:
    """A company admin lets a requester in as a member of the company."""
    return _decide(membership=membership, admin=admin, status=CompanyMembership.Status.APPROVED)


@transaction.atomic
def membership_decline(*, membership: CompanyMembership, admin: User) -> CompanyMembership:
    """A company admin turns a join request down; the person may then ask another company."""
    return _decide(membership=membership, admin=admin, status=CompanyMembership.Status.DECLINED)


@transaction.atomic
def membership_set_contact(*, membership: CompanyMembership, show: bool) -> CompanyMembership:
    """A person of the company chooses whether the profile lists them as a contact."""
    if membership.status != CompanyMembership.Status.APPROVED:
        raise ValidationError(NOT_AN_APPROVED_MEMBER)
    membership.show_as_contact = show
    membership.save(update_fields=["show_as_contact"])
    return membership


def membership_request_for_email(*, user: User, email: str) -> CompanyMembership | None:
    """Ask to join the company that claimed the domain of a verified email, if the user has
    no company yet; returns the new request or None."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    claimed = ClaimedDomain.objects.select_related("company").filter(domain=domain).first()
    if claimed is None:
        return None
    if CompanyMembership.objects.filter(user=user, status__in=_ACTIVE).exists():
        return None
    if CompanyMembership.objects.filter(
        user=user, company=claimed.company, status=CompanyMembership.Status.DECLINED
    ).exists():
        # A declined person is not asked again behind the admin's back.
        return None
    try:
        return membership_request(user=user, company=claimed.company)
    except ValidationError:
        return None


@transaction.atomic
def membership_join_through_identity_provider(
    *, user: User, company: Company, email: str
) -> CompanyMembership | None:
    """Someone the company's own identity provider vouched for (program staff approved it, the
    email is on one of its domains) joins the company at once: their join request by email
    domain is approved without waiting for an admin. Returns the approved membership, or None
    when they belong to another company or an admin declined them before."""
    membership = membership_request_for_email(user=user, email=email)
    if membership is None:
        membership = (
            CompanyMembership.objects.select_for_update()
            .filter(user=user, company=company, status__in=_ACTIVE)
            .first()
        )
    if membership is None or membership.company_id != company.pk:
        return None
    if membership.status == CompanyMembership.Status.REQUESTED:
        membership.status = CompanyMembership.Status.APPROVED
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_at"])
    return membership
