"""Reads for deal registrations.

A registration is visible to the approved people of its own company and to program staff; to
everyone else it does not exist (``NotFound``). Conflicts (who else registered the customer) are
for program staff only: the submitting company learns that one exists, never whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext
from taggit.models import TaggedItem

from collaboration import selectors as collaboration_selectors
from collaboration.models import Collaboration
from deals.models import DealRegistration, DealRegistrationEvent, DealReminder, DealStatus
from directory.models import Company, Competency
from directory.selectors.companies import user_company
from groups.models import Group, PostStatus, Reply
from portal.errors import NotFound
from portal.viewers import Viewer, is_signed_in

REGISTRATION_NOT_FOUND = "No deal registration found."


# --- visibility ---------------------------------------------------------------------------


def registrations_visible_to(*, viewer: Viewer) -> QuerySet[DealRegistration]:
    """The viewer's company's registrations; every registration for program staff."""
    if not is_signed_in(viewer):
        return DealRegistration.objects.none()
    if viewer.is_staff:
        return DealRegistration.objects.all()
    company = user_company(viewer)
    if company is None:
        return DealRegistration.objects.none()
    return DealRegistration.objects.filter(company=company)


def registration_company_for(*, viewer: Viewer) -> Company:
    """The company a member registers deals for; ``NotFound`` without one (staff included:
    staff review registrations, they do not register them)."""
    company = user_company(viewer) if is_signed_in(viewer) else None
    if company is None:
        raise NotFound(REGISTRATION_NOT_FOUND)
    return company


def registration_get_for_viewer(*, viewer: Viewer, registration_id: int) -> DealRegistration:
    """One registration with what its page shows, or ``NotFound``."""
    found = (
        registrations_visible_to(viewer=viewer)
        .select_related(
            "company",
            "created_by",
            "source_thread",
            "source_request__thread",
            "source_collaboration",
            "source_referral",
        )
        .prefetch_related(
            "competencies",
            Prefetch(
                "events",
                queryset=DealRegistrationEvent.objects.select_related("actor"),
            ),
        )
        .filter(pk=registration_id)
        .first()
    )
    if found is None:
        raise NotFound(REGISTRATION_NOT_FOUND)
    return found


def registration_get_for_editor(*, viewer: Viewer, registration_id: int) -> DealRegistration:
    """A registration of the viewer's own company (staff do not edit partners' drafts)."""
    company = registration_company_for(viewer=viewer)
    found = DealRegistration.objects.filter(company=company, pk=registration_id).first()
    if found is None:
        raise NotFound(REGISTRATION_NOT_FOUND)
    return found


def registration_get_for_staff(*, viewer: Viewer, registration_id: int) -> DealRegistration:
    """Any registration for program staff; ``NotFound`` for everyone else."""
    require_staff(viewer=viewer)
    found = DealRegistration.objects.select_related("company").filter(pk=registration_id).first()
    if found is None:
        raise NotFound(REGISTRATION_NOT_FOUND)
    return found


def require_staff(*, viewer: Viewer) -> None:
    """``NotFound`` for anyone but program staff: the review pages do not exist for them."""
    if not (is_signed_in(viewer) and viewer.is_staff):
        raise NotFound(REGISTRATION_NOT_FOUND)


def registration_list(*, company: Company, status: str = "") -> QuerySet[DealRegistration]:
    """A company's registrations (for its own people), newest first, ready to list."""
    rows = DealRegistration.objects.filter(company=company)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("company")
        .prefetch_related("competencies")
        .order_by("-created_at", "-pk")
    )


@dataclass
class RegistrationSource:
    """The community item a new registration comes from (docs/attribution.md, "Sourced")."""

    links: dict = field(default_factory=dict)
    label: str = ""
    query: str = ""


SOURCE_NOT_FOUND = "No such thread, request, conversation or referral."


