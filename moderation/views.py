"""Moderation pages: the queue and its decisions, flags, moderator acts, watched words."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from moderation import selectors, services
from moderation.forms import (
    BanForm,
    BulkDecisionForm,
    FlagForm,
    OptionalReasonForm,
    RejectForm,
    WatchedWordForm,
)
from portal.errors import NotPermitted
from portal.paging import page_number
from portal.ratelimits import rate_limited
from portal.urltemplates import UrlTemplate

QUEUE_PAGE_SIZE = 50
FLAG_RATE = "10/h"
APPROVED = gettext_noop("Approved: the post is now visible.")
REJECTED = gettext_noop("Rejected: the author can see your reason.")
ESCALATED = gettext_noop("Escalated to program staff.")
BULK_DONE = {
    "approve": ngettext_lazy("%(count)d item approved.", "%(count)d items approved.", "count"),
    "reject": ngettext_lazy("%(count)d item rejected.", "%(count)d items rejected.", "count"),
}
FLAG_THANKS = gettext_noop("Thank you. The group's moderators will look at this post.")
THREAD_DONE = {
    "pin": gettext_noop("Thread pinned."),
    "unpin": gettext_noop("Thread unpinned."),
    "lock": gettext_noop("Thread locked: no new replies."),
    "unlock": gettext_noop("Thread unlocked."),
    "remove": gettext_noop("Thread removed."),
}
BANNED = gettext_noop("%(name)s is banned from %(group)s.")
UNBANNED = gettext_noop("%(name)s may take part in %(group)s again.")
WORD_ADDED = gettext_noop("Posts containing “%(phrase)s” will now be held for review.")
WORD_REMOVED = gettext_noop("“%(phrase)s” is no longer watched.")
ITEM_ACTIONS = ("approve", "reject", "escalate")


def _problem(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "moderation/problem.html", {"message": gettext(message)}, status=status)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _attach_action_urls(entries: list[selectors.QueueEntry]) -> None:
    """Each item's form targets, from one reverse() per URL name rather than four per item."""
    item_url = UrlTemplate("moderation:item-action", per_row=("item_id", "action"))
    ban_url = UrlTemplate("moderation:ban", per_row=("slug", "user_id"))
    for entry in entries:
        pk = entry.item.pk
        entry.actions = {
            action: item_url.fill(item_id=pk, action=action) for action in ITEM_ACTIONS
        }
        entry.ban_url = ban_url.fill(slug=entry.item.group.slug, user_id=entry.author.pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    selectors.queue_get_for_moderator(user=request.user)
    escalated_only = request.user.is_staff and request.GET.get("escalated") == "1"
    page, entries = selectors.queue_page(
        user=request.user,
        escalated_only=escalated_only,
        page_number=page_number(request.GET.get("page")),
        per_page=QUEUE_PAGE_SIZE,
    )
    _attach_action_urls(entries)
    context = {"page": page, "entries": entries, "escalated_only": escalated_only}
    return render(request, "moderation/queue.html", context)


@login_required
@require_POST
def item_decide(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    if action not in ITEM_ACTIONS:
        raise Http404(selectors.NOT_FOUND)
    try:
        item = selectors.item_get_for_moderator(user=request.user, item_id=item_id)
        if action == "approve":
            services.item_approve(item=item, moderator=request.user)
            messages.success(request, gettext(APPROVED))
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                return _problem(request, services.REJECT_REASON_REQUIRED)
            services.item_reject(
                item=item, moderator=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, gettext(REJECTED))
        else:
            reason = OptionalReasonForm(request.POST)
            reason = reason.cleaned_data["reason"] if reason.is_valid() else ""
            services.item_escalate(item=item, actor=request.user, reason=reason)
            messages.success(request, gettext(ESCALATED))
    except ValidationError as error:
        return _problem(request, error.messages[0])
    return _back(request, reverse("moderation:queue"))


@login_required
@require_POST
def items_bulk(request: HttpRequest) -> HttpResponse:
    selectors.queue_get_for_moderator(user=request.user)
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        return _problem(request, _first_error(form))
    data = form.cleaned_data
    items = list(selectors.items_for_moderator(user=request.user, item_ids=data["items"]))
    if not items:
        return _problem(request, selectors.NOT_FOUND, status=404)
    try:
        count = services.items_decide(
            items=items, moderator=request.user, action=data["action"], reason=data["reason"]
        )
    except ValidationError as error:
        return _problem(request, error.messages[0])
    messages.success(request, BULK_DONE[data["action"]] % {"count": count})
    return redirect("moderation:queue")


@login_required
@require_POST
@ratelimit(key="user", rate=FLAG_RATE, method="POST", block=False)
def flag(request: HttpRequest, kind: str, post_id: int) -> HttpResponse:
    if getattr(request, "limited", False):
        return rate_limited(request, None)
    if kind not in selectors.FLAGGABLE_KINDS:
        raise Http404(selectors.POST_NOT_FOUND)
    try:
        post = selectors.post_get_for_flagging(viewer=request.user, kind=kind, post_id=post_id)
    except NotPermitted as refusal:
        return _problem(request, str(refusal), status=403)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _problem(request, _first_error(form))
    try:
        services.post_flag(post=post, reporter=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _problem(request, error.messages[0])
    messages.success(request, gettext(FLAG_THANKS))
    thread = post if kind == "thread" else post.thread
    return _back(request, thread.get_absolute_url())


@login_required
@require_POST
def thread_action(request: HttpRequest, thread_id: int, action: str) -> HttpResponse:
    if action not in services.THREAD_ACTIONS:
        raise Http404(selectors.NOT_FOUND)
    thread = selectors.thread_get_for_moderator(user=request.user, thread_id=thread_id)
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():
        return _problem(request, _first_error(form))
    services.thread_moderate(
        thread=thread, moderator=request.user, action=action, reason=form.cleaned_data["reason"]
    )
    messages.success(request, gettext(THREAD_DONE[action]))
    return _back(request, thread.get_absolute_url())


@login_required
@require_POST
def ban(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group = selectors.group_get_for_moderator(user=request.user, slug=slug)
    person = selectors.user_get(user_id=user_id)
    form = BanForm(request.POST)
    if not form.is_valid():
        return _problem(request, services.BAN_REASON_REQUIRED)
    try:
        services.member_ban(
            group=group, moderator=request.user, user=person, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return _problem(request, error.messages[0])
    messages.success(request, gettext(BANNED) % {"name": person.name, "group": group.name})
    return _back(request, reverse("moderation:queue"))


@login_required
@require_POST
def unban(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group = selectors.group_get_for_moderator(user=request.user, slug=slug)
    person = selectors.user_get(user_id=user_id)
    try:
        services.member_unban(group=group, moderator=request.user, user=person)
    except ValidationError as error:
        return _problem(request, error.messages[0])
    messages.success(request, gettext(UNBANNED) % {"name": person.name, "group": group.name})
    return _back(request, reverse("moderation:queue"))


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise Http404(selectors.NOT_FOUND)


@login_required
def watched_words(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = WatchedWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            word = services.watched_word_add(phrase=form.cleaned_data["phrase"], staff=request.user)
        except ValidationError as error:
            form.add_error("phrase", error.messages[0])
        else:
            messages.success(request, gettext(WORD_ADDED) % {"phrase": word.phrase})
            return redirect("moderation:watched-words")
    context = {"form": form, "words": selectors.watched_words()}
    return render(
        request, "moderation/watched_words.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def watched_word_delete(request: HttpRequest, word_id: int) -> HttpResponse:
    _staff_only(request)
    word = selectors.watched_word_get(word_id=word_id)
    services.watched_word_remove(word=word, staff=request.user)
    messages.success(request, gettext(WORD_REMOVED) % {"phrase": word.phrase})
    return redirect("moderation:watched-words")
