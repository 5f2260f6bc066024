"""The front page (the landing page for visitors, the dashboard for members and for staff),
the newcomer's onboarding form and the dashboard's "ask your first question"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from directory.selectors.companies import (
    companies_named_like,
    company_for_email_domain,
    user_membership,
)
from groups.models import PostStatus, Thread
from groups.services.posts import thread_create
from home import forms
from home.selectors import (
    dashboard_for,
    getting_started_for,
    groups_joinable_by,
    groups_suggested_for,
    groups_to_post_in,
    staff_dashboard_for,
)
from home.services import DraftListing, OnboardingResult, onboarding_complete
from portal.adapters import FIRST_VISIT_SESSION_KEY
from portal.ratelimits import THREAD_RATE

QUESTION_PUBLISHED = gettext_noop("Your question is published.")
QUESTION_WAITING = gettext_noop(
    "Your question is saved. It appears as soon as it has been checked; in groups that review "
    "posts by new members a moderator reads it first, and you can see it here meanwhile."
)
ONBOARDING_DONE = gettext_noop("You're set up. Ask your first question below.")
GROUPS_ASKED = gettext_noop("The moderators of {groups} will answer your request to join.")


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home/landing.html")
    if request.user.is_staff:
        context = {"dashboard": staff_dashboard_for(user=request.user)}
        return render(request, "home/staff_dashboard.html", _with_greeting(request, context))
    return _member_dashboard(
        request, forms.FirstQuestionForm(groups=groups_to_post_in(user=request.user))
    )


def _with_greeting(request: HttpRequest, context: dict) -> dict:
    return {**context, "first_visit": request.session.get(FIRST_VISIT_SESSION_KEY, False)}


def _member_dashboard(request: HttpRequest, question_form, status: int = 200) -> HttpResponse:
    checklist = getting_started_for(user=request.user)
    context = {
        "dashboard": dashboard_for(user=request.user),
        "checklist": checklist,
        "question_form": question_form,
        "can_ask": question_form.fields["group"].queryset.exists(),
    }
    return render(request, "home/dashboard.html", _with_greeting(request, context), status=status)


@login_required
@require_POST
@ratelimit(key="user", rate=THREAD_RATE, method="POST", block=True)
def first_question(request: HttpRequest) -> HttpResponse:
    """Post a question from the dashboard into one of the member's groups."""
    form = forms.FirstQuestionForm(request.POST, groups=groups_to_post_in(user=request.user))
    if not form.is_valid():
        return _member_dashboard(request, form, status=400)
    data = form.cleaned_data
    thread = thread_create(
        group=data["group"],
        author=request.user,
        title=data["title"],
        body_markdown=data["body_markdown"],
        kind=Thread.Kind.QUESTION,
    )
    thread.refresh_from_db(fields=["status"])
    published = thread.status == PostStatus.PUBLISHED
    messages.success(request, gettext(QUESTION_PUBLISHED if published else QUESTION_WAITING))
    return redirect(thread)


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """One form after the first sign-in: the company and the first groups."""
    user = request.user
    membership = user_membership(user)
    proposed = membership.company if membership else company_for_email_domain(user.email)
    form = forms.OnboardingForm(
        request.POST or None,
        joinable_groups=groups_joinable_by(user=user),
        suggested=groups_suggested_for(user=user, company=proposed),
        has_company=membership is not None,
        initial={"company_action": forms.COMPANY_JOIN if proposed else forms.COMPANY_LATER},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = _onboard(request, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext(ONBOARDING_DONE))
            if result.requested:
                names = ", ".join(group.name for group in result.requested)
                messages.info(request, gettext(GROUPS_ASKED).format(groups=names))
            return redirect("home")
    q = request.GET.get("q", "")[:200]
    context = {
        "form": form,
        "membership": membership,
        "proposed": proposed,
        "q": q,
        "matches": companies_named_like(q=q) if membership is None else [],
    }
    return render(request, "home/onboarding.html", context, status=400 if form.errors else 200)


def _onboard(request: HttpRequest, data: dict) -> OnboardingResult:
    action = data.get("company_action")
    draft = None
    if action == forms.COMPANY_CREATE:
        draft = DraftListing(
            name=data["new_company_name"],
            hq_country=data["new_company_country"],
            website=data.get("new_company_website", ""),
        )
    return onboarding_complete(
        user=request.user,
        groups=list(data["groups"]),
        company=data.get("company") if action == forms.COMPANY_JOIN else None,
        draft=draft,
    )
