"""Reads for digests: who is due, and what each member of a batch gets.

Everything about groups goes through groups.selectors (``groups_readable_by``,
``groups_moderated_by``), so a digest never shows what its reader may not see. A batch is built
with a constant number of queries whatever its size: the per-member visibility querysets are
combined into one UNION ALL statement, and the rest is fetched once for the whole batch and
matched in memory.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from collaboration.models import FindPartnerRequest
from digests.models import DigestSent, Frequency
from digests.schedule import Period, period_for, zones_due
from directory.models import Company, CompanyCompetency, CompanyCountry, CompanyMembership
from groups.models import Group, GroupMembership, PostStatus, Thread
from groups.selectors import groups_moderated_by, groups_readable_by
from moderation.selectors import QueueSummary, waiting_summaries_by_group
from portal.models import User

logger = logging.getLogger(__name__)

MAX_THREADS = 5
MAX_REQUESTS = 5
MAX_PARTNERS = 5
MAX_GROUPS = 3
# Best threads kept per group before they are shared out to the batch's members.
THREADS_PER_GROUP = 20
# A thread's rank: a helpful vote counts more than a reply; newer first among equals.
HELPFUL_WEIGHT = 3
REPLY_WEIGHT = 2


@dataclass
class PartnerNews:
    """A company worth a look: new in the directory, or newly verified in a competency."""

    company: Company
    is_new: bool
    verified: list[str] = field(default_factory=list)


@dataclass
class Digest:
    """One member's digest for one period."""

    member: User
    period: Period
    since: datetime
    threads: list[Thread] = field(default_factory=list)
    requests: list[FindPartnerRequest] = field(default_factory=list)
    partners: list[PartnerNews] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    queue: QueueSummary | None = None
    # No digest was sent to the member before: the first issue points to the getting-started
    # checklist on the dashboard.
    is_first: bool = False

    @property
    def item_count(self) -> int:
        return (
            len(self.threads)
            + len(self.requests)
            + len(self.partners)
            + len(self.groups)
            + (1 if self.queue else 0)
        )

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0


