"""Company profile pages: the profile, its admin's edit and members pages, staff curation,
the review form and the staff review queue.

Answers: an unknown company is 404 everywhere; staff tooling is 404 for everyone else (it does
not announce itself); a signed-in person who is not the company's admin gets 403 on the
company's edit and members pages (the company itself is public, so nothing leaks).
"""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from directory import profile_forms as forms
from directory.logos import LogoUploadHandler
from directory.models import Company, VerificationLog
from directory.selectors.companies import (
    company_get_for_admin,
    company_get_for_profile,
    company_get_for_staff,
    company_memberships_for_admin,
    reviews_pending,
    user_membership,
)
from directory.services import companies as company_services
from directory.services import listings as listing_services
from directory.services import memberships as membership_services
from directory.services import reviews as review_services

PROFILE_SAVED = gettext_noop("The company profile has been saved.")
CLAIM_ADDED = gettext_noop(
    "Competency added. It shows as self-declared until program staff verify it."
)
CLAIM_REMOVED = gettext_noop("Competency removed.")
JOIN_REQUESTED = gettext_noop("Your request has been sent to the company's admins.")
REQUEST_APPROVED = gettext_noop("Request approved.")
REQUEST_DECLINED = gettext_noop("Request declined.")
CONTACT_SAVED = gettext_noop("Your contact preference has been saved.")
REVIEW_SUBMITTED = gettext_noop(
    "Thank you. Your review will appear once program staff have checked it."
)
CURATION_SAVED = gettext_noop("Saved.")
REVIEW_APPROVED = gettext_noop("Review approved.")
REVIEW_REJECTED = gettext_noop("Review rejected.")


def _error_text(error: ValidationError) -> str:
    # Services raise the English text (gettext_noop); it is translated where it is shown.
    return " ".join(gettext(message) for message in error.messages)


def company_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = company_get_for_profile(viewer=request.user, slug=slug)
    return render(request, "directory/profile.html", {"profile": profile, "c": profile.company})


# The upload handlers must be set before anything reads the request body, and the CSRF check
# reads it (request.POST), so the check runs inside, once the logo handler is in place.
@csrf_exempt
@login_required
def company_edit(request: HttpRequest, slug: str) -> HttpResponse:
    request.upload_handlers.insert(0, LogoUploadHandler(request))
    return _company_edit(request, slug)


@csrf_protect
def _company_edit(request: HttpRequest, slug: str) -> HttpResponse:
    company = company_get_for_admin(user=request.user, slug=slug)
    action = request.POST.get("action", "save")
    if request.method == "POST" and action in {"claim_add", "claim_remove"}:
        return _claim_change(request, company, action)
    served = list(company.countries.filter(is_headquarters=False).values_list("country", flat=True))
    data = request.POST if request.method == "POST" else None
    form = forms.CompanyProfileForm(
        data,
        request.FILES or None,
        instance=company,
        countries_served=served,
        tags=sorted(company.tags.names()),
    )
    offerings = forms.OfferingFormSet(
        data,
        prefix="offerings",
        initial=list(company.offerings.values("kind", "name", "description")),
    )
    if request.method == "POST" and form.is_valid() and offerings.is_valid():
        extra = {
            key: form.cleaned_data.pop(key) for key in ("countries_served", "industries", "tags")
        }
        company_services.company_update(
            company=company,
            fields=form.cleaned_data,
            countries_served=extra["countries_served"],
            industries=list(extra["industries"]),
            tags=extra["tags"],
            offerings=[
                company_services.OfferingData(
                    **{k: row[k] for k in ("kind", "name", "description")}
                )
                for row in offerings.cleaned_data
                if row and not row.get("DELETE")
            ],
        )
        messages.success(request, gettext(PROFILE_SAVED))
        return redirect("directory:edit", slug=company.slug)
    context = {
        "company": company,
        "form": form,
        "offerings": offerings,
        "claim_form": forms.ClaimAddForm(),
        "claims": company.competency_claims.select_related("competency").order_by(
            "competency__name"
        ),
    }
    return render(request, "directory/edit.html", context, status=400 if data else 200)


def _claim_change(request: HttpRequest, company: Company, action: str) -> HttpResponse:
    if action == "claim_add":
        form = forms.ClaimAddForm(request.POST)
        if form.is_valid():
            try:
                company_services.competency_claim_add(
                    company=company, competency=form.cleaned_data["competency"]
                )
                messages.success(request, gettext(CLAIM_ADDED))
            except ValidationError as error:
                messages.error(request, _error_text(error))
    else:
        form = forms.ClaimChoiceForm(request.POST, company=company)
        if form.is_valid():
            company_services.competency_claim_remove(claim=form.cleaned_data["claim"])
            messages.success(request, gettext(CLAIM_REMOVED))
    return redirect("directory:edit", slug=company.slug)


