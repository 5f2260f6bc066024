"""Paging, one rule for every list page and the API.

No page number means the first page and ``last`` the last one. A page number that is not a
whole number of 1 or more is a bad request (400, ``PAGE_INVALID``); a page past the end does
not exist (404, ``PageOutOfRange``), as Django REST framework's paginators answer: the 404 page
says how many pages there are and links to the last one, the API answers ``"Invalid page."``.
"""

from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext, gettext_noop

PAGE_INVALID = gettext_noop("The page must be a whole number of 1 or more.")
LAST = "last"


class PageInvalid(BadRequest):
    """The page parameter is not a page number; its message is shown on the 400 page."""

    def __init__(self) -> None:
        super().__init__(gettext(PAGE_INVALID))


class PageOutOfRange(Http404):
    """The page number is past the end of the list."""

    def __init__(self, *, number: int, num_pages: int) -> None:
        self.number = number
        self.num_pages = num_pages
        super().__init__(page_out_of_range_message(number=number, num_pages=num_pages))


def page_out_of_range_message(*, number: int, num_pages: int) -> str:
    """What the 404 page and the API say about a page past the end."""
    pages = "is only 1 page" if num_pages == 1 else f"are {num_pages:,} pages"
    return f"Page {number:,} does not exist: there {pages}."


def page_number(raw: str | int | None) -> int | str:
    """The requested page as a number of 1 or more, or ``LAST``; PageInvalid otherwise."""
    if raw is None or raw == "":
        return 1
    if raw == LAST:
        return LAST
    try:
        number = int(raw)
    except (TypeError, ValueError):  # ValueError too for more than 4,300 digits
        raise PageInvalid() from None
    if number < 1:
        raise PageInvalid()
    return number


def check_page_exists(*, number: int, num_pages: int) -> None:
    """Raise PageOutOfRange for a page past the end; an empty list has one (empty) page."""
    if number > max(num_pages, 1):
        raise PageOutOfRange(number=number, num_pages=max(num_pages, 1))


class CountedPaginator(Paginator):
    """A paginator that trusts a maintained counter (e.g. a group's thread_count) instead of
    running COUNT(*)."""

    def __init__(self, object_list, per_page: int, *, known_count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = known_count  # fills the cached_property


def page_get(paginator: Paginator, raw: str | int | None) -> Page:
    """The page of ``paginator`` the request asks for (see the module docstring)."""
    number = page_number(raw)
    if number == LAST:
        return paginator.page(paginator.num_pages)
    check_page_exists(number=number, num_pages=paginator.num_pages)
    return paginator.page(number)
