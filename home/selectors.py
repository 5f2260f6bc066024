"""Reads for the front page: the member's dashboard and program staff's dashboard."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from django.db.models import Count, Min, QuerySet

from collaboration.models import FindPartnerRequest
from collaboration.selectors import requests_matching_company
from directory.models import Company, CompanyCompetency, CompanyMembership, Review
from directory.selectors.companies import (
    claims_awaiting_verification,
    reviews_pending,
    user_membership,
)
from groups.models import Group, GroupMembership, PostStatus, Thread
from groups.selectors import user_is_any_moderator, visible_threads
from moderation.selectors import QueueSummary, queue_summary_for

DASHBOARD_THREADS = 8
DASHBOARD_REQUESTS = 5
DASHBOARD_GROUPS = 8
STAFF_DASHBOARD_ROWS = 8


@dataclass
class Dashboard:
    company: Company | None = None
    company_pending: bool = False
    groups: list[Group] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    requests: list[FindPartnerRequest] = field(default_factory=list)
    queue: QueueSummary | None = None


def _my_groups(*, user) -> QuerySet[Group]:
    return Group.objects.filter(
        memberships__user=user, memberships__status=GroupMembership.Status.ACTIVE
    ).order_by("-last_activity_at", "name")


def dashboard_for(*, user) -> Dashboard:
    """What a signed-in member sees first: their company, groups, new threads, matching
    requests, and for moderators their queue."""
    dashboard = Dashboard()
    membership = user_membership(user)
    if membership is not None:
        dashboard.company = membership.company
        dashboard.company_pending = membership.status == CompanyMembership.Status.REQUESTED
    my_groups = _my_groups(user=user)
    dashboard.groups = list(my_groups[:DASHBOARD_GROUPS])
    dashboard.threads = list(
        visible_threads(viewer=user)
        .filter(group__in=my_groups.values("pk"), status=PostStatus.PUBLISHED)
        .select_related("group", "author", "author_company")
        .order_by("-last_activity_at")[:DASHBOARD_THREADS]
    )
    if dashboard.company is not None and not dashboard.company_pending:
        dashboard.requests = list(
            requests_matching_company(viewer=user, company=dashboard.company).select_related(
                "thread", "thread__group", "company"
            )[:DASHBOARD_REQUESTS]
        )
    if user_is_any_moderator(user=user):
        dashboard.queue = queue_summary_for(user=user)
    return dashboard


# -- program staff ------------------------------------------------------------------------------


T = TypeVar("T")


@dataclass
class Backlog(Generic[T]):
    """How many things wait, since when, and the oldest few of them."""

    size: int
    oldest: datetime | None
    first: list[T]


@dataclass
class StaffDashboard:
    queue: QueueSummary
    verifications: Backlog[CompanyCompetency]
    reviews: Backlog[Review]
    new_companies: list[Company]


def _backlog(items: QuerySet) -> Backlog:
    summary = items.order_by().aggregate(size=Count("pk"), oldest=Min("created_at"))
    first = list(items[:STAFF_DASHBOARD_ROWS]) if summary["size"] else []
    return Backlog(size=summary["size"], oldest=summary["oldest"], first=first)


def staff_dashboard_for(*, user) -> StaffDashboard:
    """What program staff see first: the moderation queue, competency claims and reviews
    waiting for them, and the companies that joined most recently; a fixed number of queries."""
    return StaffDashboard(
        queue=queue_summary_for(user=user),
        verifications=_backlog(claims_awaiting_verification(viewer=user)),
        reviews=_backlog(reviews_pending(viewer=user)),
        new_companies=list(
            Company.objects.order_by("-created_at", "-pk").only(
                "pk", "name", "slug", "tier", "hq_country", "created_at"
            )[:STAFF_DASHBOARD_ROWS]
        ),
    )
