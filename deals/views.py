"""Pages for deal registration: a company's own registrations, and the program's review.

A registration is visible to its own company's people and program staff; anyone else, visitors
included, gets 404 (selectors raise ``NotFound``). The review pages do not exist for non-staff.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from deals import forms, selectors, services
from deals.models import DealStatus
from portal.paging import page_get
from portal.ratelimits import THREAD_RATE
from portal.spreadsheets import write_csv_rows

SAVED = gettext_noop("Draft saved. Submit it when it is complete.")
SUBMITTED = gettext_noop("Submitted to the program team.")
CLOSED = gettext_noop("Outcome recorded.")
EXTENDED = gettext_noop("Protection extended.")
DECIDED = {
    "approve": ngettext_lazy(
        "%(count)d registration approved.", "%(count)d registrations approved.", "count"
    ),
    "reject": ngettext_lazy(
        "%(count)d registration rejected.", "%(count)d registrations rejected.", "count"
    ),
}
NOT_DECIDED = gettext_noop("Registration #%(number)s: %(reason)s")
PAGE_SIZE = 25
REVIEW_LIMIT = 200


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(
                None if name == "__all__" or name not in form.fields else name,
                [gettext(message) for message in errors],
            )
    else:
        form.add_error(None, [gettext(message) for message in error.messages])


def _bad_form(form) -> int:
    return 400 if form.errors else 200


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    company = selectors.registration_company_for(viewer=request.user)
    form = forms.ListFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = selectors.registration_list(company=company, status=status)
    page = page_get(Paginator(rows, PAGE_SIZE), request.GET.get("page"))
    context = {"company": company, "page": page, "filter_form": form}
    return render(request, "deals/list.html", context, status=_bad_form(form))


@login_required
@ratelimit(key="user", rate=THREAD_RATE, method="POST", block=True)
def registration_create(request: HttpRequest) -> HttpResponse:
    company = selectors.registration_company_for(viewer=request.user)
    source = selectors.registration_source(viewer=request.user, params=request.GET)
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.deal_create(
                company=company, created_by=request.user, **form.cleaned_data, **source.links
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(SAVED))
            return redirect("deals:detail", registration_id=registration.pk)
    context = {"form": form, "company": company, "source": source}
    return render(request, "deals/form.html", context, status=_bad_form(form))


@login_required
def registration_edit(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_editor(
        viewer=request.user, registration_id=registration_id
    )
    if registration.status != DealStatus.DRAFT:
        messages.info(
            request,
            gettext("Only a draft can be edited; this registration is %(status)s.")
            % {"status": registration.get_status_display().lower()},
        )
        return redirect("deals:detail", registration_id=registration.pk)
    initial = {
        "customer_name": registration.customer_name,
        "customer_domain": registration.customer_domain,
        "country": registration.country.code,
        "competencies": list(registration.competencies.all()),
        "value": registration.value,
        "currency": registration.currency,
        "expected_close_date": registration.expected_close_date,
        "description": registration.description,
    }
    form = forms.RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_update(
                registration=registration, editor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(SAVED))
            return redirect("deals:detail", registration_id=registration.pk)
    context = {"form": form, "registration": registration, "company": registration.company}
    return render(request, "deals/form.html", context, status=_bad_form(form))


def registration_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_viewer(
        viewer=request.user, registration_id=registration_id
    )
    return _detail_page(request, registration)


def _detail_page(request, registration, *, close_form=None, extend_form=None, errors=None):
    is_staff = request.user.is_staff
    own = registration.company_id == getattr(selectors.user_company(request.user), "pk", None)
    context = {
        "registration": registration,
        "own": own,
        "is_staff": is_staff,
        "can_edit": own and registration.status == DealStatus.DRAFT,
        "can_close": (own or is_staff) and registration.status == DealStatus.APPROVED,
        "can_extend": is_staff and registration.status == DealStatus.APPROVED,
        "close_form": close_form or forms.CloseForm(),
        "extend_form": extend_form or forms.ExtendForm(),
        "conflict_notice": gettext(services.CONFLICT_NOTICE) if registration.has_conflict else "",
        "conflicts": (
            selectors.registration_conflicts_for_staff(registration=registration)
            if is_staff
            else []
        ),
        "errors": errors or [],
    }
    bad = bool(errors or (close_form and close_form.errors) or (extend_form and extend_form.errors))
    return render(request, "deals/detail.html", context, status=400 if bad else 200)


@require_POST
@login_required
def registration_submit(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_editor(
        viewer=request.user, registration_id=registration_id
    )
    try:
        registration = services.deal_submit(registration=registration, actor=request.user)
    except ValidationError as error:
        registration = selectors.registration_get_for_viewer(
            viewer=request.user, registration_id=registration_id
        )
        return _detail_page(
            request, registration, errors=[gettext(message) for message in error.messages]
        )
    messages.success(request, gettext(SUBMITTED))
    if registration.has_conflict:
        messages.warning(request, gettext(services.CONFLICT_NOTICE))
    return redirect("deals:detail", registration_id=registration.pk)


@require_POST
@login_required
def registration_close(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_viewer(
        viewer=request.user, registration_id=registration_id
    )
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.deal_close(
                registration=registration,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(CLOSED))
            return redirect("deals:detail", registration_id=registration.pk)
    return _detail_page(request, registration, close_form=form)


@require_POST
@login_required
def registration_extend(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_staff(
        viewer=request.user, registration_id=registration_id
    )
    form = forms.ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.deal_extend(registration=registration, staff=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(EXTENDED))
            return redirect("deals:detail", registration_id=registration.pk)
    registration = selectors.registration_get_for_viewer(
        viewer=request.user, registration_id=registration_id
    )
    return _detail_page(request, registration, extend_form=form)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(viewer=request.user)
    filter_form = forms.ReviewFilterForm(request.GET)
    decision_form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and decision_form.is_valid():
        data = decision_form.cleaned_data
        if data["decision"] == "reject" and not data["reason"].strip():
            decision_form.add_error("reason", gettext(services.REASON_REQUIRED))
        else:
            done, failed = services.deal_bulk_decide(
                registrations=selectors.registrations_by_ids(ids=data["registrations"]),
                staff=request.user,
                decision=data["decision"],
                reason=data["reason"],
            )
            if done:
                messages.success(request, DECIDED[data["decision"]] % {"count": len(done)})
            for registration_id, reason in failed.items():
                messages.error(
                    request,
                    gettext(NOT_DECIDED) % {"number": registration_id, "reason": gettext(reason)},
                )
            return redirect(request.get_full_path())
    filters = selectors.ReviewFilters()
    if filter_form.is_valid():
        filters = selectors.ReviewFilters(
            countries=filter_form.cleaned_data["country"],
            competencies=list(filter_form.cleaned_data["competency"]),
        )
    groups = selectors.review_queue(viewer=request.user, filters=filters, limit=REVIEW_LIMIT)
    context = {
        "filter_form": filter_form,
        "decision_form": decision_form,
        "groups": groups,
        "limit": REVIEW_LIMIT,
    }
    bad = bool(decision_form.errors) or not filter_form.is_valid()
    return render(request, "deals/review.html", context, status=400 if bad else 200)


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    rows = selectors.export_rows(viewer=request.user)
    if not request.user.is_staff:
        selectors.registration_company_for(viewer=request.user)
    buffer = io.StringIO()
    write_csv_rows(buffer, selectors.export_table(rows=rows))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="deal-registrations-{stamp}.csv"'
    return response
