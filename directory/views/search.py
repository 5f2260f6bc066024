"""The directory search page: parse the GET parameters, call the selector, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from directory.search_forms import SORT_CHOICES
from directory.selectors.search import SearchParamsInvalid
from directory.selectors.search import company_search as search_companies


def company_search(request: HttpRequest) -> HttpResponse:
    """``/directory/``: results, facets and paging; invalid parameters answer 400 with why, a
    page past the end 404 (PageOutOfRange, rendered by portal.views.page_not_found)."""
    context = {"query": request.GET.get("q", ""), "sort_choices": SORT_CHOICES}
    try:
        context["result"] = search_companies(viewer=request.user, params=request.GET)
    except SearchParamsInvalid as invalid:
        context["errors"] = [m for messages in invalid.errors.values() for m in messages]
        return render(request, "directory/search.html", context, status=400)
    return render(request, "directory/search.html", context)
