"""Reads for find-a-partner requests: listing, matching companies and requests, the panel.

A request is visible exactly when its thread is (``groups.selectors.visible_threads``), so
nothing from a group the viewer may not read ever shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import Expression
from django.utils.translation import gettext_noop

from collaboration.models import Collaboration, FindPartnerRequest
from directory.models import Company, CompanyCompetency, CompanyCountry
from directory.selectors.companies import user_company
from groups.models import Group, GroupMembership, PostStatus, Reply, Thread
from groups.selectors import visible_threads
from portal.errors import NotFound, NotPermitted
from portal.viewers import is_signed_in

REQUEST_NOT_FOUND = "No find-a-partner request found."
ONLY_REQUESTING_COMPANY = gettext_noop(
    "Only people of the company that asked can close this request."
)


def groups_postable_by(*, user) -> QuerySet[Group]:
    """Groups in which the user may post a request: active member, or any group for staff."""
    if not is_signed_in(user):
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


def winner_visible_to(*, viewer, company: Company | None) -> Expression:
    """Whether the viewer may learn which company a request went to, as an expression over
    requests (annotated as ``can_see_winner``). The award reveals that two companies talked
    privately, so only those two and program staff are told; ``company`` is the viewer's."""
    if is_signed_in(viewer) and viewer.is_staff:
        return Value(True)
    if company is None:
        return Value(False)
    return Case(
        When(Q(company=company) | Q(awarded_to=company), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def respondable_by(*, company: Company | None) -> Expression:
    """Whether a company may answer a request privately, as an expression over requests
    (annotated as ``can_respond``): it is open, and another company, still in the directory,
    asked for it; ``company`` is the viewer's."""
    if company is None:
        return Value(False)
    return Case(
        When(
            Q(status=FindPartnerRequest.Status.OPEN)
            & Q(company__isnull=False)
            & ~Q(company=company),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def with_viewer_flags(
    requests: QuerySet[FindPartnerRequest], *, viewer, company: Company | None
) -> QuerySet[FindPartnerRequest]:
    """Requests that say what this viewer, whose company is ``company``, may see and do:
    ``can_see_winner`` and ``can_respond``."""
    return requests.annotate(
        can_see_winner=winner_visible_to(viewer=viewer, company=company),
        can_respond=respondable_by(company=company),
    )


def request_list(
    *,
    viewer,
    viewer_company: Company | None = None,
    competencies: Iterable = (),
    countries: Iterable[str] = (),
    status: str = "",
    matching_company: Company | None = None,
) -> QuerySet[FindPartnerRequest]:
    """Visible requests, filtered, newest first, ready to list without further queries; each
    says what this viewer, whose company is ``viewer_company``, may see and do (see
    ``with_viewer_flags``)."""
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
        with_viewer_flags(requests, viewer=viewer, company=viewer_company)
        .select_related("thread__group", "thread__author", "company", "awarded_to")
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
    competencies: list = field(default_factory=list)


def request_panel(*, viewer, thread: Thread) -> RequestPanel:
    """The request panel for a request thread the viewer already may see; the request says
    what the viewer may see and do (see ``with_viewer_flags``)."""
    company = user_company(viewer)
    requests = FindPartnerRequest.objects.filter(thread=thread)
    partner_request = (
        with_viewer_flags(requests, viewer=viewer, company=company)
        .select_related("company", "awarded_to")
        .prefetch_related("competencies")
        .first()
    )
    if partner_request is None:
        return RequestPanel(partner_request=None)
    panel = RequestPanel(
        partner_request=partner_request,
        viewer_company=company,
        can_respond=partner_request.can_respond,
        is_open=partner_request.status == FindPartnerRequest.Status.OPEN,
        competencies=list(partner_request.competencies.all()),
    )
    if company is None:
        return panel
    if company.pk == partner_request.company_id:
        panel.can_close = panel.is_open
        return panel
    panel.own_collaboration = Collaboration.objects.filter(
        request=partner_request, responding_company=company
    ).first()
    return panel
