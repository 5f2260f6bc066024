"""Reads for the front page: the member's dashboard and program staff's dashboard."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collaboration.models import FindPartnerRequest
from collaboration.selectors import requests_matching_company
from directory.models import Company, CompanyCompetency, CompanyMembership, Review
from directory.selectors.companies import (
    claims_awaiting_verification,
    reviews_pending,
    user_membership,
)
from groups.models import Group, GroupMembership, PostStatus, Reply, Thread
from groups.selectors import groups_visible_to, user_is_any_moderator, visible_threads
from moderation.selectors import QueueSummary, queue_summary_for
from portal.models import User

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


# -- onboarding and the getting-started checklist ---------------------------------------------

SUGGESTED_GROUPS_MAX = 5
SUGGESTED_GROUPS_MIN = 3

# Regional groups are tagged by region rather than by country.
_REGIONS = {
    "nordics": {"DK", "FI", "IS", "NO", "SE"},
    "dach": {"AT", "CH", "DE"},
    "benelux": {"BE", "LU", "NL"},
}


def _words(text: str) -> set[str]:
    return {word.rstrip("s") for word in re.findall(r"[a-z0-9]+", text.lower()) if len(word) > 1}


def _interest_words(*, company: Company | None) -> set[str]:
    """What a company is about, as words to meet group tags: its live competencies and its
    country (name, code and region)."""
    if company is None:
        return set()
    words: set[str] = set()
    claims = CompanyCompetency.objects.filter(company=company).live()
    for name in claims.values_list("competency__name", flat=True):
        words |= _words(name)
    country = str(company.hq_country)
    words |= _words(company.hq_country.name) | {country.lower()}
    for region, codes in _REGIONS.items():
        if country in codes:
            words |= _words(region)
    return words


def groups_joinable_by(*, user) -> QuerySet[Group]:
    """Groups the user may join or ask to join now: visible to them, not by invitation, and
    with no membership row yet (member, asked, invited or banned)."""
    return (
        groups_visible_to(viewer=user)
        .exclude(join_policy=Group.JoinPolicy.INVITE)
        .exclude(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), user=user)))
    )


def groups_suggested_for(*, user, company: Company | None) -> list[Group]:
    """Three to five joinable groups for a newcomer: those whose tags meet the company's
    competencies and country first, then the busiest, to make up at least three."""
    interests = _interest_words(company=company)
    candidates = list(groups_joinable_by(user=user).prefetch_related("tags"))

    def score(group: Group) -> int:
        tag_words: set[str] = set()
        for tag in group.tags.all():
            tag_words |= _words(tag.name)
        return len(tag_words & interests)

    scored = sorted(candidates, key=lambda g: (-score(g), -g.member_count, g.name))
    matching = [g for g in scored if score(g) > 0][:SUGGESTED_GROUPS_MAX]
    if len(matching) < SUGGESTED_GROUPS_MIN:
        others = [g for g in scored if g not in matching]
        matching += others[: SUGGESTED_GROUPS_MIN - len(matching)]
    return matching


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    label: str
    done: bool
    url: str


@dataclass(frozen=True)
class Checklist:
    steps: list[ChecklistStep]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def has_posted(self) -> bool:
        return any(step.done for step in self.steps if step.key == "first_post")

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def getting_started_for(*, user) -> Checklist:
    """The newcomer's five first steps and which are done, in one query."""
    active = [CompanyMembership.Status.REQUESTED, CompanyMembership.Status.APPROVED]
    group_states = [GroupMembership.Status.ACTIVE, GroupMembership.Status.REQUESTED]
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_company=Exists(
                CompanyMembership.objects.filter(user=OuterRef("pk"), status__in=active)
            ),
            has_groups=Exists(
                GroupMembership.objects.filter(user=OuterRef("pk"), status__in=group_states)
            ),
            has_thread=Exists(Thread.objects.filter(author=OuterRef("pk"))),
            has_reply=Exists(Reply.objects.filter(author=OuterRef("pk"))),
            # The digest preference row is made the first time a member saves their choice;
            # reached through the relation so that the home pages need not import digests.
            has_digest_choice=ExpressionWrapper(
                Q(digest_preference__isnull=False), output_field=BooleanField()
            ),
        )
        .values(
            "job_title", "has_company", "has_groups", "has_thread", "has_reply", "has_digest_choice"
        )
        .get()
    )
    onboarding = reverse("onboarding")
    return Checklist(
        steps=[
            ChecklistStep(
                "profile",
                _("Add your job title to your profile"),
                bool(row["job_title"]),
                reverse("profile"),
            ),
            ChecklistStep(
                "company", _("Join or list your company"), row["has_company"], onboarding
            ),
            ChecklistStep("groups", _("Join a few topic groups"), row["has_groups"], onboarding),
            ChecklistStep(
                "first_post",
                _("Ask your first question"),
                row["has_thread"] or row["has_reply"],
                "#first-question",
            ),
            ChecklistStep(
                "digest",
                _("Choose how often you get the digest"),
                bool(row["has_digest_choice"]),
                reverse("digests:preferences"),
            ),
        ]
    )


def groups_to_post_in(*, user) -> QuerySet[Group]:
    """The groups the user is an active member of, where a first question can go."""
    return _my_groups(user=user)


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
