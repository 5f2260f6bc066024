"""What the group and thread pages share: sign-in that keeps 404s, the visitor cache, paging."""

import hashlib
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language, gettext

from groups import selectors as sel
from portal.paging import CountedPaginator, page_get

VISITOR_PAGE_TIMEOUT = 60


def signed_in_member(view):
    """Like login_required, but a group the visitor may not see answers 404 before any login."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            sel.group_get_for_viewer(viewer=request.user, slug=slug)
            return redirect_to_login(request.get_full_path())
        return view(request, slug, *args, **kwargs)

    return wrapper


def _cached_for_visitors(request: HttpRequest, key_parts: tuple, build) -> HttpResponse:
    """Serve an anonymous visitor the page all visitors share from the cache.

    The key holds the language, the content version of the group and the counters of the rows
    the view has just read, so a published, edited, voted, pinned or locked post shows at once;
    anything else (a renamed author, a pin seen from the group page) at the latest after the
    timeout.
    """
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return build()
    # The page is rendered text: each language has its own copy.
    raw = repr((request.get_full_path(), get_language(), *key_parts)).encode()
    key = "groups:page:" + hashlib.sha256(raw).hexdigest()
    content = cache.get(key)
    if content is not None:
        return HttpResponse(content)
    response = build()
    if response.status_code == 200:
        cache.set(key, response.content, VISITOR_PAGE_TIMEOUT)
    return response


def _error_text(error: ValidationError) -> str:
    # Services raise the English text (gettext_noop); it is translated where it is shown.
    return " ".join(gettext(message) for message in error.messages)


def _page(request: HttpRequest, queryset, per_page: int, known_count: int | None = None):
    if known_count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CountedPaginator(queryset, per_page, known_count=known_count)
    return page_get(paginator, request.GET.get("page"))