@login_required
@require_POST
def membership_request(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company, slug=slug)
    try:
        membership_services.membership_request(user=request.user, company=company)
        messages.success(request, gettext(JOIN_REQUESTED))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(company)


@login_required
def membership_list(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "contact":
        return _contact_set(request, slug)
    company = company_get_for_admin(user=request.user, slug=slug)
    if request.method == "POST":
        form = forms.MembershipDecisionForm(request.POST, company=company)
        action = request.POST.get("action")
        if form.is_valid() and action in {"approve", "decline"}:
            decide = (
                membership_services.membership_approve
                if action == "approve"
                else membership_services.membership_decline
            )
            try:
                decide(membership=form.cleaned_data["membership"], admin=request.user)
                decided = REQUEST_APPROVED if action == "approve" else REQUEST_DECLINED
                messages.success(request, gettext(decided))
            except ValidationError as error:
                messages.error(request, _error_text(error))
        return redirect("directory:members", slug=company.slug)
    people = company_memberships_for_admin(company=company)
    return render(request, "directory/members.html", {"company": company, "people": people})


def _contact_set(request: HttpRequest, slug: str) -> HttpResponse:
    membership = user_membership(request.user)
    if membership is None or membership.company.slug != slug:
        return HttpResponseForbidden()
    try:
        membership_services.membership_set_contact(
            membership=membership, show=request.POST.get("show") == "1"
        )
        messages.success(request, gettext(CONTACT_SAVED))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(membership.company)


@login_required
def review_create(request: HttpRequest, slug: str) -> HttpResponse:
    profile = company_get_for_profile(viewer=request.user, slug=slug)
    if "reviews" not in profile.visible:
        raise Http404
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.review_create(
                company=profile.company, author=request.user, **form.cleaned_data
            )
            messages.success(request, gettext(REVIEW_SUBMITTED))
            return redirect(profile.company)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
    context = {"profile": profile, "company": profile.company, "form": form}
    return render(
        request, "directory/review_form.html", context, status=400 if form.errors else 200
    )


def company_curate(request: HttpRequest, slug: str) -> HttpResponse:
    company = company_get_for_staff(user=request.user, slug=slug)
    if request.method == "POST":
        error = _curate_act(request, company)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, gettext(CURATION_SAVED))
        return redirect("directory:curate", slug=company.slug)
    context = {
        "company": company,
        "claims": company.competency_claims.select_related("competency", "verified_by").order_by(
            "competency__name"
        ),
        "tier_form": forms.TierForm(initial={"tier": company.tier}),
        "log": VerificationLog.objects.filter(company=company).select_related("actor")[:20],
    }
    return render(request, "directory/curate.html", context)


def _curate_act(request: HttpRequest, company: Company) -> str:
    """Run one staff act from the curation page; returns an error text or an empty string."""
    action = request.POST.get("action")
    if action == "tier":
        form = forms.TierForm(request.POST)
        if not form.is_valid():
            return _form_errors(form)
        company_services.tier_set(
            company=company, staff=request.user, tier=form.cleaned_data["tier"]
        )
        return ""
    if action == "curate_listing":
        try:
            listing_services.company_listing_curate(company=company, staff=request.user)
        except ValidationError as error:
            return _error_text(error)
        return ""
    form = forms.VerifyForm(request.POST, company=company)
    if action not in {"verify", "revoke", "expire"} or not form.is_valid():
        return _form_errors(form)
    claim = form.cleaned_data["claim"]
    try:
        if action == "verify":
            day = form.cleaned_data["expires_at"]
            expires_at = (
                timezone.make_aware(datetime.combine(day, time.max)) if day is not None else None
            )
            company_services.competency_verify(
                claim=claim, staff=request.user, expires_at=expires_at
            )
        elif action == "revoke":
            company_services.competency_revoke(claim=claim, staff=request.user)
        else:
            company_services.competency_expire(claim=claim, staff=request.user)
    except ValidationError as error:
        return _error_text(error)
    return ""


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors) or gettext(
        "Unknown action."
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    pending = reviews_pending(viewer=request.user)
    if request.method == "POST":
        form = forms.ReviewDecisionForm(request.POST)
        action = request.POST.get("action")
        if form.is_valid() and action in {"approve", "reject"}:
            review = form.cleaned_data["review"]
            try:
                if action == "approve":
                    review_services.review_approve(review=review, staff=request.user)
                    messages.success(request, gettext(REVIEW_APPROVED))
                else:
                    review_services.review_reject(
                        review=review, staff=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, gettext(REVIEW_REJECTED))
            except ValidationError as error:
                messages.error(request, _error_text(error))
        else:
            messages.error(request, _form_errors(form))
        return redirect("directory:review-queue")
    return render(request, "directory/review_queue.html", {"reviews": pending[:100]})
