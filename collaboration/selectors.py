"""Reads for find-a-partner requests, private collaborations and referrals.

Visibility, decided here and only here:
- a request is visible exactly when its thread is (``groups.selectors.visible_threads``), so
  nothing from a group the viewer may not read ever shows;
- a collaboration and a referral are visible to the approved people of the two companies
  involved and to program staff; to everyone else they do not exist (``NotFound``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When

from collaboration.models import (
    Collaboration,
    CollaborationMessage,
    FindPartnerRequest,
    Referral,
)
from directory.models import Company, CompanyCompetency, CompanyCountry, CompanyMembership
from directory.selectors.companies import user_company
from groups.models import Group, GroupMembership, PostStatus, Reply, Thread
from groups.selectors import visible_threads
from portal.errors import NotFound, NotPermitted
from portal.models import User

REQUEST_NOT_FOUND = "No find-a-partner request found."
COLLABORATION_NOT_FOUND = "No collaboration found."
REFERRAL_NOT_FOUND = "No referral found."
ONLY_REQUESTING_COMPANY = "Only people of the company that asked can close this request."

__all__ = ["user_company"]


def _is_signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated and viewer.is_active


# Requests ------------------------------------------------------------------------------------


def groups_postable_by(*, user) -> QuerySet[Group]:
    """Groups in which the user may post a request: active member, or any group for staff."""
    if not _is_signed_in(user):
        return Group.objects.none()
    if user.is_staff:
        return Group.objects.all()
    return Group.objects.filter(
        memberships__user=user, memberships__status=GroupMembership.Status.ACTIVE
    )


def visible_requests(*, viewer) -> QuerySet[FindPartnerRequest]:
    """Requests whose thread the viewer may see, across every group they may read."""
    threads = visible_threads(viewer=viewer).filter(kind=Thread.Kind.REQUEST)
    return FindPartnerRequest.objects.filter(thread__in=threads.values("pk"))


def _any_country(countries: Iterable[str]) -> Q:
    """Requests that name at least one of these countries (stored as a comma-separated list)."""
    condition = Q(pk__in=[])
    for code in countries:
        # Codes are two letters between commas, so a two-letter substring matches one whole code.
        condition |= Q(countries__contains=str(code).upper()[:2])
    return condition


def requests_matching_company_q(*, company: Company) -> Q:
    """Condition on requests that fit this company's live competencies and countries."""
    competency_ids = list(
        CompanyCompetency.objects.live()
        .filter(company=company)
        .values_list("competency_id", flat=True)
    )
    countries = list(
        CompanyCountry.objects.filter(company=company).values_list("country", flat=True)
    )
    return (
        Q(competencies__in=competency_ids)
        & (Q(countries="") | _any_country(countries))
        & ~Q(company=company)
    )


def request_list(
    *,
    viewer,
    competencies: Iterable = (),
    countries: Iterable[str] = (),
    status: str = "",
    matching_company: Company | None = None,
) -> QuerySet[FindPartnerRequest]:
    """Visible requests, filtered, newest first, ready to list without further queries."""
    requests = visible_requests(viewer=viewer)
    competencies = list(competencies)
    if competencies:
        requests = requests.filter(competencies__in=competencies)
    countries = list(countries)
    if countries:
        requests = requests.filter(_any_country(countries))
    if status:
        requests = requests.filter(status=status)
    if matching_company is not None:
        requests = requests.filter(requests_matching_company_q(company=matching_company))
    if competencies or matching_company is not None:
        # The competency join repeats a request once per matching competency.
        requests = FindPartnerRequest.objects.filter(pk__in=requests.values("pk"))
    return (
        requests.select_related("thread__group", "thread__author", "company", "awarded_to")
        .prefetch_related("competencies")
        .order_by("-created_at", "-pk")
    )


def requests_matching_company(
    *, viewer, company: Company, since=None
) -> QuerySet[FindPartnerRequest]:
    """Open, published requests the viewer may see that fit the company (for digests)."""
    requests = request_list(
        viewer=viewer, status=FindPartnerRequest.Status.OPEN, matching_company=company
    )
    requests = requests.filter(thread__status=PostStatus.PUBLISHED)
    if since is not None:
        requests = requests.filter(created_at__gte=since)
    return requests


