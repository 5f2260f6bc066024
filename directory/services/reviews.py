"""Customer reviews: written by members, counted only once program staff approve them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from directory.models import Company, CompanyMembership, Review, VerificationLog
from directory.services.companies import company_index_refresh
from portal.models import User

REVIEW_OWN_COMPANY = gettext_noop("You cannot review your own company.")
REVIEW_ALREADY_WRITTEN = gettext_noop("You have already reviewed this company.")
REVIEW_NOT_PENDING = gettext_noop("This review has already been moderated.")
REJECTION_REASON_REQUIRED = gettext_noop("Say why the review is rejected; the author will see it.")


@transaction.atomic
def review_create(*, company: Company, author: User, rating: int, title: str, body: str) -> Review:
    """A member reviews a company other than their own; it waits for moderation."""
    if CompanyMembership.objects.filter(
        company=company, user=author, status=CompanyMembership.Status.APPROVED
    ).exists():
        raise ValidationError(REVIEW_OWN_COMPANY)
    if Review.objects.filter(company=company, author=author).exists():
        raise ValidationError(REVIEW_ALREADY_WRITTEN)
    review = Review(company=company, author=author, rating=rating, title=title, body=body)
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # a double submit raced the check above
        raise ValidationError(REVIEW_ALREADY_WRITTEN) from None
    return review


def company_rating_recompute(*, company: Company) -> Company:
    """Store the average and number of the company's approved reviews."""
    stats = company.reviews.filter(status=Review.Status.APPROVED).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = stats["average"]
    company.rating_average = (
        Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if average is not None
        else None
    )
    company.rating_count = stats["count"]
    Company.objects.filter(pk=company.pk).update(
        rating_average=company.rating_average, rating_count=company.rating_count
    )
    return company


def _moderate(*, review: Review, staff: User, status: str, reason: str) -> Review:
    if review.status != Review.Status.PENDING:
        raise ValidationError(REVIEW_NOT_PENDING)
    review.status = status
    review.rejection_reason = reason
    review.moderated_by = staff
    review.moderated_at = timezone.now()
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_approve(*, review: Review, staff: User) -> Review:
    """Program staff approve a pending review; the company's rating now counts it; audited."""
    _moderate(review=review, staff=staff, status=Review.Status.APPROVED, reason="")
    VerificationLog.objects.create(
        company=review.company,
        actor=staff,
        action=VerificationLog.Action.REVIEW_APPROVED,
        detail=f"Review #{review.pk} ({review.rating}★) approved",
    )
    company_rating_recompute(company=review.company)
    company_index_refresh(company_ids=[review.company_id])
    return review


@transaction.atomic
def review_reject(*, review: Review, staff: User, reason: str) -> Review:
    """Program staff reject a pending review with a reason the author sees; audited."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REJECTION_REASON_REQUIRED})
    _moderate(review=review, staff=staff, status=Review.Status.REJECTED, reason=reason)
    VerificationLog.objects.create(
        company=review.company,
        actor=staff,
        action=VerificationLog.Action.REVIEW_REJECTED,
        detail=f"Review #{review.pk} rejected: {reason}"[:300],
    )
    return review
