"""Pages for find-a-partner requests, private collaborations and referrals.

Anything the viewer may not see answers 404 (selectors decide and raise ``NotFound``, which
``portal.errors`` answers), to anonymous visitors too, so a private conversation or referral never
announces itself; a visible request the viewer may not act on answers 403 with the reason
(``NotPermitted``).
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from collaboration import forms, selectors, services
from portal.paging import page_get
from portal.ratelimits import REPLY_RATE, THREAD_RATE
from portal.spreadsheets import write_csv_rows

REQUEST_POSTED = gettext_noop(
    "Your request is posted. Companies that fit are told once it is published."
)
RESPONSE_SENT = gettext_noop("Your answer is sent privately to the company that asked.")
MESSAGE_POSTED = gettext_noop("Message posted.")
PARTICIPANT_ADDED = gettext_noop("Your colleague has been brought in and told by email.")
REQUEST_CLOSED = gettext_noop("The request is closed.")
REFERRAL_CREATED = gettext_noop(
    "Referral sent. The other company sees the use case now, and the customer once it accepts."
)
REFERRAL_UPDATED = gettext_noop("Referral updated.")
REFERRAL_ACCEPTED = gettext_noop(
    "Referral accepted. The customer and their contact are shown below."
)
REFERRAL_DECLINED = gettext_noop("Referral declined. The referring company sees your reason.")
REFERRAL_SOURCE_MISSING = gettext_noop(
    "Open a referral from a collaboration, a request or a thread."
)
PAGE_SIZE = 25


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(
                None if name == "__all__" or name not in form.fields else name,
                [gettext(message) for message in errors],
            )
    else:
        form.add_error(None, [gettext(message) for message in error.messages])


def index(request: HttpRequest) -> HttpResponse:
    form = forms.RequestFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "collaboration/index.html", {"filter_form": form}, status=400)
    data = form.cleaned_data
    company = selectors.user_company(request.user)
    requests = selectors.request_list(
        viewer=request.user,
        viewer_company=company,
        competencies=data["competency"],
        countries=data["country"],
        status=data["status"],
        matching_company=company if data["matches"] else None,
    )
    page = page_get(Paginator(requests, PAGE_SIZE), request.GET.get("page"))
    context = {
        "filter_form": form,
        "page": page,
        "company": company,
        "collaborations": selectors.collaboration_list(viewer=request.user),
        "referrals": selectors.referral_list(viewer=request.user),
        "revenue": selectors.revenue_by_source() if request.user.is_staff else None,
    }
    return render(request, "collaboration/index.html", context)


@login_required
@ratelimit(key="user", rate=THREAD_RATE, method="POST", block=True)
def request_create(request: HttpRequest) -> HttpResponse:
    groups = selectors.groups_postable_by(user=request.user)
    form = forms.RequestForm(request.POST or None, groups=groups, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner_request = services.request_create(
                author=request.user,
                company=selectors.user_company(request.user),
                group=data["group"],
                title=data["title"],
                description=data["description"],
                competencies=data["competencies"],
                countries=data["countries"],
                deadline=data["deadline"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(REQUEST_POSTED))
            return redirect(services.request_url(partner_request))
    status = 400 if form.errors else 200
    return render(request, "collaboration/request_form.html", {"form": form}, status=status)


@login_required
@ratelimit(key="user", rate=THREAD_RATE, method="POST", block=True)
def request_respond(request: HttpRequest, request_id: int) -> HttpResponse:
    partner_request = selectors.request_get_for_viewer(viewer=request.user, request_id=request_id)
    form = forms.RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collaboration = services.collaboration_open(
                partner_request=partner_request,
                responder=request.user,
                responder_company=selectors.user_company(request.user),
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(RESPONSE_SENT))
            return redirect("collaboration:detail", collaboration_id=collaboration.pk)
    context = {"form": form, "partner_request": partner_request}
    status = 400 if form.errors else 200
    return render(request, "collaboration/respond.html", context, status=status)


@login_required
def request_close(request: HttpRequest, request_id: int) -> HttpResponse:
    partner_request = selectors.request_get_for_requester(user=request.user, request_id=request_id)
    responders = selectors.request_responders(partner_request=partner_request)
    form = forms.CloseForm(request.POST or None, responders=responders)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_close(
                partner_request=partner_request, awarded_to=form.cleaned_data["awarded_to"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(REQUEST_CLOSED))
            return redirect(services.request_url(partner_request))
    context = {"form": form, "partner_request": partner_request}
    status = 400 if form.errors else 200
    return render(request, "collaboration/close.html", context, status=status)


@ratelimit(key="user", rate=REPLY_RATE, method="POST", block=True)
def collaboration_detail(request: HttpRequest, collaboration_id: int) -> HttpResponse:
    collaboration = selectors.collaboration_get_for_viewer(
        viewer=request.user, collaboration_id=collaboration_id
    )
    form = forms.MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.collaboration_message_post(
                collaboration=collaboration, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(MESSAGE_POSTED))
            return redirect("collaboration:detail", collaboration_id=collaboration.pk)
    return _collaboration_page(request, collaboration, message_form=form)


def _collaboration_page(request, collaboration, *, message_form=None, participant_form=None):
    candidates = selectors.participant_candidates(collaboration=collaboration)
    context = {
        "collaboration": collaboration,
        "chat": selectors.collaboration_messages(collaboration=collaboration),
        "participants": collaboration.participants.order_by("display_name", "email"),
        "message_form": message_form or forms.MessageForm(),
        "participant_form": participant_form or forms.ParticipantForm(candidates=candidates),
        "has_candidates": candidates.exists() or bool(participant_form and participant_form.errors),
        "referrals": selectors.collaboration_referral_cards(
            viewer=request.user, collaboration=collaboration
        ),
    }
    has_errors = bool(
        (message_form and message_form.errors) or (participant_form and participant_form.errors)
    )
    return render(request, "collaboration/detail.html", context, status=400 if has_errors else 200)


@require_POST
@ratelimit(key="user", rate=REPLY_RATE, method="POST", block=True)
def participant_add(request: HttpRequest, collaboration_id: int) -> HttpResponse:
    collaboration = selectors.collaboration_get_for_viewer(
        viewer=request.user, collaboration_id=collaboration_id
    )
    candidates = selectors.participant_candidates(collaboration=collaboration)
    form = forms.ParticipantForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.collaboration_participant_add(
                collaboration=collaboration, user=form.cleaned_data["user"], added_by=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(PARTICIPANT_ADDED))
            return redirect("collaboration:detail", collaboration_id=collaboration.pk)
    return _collaboration_page(request, collaboration, participant_form=form)


def _referral_source(request: HttpRequest) -> dict:
    """Resolve where a referral comes from, through the viewer's visibility (404 otherwise)."""
    source = request.GET if request.method == "GET" else request.POST
    try:
        if source.get("collaboration"):
            collaboration = selectors.collaboration_get_for_viewer(
                viewer=request.user, collaboration_id=int(source["collaboration"])
            )
            return {"collaboration": collaboration}
        if source.get("request"):
            partner_request = selectors.request_get_for_viewer(
                viewer=request.user, request_id=int(source["request"])
            )
            return {"partner_request": partner_request}
        if source.get("thread"):
            thread = selectors.thread_for_referral(
                viewer=request.user, thread_id=int(source["thread"])
            )
            return {"thread": thread}
    except ValueError as error:
        raise Http404(gettext(REFERRAL_SOURCE_MISSING)) from error
    raise Http404(gettext(REFERRAL_SOURCE_MISSING))