def registration_source(*, viewer: Viewer, params) -> RegistrationSource:
    """Resolve ``?thread=``, ``?request=``, ``?collaboration=`` or ``?referral=`` through the
    viewer's own visibility; ``NotFound`` for anything they may not see."""
    try:
        if params.get("collaboration"):
            item = collaboration_selectors.collaboration_get_for_viewer(
                viewer=viewer, collaboration_id=int(params["collaboration"])
            )
            return RegistrationSource(
                links={"source_collaboration": item},
                label=gettext("Private conversation “%(subject)s”") % {"subject": item.subject},
                query=f"collaboration={item.pk}",
            )
        if params.get("request"):
            item = collaboration_selectors.request_get_for_viewer(
                viewer=viewer, request_id=int(params["request"])
            )
            return RegistrationSource(
                links={"source_request": item},
                label=gettext("Find-a-partner request “%(title)s”") % {"title": item.thread.title},
                query=f"request={item.pk}",
            )
        if params.get("referral"):
            item = collaboration_selectors.referral_get_for_viewer(
                viewer=viewer, referral_id=int(params["referral"])
            )
            return RegistrationSource(
                links={"source_referral": item},
                label=gettext("Referral “%(title)s”") % {"title": item.title},
                query=f"referral={item.pk}",
            )
        if params.get("thread"):
            item = collaboration_selectors.thread_for_referral(
                viewer=viewer, thread_id=int(params["thread"])
            )
            return RegistrationSource(
                links={"source_thread": item},
                label=gettext("Thread “%(title)s”") % {"title": item.title},
                query=f"thread={item.pk}",
            )
    except (ValueError, OverflowError) as error:
        raise NotFound(SOURCE_NOT_FOUND) from error
    return RegistrationSource()


def registrations_by_ids(*, ids: list[int]) -> list[DealRegistration]:
    """The registrations staff ticked, oldest submission first (staff-only callers)."""
    return list(DealRegistration.objects.filter(pk__in=ids).order_by("submitted_at", "pk"))


# --- conflicts ----------------------------------------------------------------------------


