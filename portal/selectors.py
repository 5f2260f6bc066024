"""Reads for site-wide pages: the member's dashboard."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, QuerySet

from collaboration.models import FindPartnerRequest
from collaboration.selectors import requests_matching_company
from directory.models import Company, CompanyMembership
from directory.selectors.companies import user_membership
from groups.models import Group, GroupMembership, PostStatus, Thread
from groups.selectors import user_is_any_moderator, visible_threads
from moderation.selectors import queue_for_moderator

DASHBOARD_THREADS = 8
DASHBOARD_REQUESTS = 5
DASHBOARD_GROUPS = 8


@dataclass
class QueueSummary:
    size: int
    oldest: datetime | None


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
        summary = queue_for_moderator(user=user).aggregate(
            size=Count("pk"), oldest=Min("created_at")
        )
        dashboard.queue = QueueSummary(size=summary["size"], oldest=summary["oldest"])
    return dashboard