@login_required
@ratelimit(key="user", rate=THREAD_RATE, method="POST", block=True)
def referral_create(request: HttpRequest) -> HttpResponse:
    link = _referral_source(request)
    company = selectors.user_company(request.user)
    to_company = selectors.referral_counterpart(company=company, **link)
    form = forms.ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if company is None or to_company is None:
                raise ValidationError(
                    services.NO_COMPANY if company is None else services.NO_OTHER_COMPANY
                )
            referral = services.referral_create(
                created_by=request.user,
                from_company=company,
                to_company=to_company,
                **form.cleaned_data,
                **link,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(REFERRAL_CREATED))
            return redirect("collaboration:referral", referral_id=referral.pk)
    context = {"form": form, "company": company, "to_company": to_company, **link}
    status = 400 if form.errors else 200
    return render(request, "collaboration/referral_form.html", context, status=status)


REFERRAL_MESSAGES = {"accepted": REFERRAL_ACCEPTED, "declined": REFERRAL_DECLINED}


def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for_viewer(viewer=request.user, referral_id=referral_id)
    company = selectors.user_company(request.user)
    form = forms.ReferralStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        try:
            services.referral_status_change(
                referral=referral,
                status=status,
                actor=request.user,
                actor_company=company,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, gettext(REFERRAL_MESSAGES.get(status, REFERRAL_UPDATED)))
            return redirect("collaboration:referral", referral_id=referral.pk)
    context = {
        "card": selectors.referral_card(referral=referral, viewer=request.user, company=company),
        "referral": referral,
        "form": form,
        "allowed": services.referral_allowed_statuses(referral=referral, company=company),
        "events": referral.events.select_related("actor"),
        "source_visible": selectors.referral_source_visible(viewer=request.user, referral=referral),
    }
    status = 400 if form.errors else 200
    return render(request, "collaboration/referral.html", context, status=status)


REFERRAL_CSV_HEADER = [
    "id",
    "status",
    "from",
    "to",
    "title",
    "use case",
    "industry",
    "country",
    "customer size",
    "value range",
    "value",
    "currency",
    "customer",
    "contact name",
    "contact email",
    "contact phone",
    "decline reason",
    "created",
    "answered",
]


def referrals_csv(request: HttpRequest) -> HttpResponse:
    """The viewer's referrals as CSV, through the same cards as the pages: what a receiving
    company may not see yet is blank."""
    if not request.user.is_authenticated:
        raise Http404(selectors.REFERRAL_NOT_FOUND)
    rows = selectors.referrals_for_export(viewer=request.user)
    stream = io.StringIO()
    write_csv_rows(stream, [REFERRAL_CSV_HEADER])
    cards = selectors.referral_cards(viewer=request.user, referrals=rows.iterator(chunk_size=500))
    write_csv_rows(stream, (_csv_row(card) for card in cards))
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referrals.csv"'
    return response


def _csv_row(card) -> list:
    return [
        card.pk,
        card.status_label,
        card.from_company_name,
        card.to_company_name,
        card.title or "",
        card.use_case,
        card.industry,
        card.country,
        card.size_band,
        card.value_range,
        "" if card.value is None else card.value,
        card.currency,
        card.customer_name or "",
        card.customer_contact_name or "",
        card.customer_contact_email or "",
        card.customer_contact_phone or "",
        card.decline_reason,
        card.created_at.isoformat(),
        card.responded_at.isoformat() if card.responded_at else "",
    ]


def referrals_escalated(request: HttpRequest) -> HttpResponse:
    """Program staff: invitations unanswered past the escalation's business days."""
    rows = selectors.escalated_referrals(viewer=request.user)
    page = page_get(Paginator(rows, PAGE_SIZE), request.GET.get("page"))
    cards = selectors.referral_cards(viewer=request.user, referrals=page.object_list)
    return render(request, "collaboration/referrals_escalated.html", {"page": page, "cards": cards})
