"""Thread pages: writing, reading, replying, editing, history, helpful votes, accepted answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from groups import forms, services
from groups import page_fragments as fragments
from groups import selectors as sel
from groups.content_version import content_version_get
from groups.models import Group, PostStatus, Reply, Thread
from groups.views._common import _cached_for_visitors, _error_text, _page, signed_in_member
from portal.ratelimits import REPLY_RATE, THREAD_RATE, VOTE_RATE
from portal.urltemplates import UrlTemplate

THREAD_PUBLISHED = gettext_noop("Your thread is published.")
THREAD_WAITING = gettext_noop("Your thread is waiting for review by the group's moderators.")
REPLY_PUBLISHED = gettext_noop("Your reply is published.")
REPLY_WAITING = gettext_noop("Your reply is waiting for review by the group's moderators.")
POST_SAVED = gettext_noop("Your changes are saved.")
EDIT_WAITING = gettext_noop(
    "Your changes are saved and are waiting for review by the group's moderators."
)
ANSWER_ACCEPTED = gettext_noop("Answer accepted.")


def _require(refusal: str | None) -> None:
    if refusal is not None:
        raise PermissionDenied(gettext(refusal))


@signed_in_member
@ratelimit(key="user", rate=THREAD_RATE, method="POST", block=True)
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    _require(sel.posting_refusal(user=request.user, group=group))
    can_announce = sel.can_moderate_group(user=request.user, group=group)
    form = forms.ThreadForm(request.POST or None, can_announce=can_announce)
    if request.method == "POST" and form.is_valid():
        thread = services.thread_create(group=group, author=request.user, **form.cleaned_data)
        thread.refresh_from_db(fields=["status"])
        published = thread.status == PostStatus.PUBLISHED
        messages.success(request, gettext(THREAD_PUBLISHED if published else THREAD_WAITING))
        return redirect(thread)
    status = 400 if form.errors else 200
    return render(request, "groups/thread_form.html", {"group": group, "form": form}, status=status)


def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    standing = sel.group_standing(viewer=request.user, slug=slug, readable=True)
    thread = sel.thread_for_page(standing=standing, thread_id=thread_id)
    key = (
        thread.pk,
        thread.updated_at,
        thread.reply_count,
        thread.helpful_count,
        thread.is_pinned,
        thread.is_locked,
        thread.status,
        content_version_get(group_id=thread.group_id),
    )
    return _cached_for_visitors(
        request, key, lambda: _render_thread(request, standing, thread, forms.ReplyForm())
    )


def _attach_action_urls(*, group: Group, thread: Thread, replies) -> None:
    """Give the thread and each reply their vote, edit and report URLs, reversing each route
    once per page instead of once per reply."""
    thread.vote_url = reverse("groups:thread-vote", args=[group.slug, thread.pk])
    thread.edit_url = reverse("groups:thread-edit", args=[group.slug, thread.pk])
    thread.flag_url = reverse("moderation:flag", args=["thread", thread.pk])
    vote = UrlTemplate("groups:reply-vote", per_row=("reply_id",), slug=group.slug)
    edit = UrlTemplate("groups:reply-edit", per_row=("reply_id",), slug=group.slug)
    flag = UrlTemplate("moderation:flag", per_row=("post_id",), kind="reply")
    for reply in replies:
        reply.vote_url = vote.fill(reply_id=reply.pk)
        reply.edit_url = edit.fill(reply_id=reply.pk)
        reply.flag_url = flag.fill(post_id=reply.pk)


def _render_thread(
    request: HttpRequest,
    standing: sel.GroupStanding,
    thread: Thread,
    reply_form,
    status: int = 200,
):
    """The thread page; `thread` comes from ``sel.thread_for_page``."""
    group, user = standing.group, request.user
    replies = sel.thread_replies(viewer=user, thread=thread, moderates=standing.can_moderate)
    page = _page(request, replies, sel.REPLIES_PER_PAGE, known_count=thread.visible_reply_count)
    _attach_action_urls(group=group, thread=thread, replies=page.object_list)
    refusal = standing.posting_refusal
    viewer_id = user.pk if user.is_authenticated else None
    may_post = refusal is None
    context = {
        "group": group,
        "thread": thread,
        "page": page,
        "thread_header": fragments.thread_header(
            request=request,
            group=group,
            thread=thread,
            flags=fragments.post_flags(
                post=thread, viewer_id=viewer_id, may_post=may_post, voted=thread.viewer_voted
            ),
        ),
        "reply_items": fragments.reply_rows(
            request=request,
            group=group,
            thread=thread,
            replies=page.object_list,
            viewer_id=viewer_id,
            may_post=may_post,
        ),
        "can_moderate": standing.can_moderate,
        "posting_refusal": refusal,
        "reply_form": reply_form,
    }
    return render(request, "groups/thread.html", context, status=status)


@signed_in_member
@require_POST
@ratelimit(key="user", rate=REPLY_RATE, method="POST", block=True)
def reply_create(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    standing = sel.group_standing(viewer=request.user, slug=slug, readable=True)
    thread = sel.thread_for_page(standing=standing, thread_id=thread_id)
    _require(sel.reply_refusal(user=request.user, thread=thread))
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        return _render_thread(request, standing, thread, form, status=400)
    reply = services.reply_create(thread=thread, author=request.user, **form.cleaned_data)
    reply.refresh_from_db(fields=["status"])
    published = reply.status == PostStatus.PUBLISHED
    messages.success(request, gettext(REPLY_PUBLISHED if published else REPLY_WAITING))
    return redirect(f"{thread.get_absolute_url()}?page=last#reply-{reply.pk}")


def _edit_saved(request: HttpRequest, post: Thread | Reply) -> None:
    """Tell the author whether the edited post is up, or back in review (screening has run)."""
    post.refresh_from_db(fields=["status"])
    saved = EDIT_WAITING if post.status == PostStatus.PENDING else POST_SAVED
    messages.success(request, gettext(saved))


@signed_in_member
def thread_edit(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    thread = sel.thread_get_for_viewer(viewer=request.user, group=group, thread_id=thread_id)
    _require(sel.edit_refusal(user=request.user, post=thread))
    initial = {
        "title": thread.title,
        "body_markdown": thread.body_markdown,
        "tags": ", ".join(sorted(thread.tags.names())),
    }
    form = forms.ThreadEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.post_edit(post=thread, editor=request.user, **form.cleaned_data)
        _edit_saved(request, thread)
        return redirect(thread)
    status = 400 if form.errors else 200
    context = {"group": group, "thread": thread, "form": form}
    return render(request, "groups/edit.html", context, status=status)


@signed_in_member
def reply_edit(request: HttpRequest, slug: str, reply_id: int) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    reply = sel.reply_get_for_viewer(viewer=request.user, group=group, reply_id=reply_id)
    _require(sel.edit_refusal(user=request.user, post=reply))
    form = forms.ReplyForm(request.POST or None, initial={"body_markdown": reply.body_markdown})
    if request.method == "POST" and form.is_valid():
        services.post_edit(post=reply, editor=request.user, **form.cleaned_data)
        _edit_saved(request, reply)
        return redirect(f"{reply.thread.get_absolute_url()}#reply-{reply.pk}")
    status = 400 if form.errors else 200
    context = {"group": group, "thread": reply.thread, "reply": reply, "form": form}
    return render(request, "groups/edit.html", context, status=status)


@signed_in_member
def thread_history(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    thread = sel.thread_get_for_viewer(viewer=request.user, group=group, thread_id=thread_id)
    if not sel.can_moderate_group(user=request.user, group=group):
        raise Http404(sel.THREAD_NOT_FOUND)
    thread_revisions, reply_revisions = sel.thread_history(thread=thread)
    context = {
        "group": group,
        "thread": thread,
        "thread_revisions": thread_revisions,
        "reply_revisions": reply_revisions,
    }
    return render(request, "groups/history.html", context)


def _vote(request: HttpRequest, post, back: str) -> HttpResponse:
    _require(sel.vote_refusal(user=request.user, post=post))
    try:
        services.helpful_vote_toggle(post=post, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(back)


@signed_in_member
@require_POST
@ratelimit(key="user", rate=VOTE_RATE, method="POST", block=True)
def thread_vote(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    thread = sel.thread_get_for_viewer(viewer=request.user, group=group, thread_id=thread_id)
    return _vote(request, thread, thread.get_absolute_url())


@signed_in_member
@require_POST
@ratelimit(key="user", rate=VOTE_RATE, method="POST", block=True)
def reply_vote(request: HttpRequest, slug: str, reply_id: int) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    reply = sel.reply_get_for_viewer(viewer=request.user, group=group, reply_id=reply_id)
    return _vote(request, reply, f"{reply.thread.get_absolute_url()}#reply-{reply.pk}")


@signed_in_member
@require_POST
def reply_accept(request: HttpRequest, slug: str, reply_id: int) -> HttpResponse:
    group = sel.group_get_readable(viewer=request.user, slug=slug)
    reply = sel.reply_get_for_viewer(viewer=request.user, group=group, reply_id=reply_id)
    thread = reply.thread
    chosen = None if thread.accepted_reply_id == reply.pk else reply
    try:
        services.thread_accept_reply(thread=thread, reply=chosen, user=request.user)
    except ValidationError as error:
        raise PermissionDenied(_error_text(error)) from error
    messages.success(request, gettext(ANSWER_ACCEPTED if chosen else POST_SAVED))
    return redirect(f"{thread.get_absolute_url()}#reply-{reply.pk}")