def _with_digest_fields(users: QuerySet[User]) -> QuerySet[User]:
    company = CompanyMembership.objects.filter(
        user=OuterRef("pk"), status=CompanyMembership.Status.APPROVED
    ).values("company_id")[:1]
    last_sent = (
        DigestSent.objects.filter(member=OuterRef("pk"), status=DigestSent.Status.SENT)
        .values("member")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    return users.annotate(
        digest_frequency=Coalesce(
            "digest_preference__frequency", Value(Frequency.WEEKLY), output_field=CharField()
        ),
        digest_company_id=Subquery(company, output_field=IntegerField()),
        digest_last_sent_at=Subquery(last_sent),
    )


def _can_receive() -> Q:
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return Q(is_active=True) & Q(Exists(verified))


def members_due(*, now: datetime) -> QuerySet[User]:
    """Members whose digest is due now in their time zone and not yet recorded for the period."""
    due = Q(pk__in=[])
    for frequency in (Frequency.WEEKLY, Frequency.DAILY):
        for key, zones in zones_due(frequency=frequency, now=now).items():
            recorded = DigestSent.objects.filter(member=OuterRef("pk"), period_key=key)
            due |= Q(digest_frequency=frequency, time_zone__in=zones) & ~Q(Exists(recorded))
    return _with_digest_fields(User.objects.filter(_can_receive())).filter(due).order_by("pk")


def members_for_batch(*, member_ids: list[int], now: datetime) -> list[User]:
    """The batch's members, fetched again: still active, still subscribed, not yet recorded."""
    members = []
    for member in _with_digest_fields(User.objects.filter(_can_receive(), pk__in=member_ids)):
        if member.digest_frequency == Frequency.OFF:
            continue
        member.digest_period = period_for(
            frequency=member.digest_frequency, time_zone=member.time_zone, now=now
        )
        members.append(member)
    if not members:
        return []
    rows = DigestSent.objects.filter(
        member__in=[m.pk for m in members],
        period_key__in={m.digest_period.key for m in members},
    ).values_list("member_id", "period_key", "status")
    recorded = {(member_id, key): status for member_id, key, status in rows}
    for (member_id, key), status in recorded.items():
        if status == DigestSent.Status.IN_FLIGHT:
            # Claimed by an attempt that never recorded its outcome (a worker killed while the
            # mail server had the message): the member may have it, so it is not sent again.
            logger.warning(
                "Digest %s for member %s is still in flight from an earlier attempt; not resending"
                " (see manage.py send_digests --help).",
                key,
                member_id,
            )
    return [m for m in members if (m.pk, m.digest_period.key) not in recorded]


def digest_attempts_stuck(*, now: datetime, older_than: timedelta) -> QuerySet[DigestSent]:
    """Attempts still in flight after ``older_than``: their worker stopped before recording."""
    return (
        DigestSent.objects.filter(
            status=DigestSent.Status.IN_FLIGHT, attempted_at__lte=now - older_than
        )
        .select_related("member")
        .order_by("attempted_at", "pk")
    )


def member_for_preview(*, member: User, now: datetime) -> User:
    """The member with the fields a digest needs, for the preview of their next digest."""
    member = _with_digest_fields(User.objects.filter(pk=member.pk)).get()
    frequency = member.digest_frequency
    if frequency == Frequency.OFF:
        frequency = Frequency.WEEKLY
    member.digest_period = period_for(frequency=frequency, time_zone=member.time_zone, now=now)
    return member


def _union_rows(querysets: list[QuerySet]) -> list[tuple[int, int]]:
    """Run per-member (member, group) querysets as one UNION ALL statement."""
    if not querysets:
        return []
    first, *rest = querysets
    if not rest:
        return list(first)
    combined = first.union(*rest, all=True)
    if connection.vendor != "postgresql":
        return list(combined)
    # Hundreds of tiny branches add up to a cost estimate that makes PostgreSQL JIT-compile the
    # statement: seconds of compiling for milliseconds of work. Off for this statement only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        return list(combined)


def _member_group_rows(members: list[User], selector) -> dict[int, set[int]]:
    querysets = [
        selector(m)
        .order_by()
        .annotate(digest_member=Value(m.pk, output_field=IntegerField()))
        .values_list("digest_member", "pk")
        for m in members
    ]
    groups: dict[int, set[int]] = defaultdict(set)
    for member_id, group_id in _union_rows(querysets):
        groups[member_id].add(group_id)
    return groups


def digests_for_members(*, members: list[User], now: datetime | None = None) -> list[Digest]:
    """Build the digest of every member in the batch with a constant number of queries.

    Each member must come from ``members_for_batch`` or ``member_for_preview`` (which attach
    the period and the company). Content counts from the member's last digest, or from the
    start of the period when that is more recent.
    """
    now = now or timezone.now()
    if not members:
        return []
    digests = {}
    for m in members:
        since = m.digest_period.starts_at
        if m.digest_last_sent_at and m.digest_last_sent_at > since:
            since = m.digest_last_sent_at
        digests[m.pk] = Digest(
            member=m, period=m.digest_period, since=since, is_first=m.digest_last_sent_at is None
        )
    min_since = min(d.since for d in digests.values())
    member_ids = list(digests)

    readable = _member_group_rows(members, lambda m: groups_readable_by(viewer=m))
    memberships: dict[int, dict[int, GroupMembership]] = defaultdict(dict)
    for ms in GroupMembership.objects.filter(user_id__in=member_ids).only(
        "user_id", "group_id", "status", "role", "digest_enabled"
    ):
        memberships[ms.user_id][ms.group_id] = ms
    digest_groups = {
        m.pk: {
            gid
            for gid, ms in memberships[m.pk].items()
            if ms.is_active and ms.digest_enabled and gid in readable[m.pk]
        }
        for m in members
    }

    company_ids = {m.digest_company_id for m in members if m.digest_company_id}
    interests = _company_interests(company_ids)
    all_readable = set().union(*readable.values()) if readable else set()
    groups = {
        g.pk: g
        for g in Group.objects.filter(pk__in=all_readable).prefetch_related("tags").order_by()
    }
    group_tags = {gid: {t.slug for t in g.tags.all()} for gid, g in groups.items()}

    _add_threads(digests, digest_groups, groups, min_since, now)
    _add_requests(digests, readable, interests, company_ids, min_since, now)
    _add_partners(digests, digest_groups, group_tags, interests, min_since, now)
    _add_recommendations(digests, readable, memberships, groups, group_tags, interests)
    _add_queues(digests, members, memberships)
    return [digests[m.pk] for m in members]


@dataclass
class _Interests:
    competency_ids: set[int] = field(default_factory=set)
    competency_slugs: set[str] = field(default_factory=set)
    industry_ids: set[int] = field(default_factory=set)
    tag_slugs: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)