def customer_conflicts(
    *,
    company_id: int,
    registrable_domain: str,
    name_key: str,
    exclude_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[DealRegistration]:
    """Active registrations (submitted, or approved and protected) of *other* companies for the
    same customer: the same registrable domain or the same normalized name."""
    same_customer = Q(customer_registrable_domain=registrable_domain) if registrable_domain else Q()
    if name_key:
        same_customer = (
            (same_customer | Q(customer_name_key=name_key))
            if same_customer
            else Q(customer_name_key=name_key)
        )
    if not same_customer:
        return DealRegistration.objects.none()
    rows = (
        DealRegistration.objects.active(now=now)
        .filter(same_customer)
        .exclude(company_id=company_id)
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows


def registration_has_conflict(*, registration: DealRegistration) -> bool:
    """Whether another company holds or asks for the same customer now (one indexed query)."""
    return customer_conflicts(
        company_id=registration.company_id,
        registrable_domain=registration.customer_registrable_domain,
        name_key=registration.customer_name_key,
        exclude_id=registration.pk,
    ).exists()


@dataclass
class ReviewFilters:
    countries: list[str] = field(default_factory=list)
    competencies: list[Competency] = field(default_factory=list)


@dataclass
class ConflictGroup:
    """Registrations of different companies for one customer, shown side by side to staff."""

    key: str
    registrations: list[DealRegistration]

    @property
    def is_conflict(self) -> bool:
        return len({row.company_id for row in self.registrations}) > 1


def registration_conflicts_for_staff(*, registration: DealRegistration) -> list[DealRegistration]:
    """For staff: the other companies' active registrations for the same customer."""
    return list(
        customer_conflicts(
            company_id=registration.company_id,
            registrable_domain=registration.customer_registrable_domain,
            name_key=registration.customer_name_key,
            exclude_id=registration.pk,
        )
        .select_related("company")
        .order_by("submitted_at", "pk")
    )


def review_queue(
    *, viewer: Viewer, filters: ReviewFilters, limit: int = 200
) -> list[ConflictGroup]:
    """Submitted registrations, oldest first, each grouped with every active registration of
    another company for the same customer (approved ones included, so staff see who holds it).
    A fixed number of queries whatever the queue's length."""
    require_staff(viewer=viewer)
    pending = DealRegistration.objects.filter(status=DealStatus.SUBMITTED)
    if filters.countries:
        pending = pending.filter(country__in=filters.countries)
    if filters.competencies:
        pending = pending.filter(
            Exists(
                DealRegistration.competencies.through.objects.filter(
                    dealregistration_id=OuterRef("pk"), competency__in=filters.competencies
                )
            )
        )
    pending_rows = list(_for_review(pending.order_by("submitted_at", "pk")[:limit]))
    if not pending_rows:
        return []
    domains = {row.customer_registrable_domain for row in pending_rows} - {""}
    names = {row.customer_name_key for row in pending_rows} - {""}
    others = list(
        _for_review(
            DealRegistration.objects.active()
            .filter(Q(customer_registrable_domain__in=domains) | Q(customer_name_key__in=names))
            .exclude(pk__in=[row.pk for row in pending_rows])
            .order_by("submitted_at", "pk")
        )
    )
    return _group_by_customer(pending_rows, others)


def _for_review(rows: QuerySet[DealRegistration]) -> QuerySet[DealRegistration]:
    return rows.select_related("company", "created_by").prefetch_related("competencies")


def _group_by_customer(
    pending: list[DealRegistration], others: list[DealRegistration]
) -> list[ConflictGroup]:
    # Union-find over "same domain or same name", so A~B by domain and B~C by name are one group.
    everyone = pending + others
    parent = list(range(len(everyone)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_by_key: dict[tuple[str, str], int] = {}
    for index, row in enumerate(everyone):
        for key in (("d", row.customer_registrable_domain), ("n", row.customer_name_key)):
            if not key[1]:
                continue
            if key in first_by_key:
                parent[find(index)] = find(first_by_key[key])
            else:
                first_by_key[key] = index
    members: dict[int, list[DealRegistration]] = {}
    for index, row in enumerate(everyone):
        members.setdefault(find(index), []).append(row)
    groups: list[ConflictGroup] = []
    seen: set[int] = set()
    for index, row in enumerate(pending):  # the oldest pending row places its group
        root = find(index)
        if root in seen:
            continue
        seen.add(root)
        rows = members[root]
        if len({item.company_id for item in rows}) == 1:
            rows = [item for item in rows if item.status == DealStatus.SUBMITTED]
        groups.append(ConflictGroup(key=row.customer_registrable_domain, registrations=rows))
    return groups


# --- attribution --------------------------------------------------------------------------

_NOT_TOPIC_WORDS = frozenset({"and", "of", "on", "the", "for"})


def topic_tags_for(competencies: list[Competency]) -> set[str]:
    """Group tag slugs that count as overlapping these competencies (docs/attribution.md): the
    competency's slug itself and each word of it (``cloud-migration`` -> ``cloud``,
    ``migration``)."""
    slugs: set[str] = set()
    for competency in competencies:
        slugs.add(competency.slug)
        slugs.update(
            word
            for word in competency.slug.split("-")
            if len(word) >= 2 and word not in _NOT_TOPIC_WORDS
        )
    return slugs


def groups_overlapping(competencies: list[Competency]) -> QuerySet[Group]:
    """Groups whose tags overlap the competencies (see ``topic_tags_for``)."""
    tags = topic_tags_for(competencies)
    if not tags:
        return Group.objects.none()
    tagged = TaggedItem.objects.filter(
        content_type__app_label="groups",
        content_type__model="group",
        tag__slug__in=tags,
    ).values("object_id")
    return Group.objects.filter(pk__in=tagged)


def influence_evidence(*, company_id: int, competencies: list[Competency], at: datetime) -> str:
    """The first community activity that makes a registration *influenced* (docs/attribution.md),
    as ``kind:id``, or ``""``: in the window before ``at``, the company replied in a thread,
    answered a find-a-partner request, or had a private collaboration, in a group whose tags
    overlap the deal's competencies (or, for requests, needing one of them)."""
    if not competencies:
        return ""
    since = at - timedelta(days=settings.DEAL_INFLUENCE_WINDOW_DAYS)
    groups = groups_overlapping(competencies)
    reply = (
        Reply.objects.filter(
            author_company_id=company_id,
            status=PostStatus.PUBLISHED,
            created_at__gte=since,
            created_at__lte=at,
            thread__group__in=groups,
        )
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    if reply is not None:
        return f"reply:{reply}"
    request_fits = Q(request__thread__group__in=groups) | Q(request__competencies__in=competencies)
    response = (
        Collaboration.objects.filter(
            request_fits,
            responding_company_id=company_id,
            created_at__gte=since,
            created_at__lte=at,
        )
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    if response is not None:
        return f"response:{response}"
    collaboration = (
        Collaboration.objects.filter(
            request_fits,
            Q(requesting_company_id=company_id) | Q(responding_company_id=company_id),
            created_at__lte=at,
            last_activity_at__gte=since,
        )
        .order_by("-last_activity_at")
        .values_list("pk", flat=True)
        .first()
    )
    if collaboration is not None:
        return f"collaboration:{collaboration}"
    return ""


# --- reminders and expiry -----------------------------------------------------------------


def registrations_lapsed(*, now: datetime) -> QuerySet[DealRegistration]:
    """Approved registrations whose protection has ended: to be flipped to expired."""
    return DealRegistration.objects.filter(
        status=DealStatus.APPROVED, protected_until__lte=now
    ).order_by("protected_until", "pk")


def registrations_due_reminder(
    *, now: datetime, days: int, closer_days: int | None
) -> QuerySet[DealRegistration]:
    """Approved registrations ending within ``days`` (but not yet within ``closer_days``, whose
    own reminder supersedes this one) that have not had this reminder for this end date."""
    rows = DealRegistration.objects.filter(
        status=DealStatus.APPROVED,
        protected_until__gt=now,
        protected_until__lte=now + timedelta(days=days),
    )
    if closer_days is not None:
        rows = rows.filter(protected_until__gt=now + timedelta(days=closer_days))
    sent = DealReminder.objects.filter(
        registration=OuterRef("pk"),
        kind=f"{days}d",
        protected_until=OuterRef("protected_until"),
    )
    return rows.exclude(Exists(sent)).order_by("protected_until", "pk")


EXPORT_HEADER = [
    "id", "company", "customer", "customer domain", "registrable domain", "country",
    "products and competencies", "value", "currency", "expected close", "status",
    "submitted", "approved", "protected until", "closed", "sourced", "influenced",
    "rejection reason",
]  # fmt: skip


def export_table(*, rows: QuerySet[DealRegistration]):
    """The CSV rows of an export: the header, then one row per registration."""
    yield EXPORT_HEADER

    def stamp(value) -> str:
        return value.isoformat() if value else ""

    for row in rows.iterator(chunk_size=2000):
        yield [
            row.pk,
            row.company.name,
            row.customer_name,
            row.customer_domain,
            row.customer_registrable_domain,
            row.country.code,
            "; ".join(competency.name for competency in row.competencies.all()),
            row.value,
            row.currency,
            stamp(row.expected_close_date),
            row.status,
            stamp(row.submitted_at),
            stamp(row.approved_at),
            stamp(row.protected_until),
            stamp(row.closed_at),
            "yes" if row.is_sourced else "no",
            "yes" if row.is_influenced else "no",
            row.rejection_reason,
        ]


def export_rows(*, viewer: Viewer, start: date | None = None) -> QuerySet[DealRegistration]:
    """What the CSV export holds: every registration the viewer may see, oldest first."""
    rows = registrations_visible_to(viewer=viewer)
    if start is not None:
        rows = rows.filter(created_at__date__gte=start)
    return (
        rows.select_related("company").prefetch_related("competencies").order_by("created_at", "pk")
    )
