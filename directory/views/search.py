"""The directory search page: parse the GET parameters, call the selector, render with links."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_countries import countries

from directory.models import Tier
from directory.search_forms import (
    SORT_CHOICES,
    SearchParamsInvalid,
    search_params_clean,
    search_querystring,
)
from directory.selectors.search import SearchParams, SearchResult
from directory.selectors.search import company_search as search_companies
from directory.selectors.search.ordering import RANK_ALL_LIMIT, RANK_POOL
from directory.selectors.search.ranking import ranking_rules as search_ranking_rules


def company_search(request: HttpRequest) -> HttpResponse:
    """``/directory/``: results, facets and paging; invalid parameters answer 400 with why, a
    page past the end 404 (PageOutOfRange, rendered by portal.views.page_not_found)."""
    context = {"query": request.GET.get("q", ""), "sort_choices": SORT_CHOICES}
    try:
        params = search_params_clean(request.GET)
    except SearchParamsInvalid as invalid:
        context["errors"] = [m for messages in invalid.errors.values() for m in messages]
        return render(request, "directory/search.html", context, status=400)
    result = search_companies(viewer=request.user, params=params)
    context.update(result=result, links=SearchLinks(result))
    return render(request, "directory/search.html", context)


def ranking_rules(request: HttpRequest) -> HttpResponse:
    """``/directory/about/ranking/``: the rules "best match" ranks by, with today's weights."""
    return render(
        request,
        "directory/ranking.html",
        {
            "rules": search_ranking_rules(),
            "rank_all_limit": RANK_ALL_LIMIT,
            "rank_pool": RANK_POOL,
        },
    )


@dataclass(frozen=True)
class ActiveFilter:
    """One active filter and the query string that the search would have without it."""

    label: str
    remove_query: str


@dataclass(frozen=True)
class PageLink:
    """A numbered page link; ``number`` None marks a gap between numbers."""

    number: int | None
    query: str = ""
    current: bool = False


class SearchLinks:
    """The query strings a result page links to: its neighbours, its numbered pages, and the
    search without each active filter. Each is spelt when the template first asks for it."""

    def __init__(self, result: SearchResult) -> None:
        self.result = result

    @property
    def previous_query(self) -> str:
        return search_querystring(self.result.params, page=self.result.page - 1)

    @property
    def next_query(self) -> str:
        return search_querystring(self.result.params, page=self.result.page + 1)

    @cached_property
    def pages(self) -> list[PageLink]:
        return _page_links(
            self.result.params, page=self.result.page, num_pages=self.result.num_pages
        )

    @property
    def did_you_mean_query(self) -> str:
        return search_querystring(replace(self.result.params, q=self.result.did_you_mean))

    @cached_property
    def active_filters(self) -> list[ActiveFilter]:
        return _active_filters(self.result.params)


def _page_links(params: SearchParams, *, page: int, num_pages: int) -> list[PageLink]:
    """First, last and the pages around the current one, with gaps between."""
    shown = sorted({1, num_pages, *range(page - 2, page + 3)})
    links: list[PageLink] = []
    for number in (n for n in shown if 1 <= n <= num_pages):
        if links and number > links[-1].number + 1:
            links.append(PageLink(number=None))
        links.append(
            PageLink(number, search_querystring(params, page=number), current=number == page)
        )
    return links


def _active_filters(params: SearchParams) -> list[ActiveFilter]:
    labelled: list[tuple[str, tuple[str, str]]] = []
    if params.q:
        labelled.append((_("Words: %(words)s") % {"words": params.q}, ("q", params.q)))
    labelled += [
        (_("Competency: %(name)s") % {"name": c.name}, ("competency", c.slug))
        for c in params.competency
    ]
    labelled += [
        (_("Industry: %(name)s") % {"name": i.name}, ("industry", i.slug)) for i in params.industry
    ]
    labelled += [
        (_("Country: %(name)s") % {"name": countries.name(code)}, ("country", code))
        for code in params.country
    ]
    if params.tier:
        labelled.append(
            (_("Tier: %(name)s") % {"name": Tier(params.tier).label}, ("tier", params.tier))
        )
    if params.verified:
        labelled.append((_("Verified competencies only"), ("verified", "1")))
    return [ActiveFilter(label, search_querystring(params, drop=pair)) for label, pair in labelled]