def _company_interests(company_ids: set[int]) -> dict[int, _Interests]:
    interests: dict[int, _Interests] = defaultdict(_Interests)
    if not company_ids:
        return interests
    claims = (
        CompanyCompetency.objects.live()
        .filter(company_id__in=company_ids)
        .values_list("company_id", "competency_id", "competency__slug")
    )
    for company_id, competency_id, slug in claims:
        interests[company_id].competency_ids.add(competency_id)
        interests[company_id].competency_slugs.add(slug)
    countries = CompanyCountry.objects.filter(company_id__in=company_ids)
    for company_id, country in countries.values_list("company_id", "country"):
        interests[company_id].countries.add(str(country))
    for company in (
        Company.objects.filter(pk__in=company_ids).prefetch_related("tags", "industries").only("pk")
    ):
        interests[company.pk].tag_slugs = {t.slug for t in company.tags.all()}
        interests[company.pk].industry_ids = {i.pk for i in company.industries.all()}
    return interests


def _add_threads(digests, digest_groups, groups, min_since, now) -> None:
    wanted = set().union(*digest_groups.values())
    if not wanted:
        return
    score = F("helpful_count") * HELPFUL_WEIGHT + F("reply_count") * REPLY_WEIGHT
    threads = (
        Thread.objects.filter(
            group_id__in=wanted,
            status=PostStatus.PUBLISHED,
            published_at__gt=min_since,
            published_at__lte=now,
        )
        .annotate(
            digest_score=score,
            digest_rank=Window(
                RowNumber(),
                partition_by=[F("group_id")],
                order_by=[score.desc(), F("published_at").desc(), F("pk").desc()],
            ),
        )
        .filter(digest_rank__lte=THREADS_PER_GROUP)
        .only(
            "pk",
            "group_id",
            "author_id",
            "title",
            "kind",
            "helpful_count",
            "reply_count",
            "published_at",
        )
        .order_by("-digest_score", "-published_at", "-pk")
    )
    by_group: dict[int, list[Thread]] = defaultdict(list)
    for position, thread in enumerate(threads):
        thread.group = groups[thread.group_id]
        thread.digest_position = position
        by_group[thread.group_id].append(thread)
    for digest in digests.values():
        member_id = digest.member.pk
        candidates = [t for g in digest_groups[member_id] for t in by_group.get(g, ())]
        candidates.sort(key=lambda t: t.digest_position)
        digest.threads = [
            t for t in candidates if t.published_at > digest.since and t.author_id != member_id
        ][:MAX_THREADS]


def _add_requests(digests, readable, interests, company_ids, min_since, now) -> None:
    wanted_competencies = (
        set().union(*(interests[c].competency_ids for c in company_ids)) if (company_ids) else set()
    )
    if not wanted_competencies:
        return
    all_readable = set().union(*readable.values())
    requests = list(
        FindPartnerRequest.objects.filter(
            Q(deadline__isnull=True) | Q(deadline__gte=now.date()),
            status=FindPartnerRequest.Status.OPEN,
            created_at__gt=min_since,
            thread__status=PostStatus.PUBLISHED,
            thread__group_id__in=all_readable,
            competencies__in=wanted_competencies,
        )
        .distinct()
        .select_related("thread", "thread__group", "company")
        .prefetch_related("competencies")
        .order_by("-created_at", "-pk")
    )
    # Read each request's needs once, not once per member.
    needs = {
        r.pk: (
            {c.pk: c.name for c in r.competencies.all()},
            {str(country) for country in r.countries},
        )
        for r in requests
    }
    by_competency: dict[int, list[int]] = defaultdict(list)
    for position, r in enumerate(requests):
        r.needed_competencies = sorted(needs[r.pk][0].values())
        for competency_id in needs[r.pk][0]:
            by_competency[competency_id].append(position)
    for digest in digests.values():
        company_id = digest.member.digest_company_id
        if not company_id:
            continue
        mine = interests[company_id]
        readable_here = readable[digest.member.pk]
        found = []
        positions = sorted({p for c in mine.competency_ids for p in by_competency.get(c, ())})
        for request in (requests[p] for p in positions):
            if request.company_id == company_id or request.created_at <= digest.since:
                continue
            if request.thread.group_id not in readable_here:
                continue
            competencies, countries = needs[request.pk]
            matched = competencies.keys() & mine.competency_ids
            if matched and (not countries or countries & mine.countries):
                found.append(request)
                if len(found) == MAX_REQUESTS:
                    break
        digest.requests = found


