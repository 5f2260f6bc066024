"""Group pages: the list, a group, creating one, joining, leaving, invitations and members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from groups import forms, services
from groups import page_fragments as fragments
from groups import selectors as sel
from groups.content_version import content_version_get
from groups.views._common import _cached_for_visitors, _error_text, _page, signed_in_member

GROUP_CREATED = gettext_noop("The group has been created. You are its owner.")
JOINED = gettext_noop("Welcome! You are now a member of this group.")
REQUESTED = gettext_noop("Your request to join has been sent to the group's moderators.")
LEFT = gettext_noop("You have left the group.")
INVITATION_ACCEPTED = gettext_noop("You are now a member of this group.")
INVITATION_DECLINED = gettext_noop("Invitation declined.")
REQUEST_APPROVED = gettext_noop("Request approved: they are now a member.")
REQUEST_DECLINED = gettext_noop("Request declined.")
INVITED = gettext_noop("Invitation sent.")


def group_list(request: HttpRequest) -> HttpResponse:
    tag = request.GET.get("tag", "").strip()[:50]
    groups = sel.group_list_for_viewer(viewer=request.user, tag=tag or None)
    context = {
        "page": _page(request, groups, sel.GROUPS_PER_PAGE),
        "tags": sel.group_tags_for_viewer(viewer=request.user),
        "tag": tag,
    }
    return render(request, "groups/list.html", context)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404(sel.GROUP_NOT_FOUND)
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(creator=request.user, **form.cleaned_data)
        messages.success(request, gettext(GROUP_CREATED))
        return redirect(group)
    status = 400 if form.errors else 200
    return render(request, "groups/group_form.html", {"form": form}, status=status)


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    standing = sel.group_standing(viewer=request.user, slug=slug)
    group = standing.group
    version = content_version_get(group_id=group.pk)
    key = (group.pk, group.thread_count, group.member_count, group.last_activity_at, version)
    return _cached_for_visitors(request, key, lambda: _render_group(request, standing))


def _render_group(request: HttpRequest, standing: sel.GroupStanding) -> HttpResponse:
    group = standing.group
    context = {"group": group, "membership": standing.membership}
    if standing.readable:
        sort = "helpful" if request.GET.get("sort") == "helpful" else "activity"
        # group.thread_count is the maintained number of published threads: no COUNT(*).
        page = _page(
            request,
            sel.group_threads(standing=standing, sort=sort),
            sel.THREADS_PER_PAGE,
            known_count=group.thread_count,
        )
        own_unpublished = sel.own_unpublished_threads(viewer=request.user, group=group)
        sel.with_tag_names([*page.object_list, *own_unpublished])  # both lists, one query
        context |= {
            "readable": True,
            "sort": sort,
            "page": page,
            "thread_rows": fragments.thread_rows(
                request=request, group=group, threads=page.object_list
            ),
            "own_unpublished_rows": fragments.thread_rows(
                request=request, group=group, threads=own_unpublished
            ),
            "can_moderate": standing.can_moderate,
            "posting_refusal": standing.posting_refusal,
        }
    return render(request, "groups/detail.html", context)


@signed_in_member
@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = sel.group_get_for_viewer(viewer=request.user, slug=slug)
    try:
        membership = services.group_join(group=group, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, gettext(JOINED if membership.is_active else REQUESTED))
    return redirect(group)


@signed_in_member
@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = sel.group_get_for_viewer(viewer=request.user, slug=slug)
    try:
        services.group_leave(group=group, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(group)
    messages.success(request, gettext(LEFT))
    return redirect("groups:list")


@signed_in_member
@require_POST
def group_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    group = sel.group_get_for_viewer(viewer=request.user, slug=slug)
    try:
        if request.POST.get("action") == "accept":
            membership = sel.membership_of(user=request.user, group=group)
            if membership is None:
                raise ValidationError(services.NO_INVITATION)
            services.group_invitation_accept(membership=membership)
            messages.success(request, gettext(INVITATION_ACCEPTED))
        else:
            services.group_invitation_decline(group=group, user=request.user)
            messages.success(request, gettext(INVITATION_DECLINED))
            return redirect("groups:list")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(group)


@signed_in_member
def group_members(request: HttpRequest, slug: str) -> HttpResponse:
    group = sel.group_get_for_moderator(user=request.user, slug=slug)
    invite_form = forms.InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            status = _members_action(request, group, invite_form)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            status = 400
        if status == 302:
            return redirect("groups:members", slug=group.slug)
    context = {
        "group": group,
        "requests": sel.group_membership_requests(group=group),
        "page": _page(request, sel.group_members(group=group), sel.MEMBERS_PER_PAGE),
        "invite_form": invite_form,
    }
    return render(request, "groups/members.html", context, status=status)


def _members_action(request: HttpRequest, group, invite_form) -> int:
    action = request.POST.get("action")
    if action == "invite":
        if not invite_form.is_valid():
            return 400
        services.group_invite(
            group=group, email=invite_form.cleaned_data["email"], inviter=request.user
        )
        messages.success(request, gettext(INVITED))
        return 302
    if action not in ("approve", "decline"):
        raise ValidationError(services.NO_REQUEST)
    try:
        membership_id = int(request.POST.get("membership", ""))
    except ValueError as error:
        raise ValidationError(services.NO_REQUEST) from error
    services.group_request_decide(
        group=group,
        membership_id=membership_id,
        approve=action == "approve",
        moderator=request.user,
    )
    decided = REQUEST_APPROVED if action == "approve" else REQUEST_DECLINED
    messages.success(request, gettext(decided))
    return 302
