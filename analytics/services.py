"""Writes: the nightly scorecard snapshots and tier proposals, staff decisions on proposals,
and the scoring rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from analytics.models import ScorecardRules, ScorecardSnapshot, TierProposal
from analytics.selectors.scorecards import scorecard_figures, scorecard_points
from directory.models import Company, CompanyMembership, Tier
from directory.services.companies import tier_set
from portal.emails import absolute_url, email_subject, in_language_of
from portal.models import User

ALREADY_DECIDED = gettext_noop("This proposal has already been decided.")
CHUNK = 1000


def _json_value(value):
    # Numbers, not text, so that the league table sorts them as numbers.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _json_value(inner) for key, inner in value.items()}
    return value


def _json_figures(figures: dict) -> dict:
    return {key: _json_value(value) for key, value in figures.items()}


@transaction.atomic
def scorecards_compute(*, now: datetime | None = None) -> int:
    """Compute every company's scorecard for today (replacing an earlier run of the same day)
    and propose a tier change where the points earn a different tier. Returns the number of
    scorecards written."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    rules = ScorecardRules.current()
    figures = scorecard_figures(now=now, window_days=rules.window_days)
    companies = list(Company.objects.values_list("pk", "tier"))
    snapshots = []
    for company_id, tier in companies:
        company_figures = figures.get(company_id, {})
        points = scorecard_points(figures=company_figures, rules=rules)
        total = sum(points.values(), Decimal("0"))
        snapshots.append(
            ScorecardSnapshot(
                company_id=company_id,
                day=day,
                computed_at=now,
                figures=_json_figures(company_figures),
                points={key: str(value) for key, value in points.items()},
                total_points=total,
                earned_tier=rules.tier_for(total),
                tier_at_compute=tier,
            )
        )
    ScorecardSnapshot.objects.bulk_create(
        snapshots,
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["company", "day"],
        update_fields=[
            "computed_at",
            "figures",
            "points",
            "total_points",
            "earned_tier",
            "tier_at_compute",
        ],
    )
    _proposals_refresh(day=day, now=now)
    return len(snapshots)


def _proposals_refresh(*, day, now: datetime) -> None:
    """One pending proposal per company whose earned tier differs from its tier; a pending
    proposal that no longer holds is superseded."""
    snapshots = {
        snapshot.company_id: snapshot
        for snapshot in ScorecardSnapshot.objects.filter(day=day).only(
            "pk", "company_id", "earned_tier", "tier_at_compute"
        )
    }
    pending = {
        proposal.company_id: proposal
        for proposal in TierProposal.objects.filter(status=TierProposal.Status.PENDING)
    }
    stale = [
        proposal.pk
        for company_id, proposal in pending.items()
        if company_id not in snapshots
        or snapshots[company_id].earned_tier != proposal.to_tier
        or snapshots[company_id].tier_at_compute == proposal.to_tier
    ]
    TierProposal.objects.filter(pk__in=stale).update(
        status=TierProposal.Status.SUPERSEDED, decided_at=now
    )
    still_pending = {company_id for company_id, p in pending.items() if p.pk not in stale}
    # Staff said no to this very change: not proposed again until the scorecard earns another.
    dismissed = set(
        TierProposal.objects.filter(status=TierProposal.Status.DISMISSED).values_list(
            "company_id", "from_tier", "to_tier"
        )
    )
    TierProposal.objects.bulk_create(
        [
            TierProposal(
                company_id=company_id,
                snapshot=snapshot,
                from_tier=snapshot.tier_at_compute,
                to_tier=snapshot.earned_tier,
                created_at=now,
            )
            for company_id, snapshot in snapshots.items()
            if snapshot.earned_tier != snapshot.tier_at_compute
            and company_id not in still_pending
            and (company_id, snapshot.tier_at_compute, snapshot.earned_tier) not in dismissed
        ],
        batch_size=CHUNK,
    )


def _lock_pending(proposal: TierProposal) -> TierProposal:
    locked = TierProposal.objects.select_for_update().select_related("company").get(pk=proposal.pk)
    if locked.status != TierProposal.Status.PENDING:
        raise ValidationError(ALREADY_DECIDED)
    return locked


@transaction.atomic
def tier_proposal_apply(*, proposal: TierProposal, staff: User) -> TierProposal:
    """Staff apply a proposed tier change: the company's tier is set (audited by the
    directory as TIER_CHANGED) and its admins are emailed after commit."""
    # Imported here: analytics.tasks imports these services (the app's one allowed loop).
    from analytics.tasks import tier_change_notify as tier_change_notify_task

    proposal = _lock_pending(proposal)
    tier_set(company=proposal.company, staff=staff, tier=proposal.to_tier)
    proposal.status = TierProposal.Status.APPLIED
    proposal.decided_by = staff
    proposal.decided_at = timezone.now()
    proposal.full_clean()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    transaction.on_commit(lambda: tier_change_notify_task.delay(proposal_id=proposal.pk))
    return proposal


@transaction.atomic
def tier_proposal_dismiss(*, proposal: TierProposal, staff: User) -> TierProposal:
    """Staff keep the company's tier as it is; the proposal is closed (proposed again only
    after the next change of what the scorecard earns)."""
    proposal = _lock_pending(proposal)
    proposal.status = TierProposal.Status.DISMISSED
    proposal.decided_by = staff
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def tier_change_notify(*, proposal: TierProposal) -> int:
    """Email the company's admins that program staff changed its tier; at most once."""
    with transaction.atomic():
        proposal = (
            TierProposal.objects.select_for_update().select_related("company").get(pk=proposal.pk)
        )
        if proposal.status != TierProposal.Status.APPLIED or proposal.notified_at is not None:
            return 0
        admins = list(
            User.objects.filter(
                company_memberships__company=proposal.company,
                company_memberships__status=CompanyMembership.Status.APPROVED,
                company_memberships__role=CompanyMembership.Role.ADMIN,
                is_active=True,
            ).order_by("pk")
        )
        url = absolute_url(reverse("analytics:scorecard", kwargs={"slug": proposal.company.slug}))
        context = {
            "company": proposal.company,
            "from_tier": Tier(proposal.from_tier).label,
            "to_tier": Tier(proposal.to_tier).label,
            "url": url,
        }
        for admin in admins:
            with in_language_of(admin):
                subject = gettext("%(company)s is now %(tier)s") % {
                    "company": proposal.company.name,
                    "tier": Tier(proposal.to_tier).label,
                }
                body = render_to_string(
                    "analytics/email/tier_changed.txt", {**context, "recipient": admin}
                )
            send_mail(
                subject=email_subject(subject),
                message=body,
                from_email=None,
                recipient_list=[admin.email],
            )
        proposal.notified_at = timezone.now()
        proposal.save(update_fields=["notified_at"])
        return len(admins)


def scorecard_rules_update(*, form, staff: User) -> ScorecardRules:
    """Staff change the scoring rules (they apply from the next computation)."""
    rules = form.save(commit=False)
    rules.pk = 1
    rules.updated_by = staff
    rules.full_clean()
    rules.save()
    return rules