def _add_partners(digests, digest_groups, group_tags, interests, min_since, now) -> None:
    verified_recently = CompanyCompetency.objects.verified().filter(
        company=OuterRef("pk"), verified_at__gt=min_since, verified_at__lte=now
    )
    candidates = list(
        Company.objects.filter(
            Q(created_at__gt=min_since, created_at__lte=now) | Q(Exists(verified_recently))
        )
        .prefetch_related("competency_claims__competency", "industries", "tags")
        .only("pk", "name", "slug", "description", "tier", "hq_country", "created_at")
        .order_by("-created_at", "pk")
    )
    if not candidates:
        return
    for company in candidates:
        claims = [c for c in company.competency_claims.all() if c.is_live]
        company.digest_competencies = {c.competency_id for c in claims}
        company.digest_verified = [
            (c.verified_at, c.competency.name) for c in claims if c.is_verified and c.verified_at
        ]
        company.digest_industries = {i.pk for i in company.industries.all()}
        company.digest_tags = {t.slug for t in company.tags.all()}
    for digest in digests.values():
        company_id = digest.member.digest_company_id
        mine = interests[company_id] if company_id else _Interests()
        tags = set().union(*(group_tags.get(g, set()) for g in digest_groups[digest.member.pk]))
        news = []
        for company in candidates:
            if company.pk == company_id:
                continue
            matches = (
                company.digest_competencies & mine.competency_ids
                or company.digest_industries & mine.industry_ids
                or company.digest_tags & tags
            )
            if not matches:
                continue
            is_new = digest.since < company.created_at <= now
            verified = sorted(
                name for at, name in company.digest_verified if digest.since < at <= now
            )
            if is_new or verified:
                news.append(PartnerNews(company=company, is_new=is_new, verified=verified))
        digest.partners = news[:MAX_PARTNERS]


def _add_recommendations(digests, readable, memberships, groups, group_tags, interests) -> None:
    company_ids = {d.member.digest_company_id for d in digests.values()} - {None}
    colleagues: dict[int, dict[int, int]] = defaultdict(dict)
    if company_ids:
        rows = (
            GroupMembership.objects.filter(
                status=GroupMembership.Status.ACTIVE,
                user__company_memberships__status=CompanyMembership.Status.APPROVED,
                user__company_memberships__company_id__in=company_ids,
            )
            .values_list("user__company_memberships__company_id", "group_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for company_id, group_id, n in rows:
            colleagues[company_id][group_id] = n
    for digest in digests.values():
        member_id = digest.member.pk
        company_id = digest.member.digest_company_id
        mine = interests[company_id] if company_id else _Interests()
        wanted_tags = mine.competency_slugs | mine.tag_slugs
        joined_by_colleagues = colleagues.get(company_id, {})
        scored = []
        for group_id in readable[member_id] - set(memberships[member_id]):
            group = groups[group_id]
            if group.visibility == Group.Visibility.PRIVATE:
                continue
            score = 2 * len(group_tags[group_id] & wanted_tags) + joined_by_colleagues.get(
                group_id, 0
            )
            if score:
                scored.append((-score, -group.member_count, group.name, group))
        digest.groups = [entry[-1] for entry in sorted(scored, key=lambda e: e[:3])][:MAX_GROUPS]


def _add_queues(digests, members, memberships) -> None:
    moderators = [
        m
        for m in members
        if m.is_staff or any(ms.can_moderate for ms in memberships[m.pk].values())
    ]
    if not moderators:
        return
    moderated = _member_group_rows(moderators, lambda m: groups_moderated_by(user=m))
    wanted = set().union(*moderated.values())
    if not wanted:
        return
    per_group = waiting_summaries_by_group(group_ids=wanted)
    for member in moderators:
        summaries = [per_group[g] for g in moderated[member.pk] if g in per_group]
        if summaries:
            digests[member.pk].queue = QueueSummary.combined(summaries)