def request_get_for_viewer(*, viewer, request_id: int) -> FindPartnerRequest:
    """The request if the viewer may see its thread, else ``NotFound``."""
    found = (
        visible_requests(viewer=viewer)
        .select_related("thread__group", "thread__author", "company", "awarded_to")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return found


def request_get_for_requester(*, user, request_id: int) -> FindPartnerRequest:
    """The request if the user may see it and is one of the asking company's people: else
    ``NotFound`` (not visible) or ``NotPermitted`` (visible, another company's)."""
    partner_request = request_get_for_viewer(viewer=user, request_id=request_id)
    company = user_company(user)
    if company is None or partner_request.company_id != company.pk:
        raise NotPermitted(ONLY_REQUESTING_COMPANY)
    return partner_request


def companies_matching_request(*, partner_request: FindPartnerRequest) -> QuerySet[Company]:
    """Companies that fit a request: a live claim on a needed competency, in a needed country."""
    needed = partner_request.competencies.values("pk")
    claims = CompanyCompetency.objects.live().filter(competency__in=needed)
    companies = Company.objects.filter(pk__in=claims.values("company_id"))
    if partner_request.countries:
        in_country = CompanyCountry.objects.filter(
            country__in=[str(code) for code in partner_request.countries]
        )
        companies = companies.filter(pk__in=in_country.values("company_id"))
    if partner_request.company_id:
        companies = companies.exclude(pk=partner_request.company_id)
    return companies.order_by("name")


def request_responders(*, partner_request: FindPartnerRequest) -> QuerySet[Company]:
    """Companies that answered a request, privately or with a published reply."""
    privately = Collaboration.objects.filter(request=partner_request).values(
        "responding_company_id"
    )
    publicly = Reply.objects.filter(
        thread_id=partner_request.thread_id,
        status=PostStatus.PUBLISHED,
        author_company__isnull=False,
    ).values("author_company_id")
    companies = Company.objects.filter(Q(pk__in=privately) | Q(pk__in=publicly))
    if partner_request.company_id:
        companies = companies.exclude(pk=partner_request.company_id)
    return companies.order_by("name")


@dataclass
class RequestPanel:
    """What the request panel on a thread page shows and offers to this viewer."""

    partner_request: FindPartnerRequest | None
    viewer_company: Company | None = None
    own_collaboration: Collaboration | None = None
    can_respond: bool = False
    can_close: bool = False
    is_open: bool = False
    # Who a request went to is told only to the two companies and staff: the award reveals
    # that they talked privately.
    may_see_award: bool = False
    competencies: list = field(default_factory=list)


def award_visible_to(
    *, viewer, company: Company | None, partner_request: FindPartnerRequest
) -> bool:
    """Whether the viewer may learn which company a closed request went to."""
    if _is_signed_in(viewer) and viewer.is_staff:
        return True
    return company is not None and company.pk in (
        partner_request.company_id,
        partner_request.awarded_to_id,
    )


def request_panel(*, viewer, thread: Thread) -> RequestPanel:
    """The request panel for a request thread the viewer already may see."""
    partner_request = (
        FindPartnerRequest.objects.select_related("company", "awarded_to")
        .prefetch_related("competencies")
        .filter(thread=thread)
        .first()
    )
    if partner_request is None:
        return RequestPanel(partner_request=None)
    panel = RequestPanel(
        partner_request=partner_request,
        is_open=partner_request.status == FindPartnerRequest.Status.OPEN,
        competencies=list(partner_request.competencies.all()),
    )
    company = user_company(viewer)
    panel.viewer_company = company
    panel.may_see_award = award_visible_to(
        viewer=viewer, company=company, partner_request=partner_request
    )
    if company is None:
        return panel
    if company.pk == partner_request.company_id:
        panel.can_close = panel.is_open
        return panel
    panel.own_collaboration = Collaboration.objects.filter(
        request=partner_request, responding_company=company
    ).first()
    panel.can_respond = panel.is_open and partner_request.company_id is not None
    return panel


# Collaborations ------------------------------------------------------------------------------


def collaborations_visible_to(*, viewer) -> QuerySet[Collaboration]:
    """Collaborations of the viewer's company (all of them for staff)."""
    if not _is_signed_in(viewer):
        return Collaboration.objects.none()
    if viewer.is_staff:
        return Collaboration.objects.all()
    company = user_company(viewer)
    if company is None:
        return Collaboration.objects.none()
    return Collaboration.objects.filter(
        Q(requesting_company=company) | Q(responding_company=company)
    )


def collaboration_list(*, viewer, limit: int = 20) -> list[Collaboration]:
    """The viewer's most recently active collaborations, ready to list."""
    return list(
        collaborations_visible_to(viewer=viewer)
        .select_related("requesting_company", "responding_company", "request")
        .annotate(message_count=Count("messages"))
        .order_by("-last_activity_at", "-pk")[:limit]
    )


def collaboration_get_for_viewer(*, viewer, collaboration_id: int) -> Collaboration:
    """The collaboration for one of the two companies' people or staff, else ``NotFound``."""
    found = (
        collaborations_visible_to(viewer=viewer)
        .select_related("requesting_company", "responding_company", "request__thread__group")
        .filter(pk=collaboration_id)
        .first()
    )
    if found is None:
        raise NotFound(COLLABORATION_NOT_FOUND)
    return found


def collaboration_messages(*, collaboration: Collaboration) -> QuerySet[CollaborationMessage]:
    """The messages of a collaboration the viewer already may see, oldest first."""
    return collaboration.messages.select_related("author").order_by("created_at", "pk")


def company_people(*, companies: Iterable[Company]):
    """Approved people of these companies."""
    return User.objects.filter(
        is_active=True,
        company_memberships__company__in=list(companies),
        company_memberships__status=CompanyMembership.Status.APPROVED,
    )


def participant_candidates(*, collaboration: Collaboration):
    """People of either company who are not yet following the collaboration."""
    return (
        company_people(
            companies=[collaboration.requesting_company, collaboration.responding_company]
        )
        .exclude(pk__in=collaboration.participants.values("pk"))
        .order_by("display_name", "email")
    )


def user_belongs_to(*, user, companies: Iterable[Company]) -> bool:
    """Whether the user is an approved person of one of these companies."""
    return company_people(companies=companies).filter(pk=user.pk).exists()


# Referrals -----------------------------------------------------------------------------------


def referrals_visible_to(*, viewer) -> QuerySet[Referral]:
    """Referrals from or to the viewer's company (all of them for staff)."""
    if not _is_signed_in(viewer):
        return Referral.objects.none()
    if viewer.is_staff:
        return Referral.objects.all()
    company = user_company(viewer)
    if company is None:
        return Referral.objects.none()
    return Referral.objects.filter(Q(from_company=company) | Q(to_company=company))


def referral_list(*, viewer, limit: int = 20) -> list[Referral]:
    """The viewer's company's most recent referrals, ready to list."""
    return list(
        referrals_visible_to(viewer=viewer)
        .select_related("from_company", "to_company")
        .order_by("-created_at", "-pk")[:limit]
    )


def referral_source_visible(*, viewer, referral: Referral) -> bool:
    """Whether the viewer may read the thread a referral came from (it may sit in a private
    group that one of the two companies' people is not in)."""
    thread_id = referral.request.thread_id if referral.request_id else referral.thread_id
    if thread_id is None:
        return True
    return visible_threads(viewer=viewer).filter(pk=thread_id).exists()


def referral_get_for_viewer(*, viewer, referral_id: int) -> Referral:
    """The referral for one of the two companies' people or staff, else ``NotFound``."""
    found = (
        referrals_visible_to(viewer=viewer)
        .select_related(
            "from_company", "to_company", "request__thread", "collaboration", "thread__group"
        )
        .filter(pk=referral_id)
        .first()
    )
    if found is None:
        raise NotFound(REFERRAL_NOT_FOUND)
    return found


def thread_for_referral(*, viewer, thread_id: int) -> Thread:
    """A thread the viewer may see, to link a referral to, else ``NotFound``."""
    thread = (
        visible_threads(viewer=viewer)
        .select_related("author_company", "group")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(REFERRAL_NOT_FOUND)
    return thread


def referral_counterpart(
    *,
    company: Company | None,
    collaboration: Collaboration | None = None,
    partner_request: FindPartnerRequest | None = None,
    thread: Thread | None = None,
) -> Company | None:
    """The company a referral from ``company`` would go to, given where it comes from."""
    if company is None:
        return None
    if collaboration is not None:
        pair = (collaboration.requesting_company, collaboration.responding_company)
        others = [other for other in pair if other.pk != company.pk]
        return others[0] if len(others) == 1 else None
    if partner_request is not None:
        if partner_request.company_id and partner_request.company_id != company.pk:
            return partner_request.company
        return partner_request.awarded_to
    if thread is not None and thread.author_company_id != company.pk:
        return thread.author_company
    return None


REVENUE_SOURCES = {
    "collaboration": "Private collaboration",
    "request": "Find-a-partner request",
    "thread": "Group thread",
    "other": "Not linked",
}


@dataclass
class RevenueRow:
    source: str
    label: str
    currency: str
    deals: int
    total: Decimal


def revenue_by_source() -> list[RevenueRow]:
    """Won referral value per community source and currency (for program staff)."""
    # The most specific link wins: a collaboration usually also names its request.
    source = Case(
        When(collaboration__isnull=False, then=Value("collaboration")),
        When(request__isnull=False, then=Value("request")),
        When(thread__isnull=False, then=Value("thread")),
        default=Value("other"),
        output_field=CharField(),
    )
    rows = (
        Referral.objects.filter(status=Referral.Status.WON)
        .annotate(source=source)
        .values("source", "currency")
        .annotate(deals=Count("pk"), total=Sum("value"))
        .order_by("source", "currency")
    )
    return [
        RevenueRow(
            source=row["source"],
            label=REVENUE_SOURCES[row["source"]],
            currency=row["currency"],
            deals=row["deals"],
            total=row["total"] or Decimal("0"),
        )
        for row in rows
    ]
