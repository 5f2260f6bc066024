"""/analytics/ (program staff) and the partner scorecards (a company's own people and staff).

Whoever may not see a page gets 404 (selectors raise ``NotFound``); visitors are sent to sign in.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from analytics import selectors, services
from analytics.forms import AnalyticsFilterForm, ScorecardRulesForm
from analytics.models import ScorecardRules
from analytics.selectors import scorecards
from analytics.selectors.dashboard import dimension_label, period_name
from analytics.tasks import deal_rollup_rebuild as deal_rollup_rebuild_task
from analytics.tasks import scorecards_compute as scorecards_compute_task
from directory.selectors.companies import user_company
from portal.errors import NotFound
from portal.paging import page_get
from portal.spreadsheets import write_csv_rows

LEAGUE_PAGE_SIZE = 50
FILTERS_INVALID = gettext_noop("Some filters could not be used; correct them to see the figures.")
RULES_SAVED = gettext_noop("Scoring rules saved. They apply from the next computation.")
ROLLUP_QUEUED = gettext_noop("Deal figures are being brought up to date; reload in a moment.")
RECOMPUTE_QUEUED = gettext_noop(
    "Scorecards are being recomputed; reload the league table in a minute."
)
PROPOSAL_APPLIED = gettext_noop("%(company)s is now %(tier)s; its admins are told by email.")
PROPOSAL_DISMISSED = gettext_noop("%(company)s keeps its tier.")


def _csv(rows, filename: str) -> HttpResponse:
    stream = io.StringIO()
    write_csv_rows(stream, rows)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    selectors.analytics_access(user=request.user)
    form = AnalyticsFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "problem": gettext(FILTERS_INVALID)}
        return render(request, "analytics/index.html", context, status=400)
    filters = form.filters()
    context = {
        "form": form,
        "dashboard": selectors.dashboard(filters=filters),
        "query": filters.as_query(),
        "period_label": period_name(filters.period),
        "dimension_label": dimension_label(filters.breakdown),
    }
    return render(request, "analytics/index.html", context)


@login_required
def export(request: HttpRequest, table: str) -> HttpResponse:
    selectors.analytics_access(user=request.user)
    if table not in selectors.TABLES:
        raise NotFound(selectors.NOT_FOUND)
    form = AnalyticsFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "problem": gettext(FILTERS_INVALID)}
        return render(request, "analytics/index.html", context, status=400)
    filters = form.filters()
    filename = f"analytics-{table}-{filters.start}-{filters.end}.csv"
    return _csv(selectors.csv_rows(table=table, filters=filters), filename)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    selectors.analytics_access(user=request.user)
    deal_rollup_rebuild_task.delay()
    messages.success(request, gettext(ROLLUP_QUEUED))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("analytics:index")
    return redirect(back)


def _staff_only(request: HttpRequest) -> None:
    selectors.analytics_access(user=request.user)


LEAGUE_SORT_LABELS = {
    "points": gettext_noop("points"),
    "name": gettext_noop("name"),
    "tier": gettext_noop("tier"),
}


def _sort_label(sort: str) -> str:
    """What the league table is sorted by, in the reader's language."""
    if sort in LEAGUE_SORT_LABELS:
        return gettext(LEAGUE_SORT_LABELS[sort])
    return next((str(label) for key, label, _ in scorecards.DIMENSIONS if key == sort), sort)


@login_required
def league(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    sort = request.GET.get("sort", "points")
    if sort not in scorecards.LEAGUE_SORTS:
        sort = "points"
    page = page_get(
        Paginator(scorecards.league_table(sort=sort), LEAGUE_PAGE_SIZE), request.GET.get("page")
    )
    rows = scorecards.with_pending_proposals(list(page.object_list))
    proposals, waiting = scorecards.pending_proposals()
    context = {
        "page": page,
        "rows": rows,
        "sort": sort,
        "sort_label": _sort_label(sort),
        "dimensions": scorecards.DIMENSIONS,
        "proposals": proposals,
        "proposals_waiting": waiting,
        "computed_at": rows[0].computed_at if rows else None,
    }
    return render(request, "analytics/league.html", context)


@login_required
def league_export(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    rows = scorecards.league_table(sort=request.GET.get("sort", "points"))
    header = ["Company", "Tier", "Earned tier", "Points"]
    with translation.override("en"):  # the CSV's column names stay English for scripts
        header += [str(label) for _, label, _ in scorecards.DIMENSIONS]

    def lines():
        yield header
        for row in rows.iterator(chunk_size=2000):
            figures = [row.figures.get(key, "") for key, _, _ in scorecards.DIMENSIONS]
            yield [
                row.company.name,
                row.company.get_tier_display(),
                row.get_earned_tier_display(),
                row.total_points,
                *figures,
            ]

    return _csv(lines(), "scorecards.csv")


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    scorecards_compute_task.delay()
    messages.success(request, gettext(RECOMPUTE_QUEUED))
    return redirect("analytics:league")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = ScorecardRulesForm(request.POST or None, instance=ScorecardRules.current())
    if request.method == "POST" and form.is_valid():
        services.scorecard_rules_update(form=form, staff=request.user)
        messages.success(request, gettext(RULES_SAVED))
        return redirect("analytics:rules")
    status = 400 if form.errors else 200
    return render(request, "analytics/rules.html", {"form": form}, status=status)


@login_required
def my_scorecard(request: HttpRequest) -> HttpResponse:
    company = user_company(request.user)
    if company is None:
        raise NotFound(scorecards.NO_COMPANY)
    return redirect("analytics:scorecard", slug=company.slug)


def scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    company = scorecards.scorecard_company_for(viewer=request.user, slug=slug)
    view = scorecards.scorecard_view(
        company=company, rules=ScorecardRules.current(), show_proposal=request.user.is_staff
    )
    return render(request, "analytics/scorecard.html", {"card": view})


def scorecard_export(request: HttpRequest, slug: str) -> HttpResponse:
    company = scorecards.scorecard_company_for(viewer=request.user, slug=slug)
    view = scorecards.scorecard_view(
        company=company, rules=ScorecardRules.current(), show_proposal=False
    )

    def lines():
        yield ["Dimension", "Figure", "Points"]
        for line in view.lines:
            yield [line.label, "" if line.figure is None else line.figure, line.points]
        yield ["Total", "", view.total]
        for code, value in view.won_other:
            yield [f"Won value in {code} (not counted in points)", value, ""]
        yield []
        yield ["Day", "Points", "Earned tier"]
        for snapshot in view.history:
            yield [
                snapshot.day.isoformat(),
                snapshot.total_points,
                snapshot.get_earned_tier_display(),
            ]

    return _csv(lines(), f"scorecard-{company.slug}.csv")


def _decide(request: HttpRequest, proposal_id: int, decide, message: str) -> HttpResponse:
    _staff_only(request)
    proposal = scorecards.proposal_get(proposal_id=proposal_id)
    try:
        proposal = decide(proposal=proposal, staff=request.user)
    except ValidationError as error:
        messages.error(request, gettext(error.messages[0]))
    else:
        messages.success(
            request,
            gettext(message)
            % {"company": proposal.company.name, "tier": proposal.get_to_tier_display()},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("analytics:league")
    return redirect(back)


@login_required
@require_POST
def proposal_apply(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _decide(request, proposal_id, services.tier_proposal_apply, PROPOSAL_APPLIED)


@login_required
@require_POST
def proposal_dismiss(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _decide(request, proposal_id, services.tier_proposal_dismiss, PROPOSAL_DISMISSED)
