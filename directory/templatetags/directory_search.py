"""The directory search page's facet checkboxes and result cards, each rendered in one pass.

Some 80 facet values a page, each a checkbox and a label: through an ``{% include %}`` and its
loop that cost several milliseconds a search, more than the SQL that counted them.
Every value is escaped (``_html``, as ``format_html`` does) and counts are localized, as the
template did.

The 20 result cards likewise: through an included template they cost 2.9 ms of CPU a page,
6.4 ms with the "Why here?" explanations of a search with words (some 400 variables, 100
translations and 100 ``floatformat`` a page); spelt here 1.0 and 1.8 ms. The messages are the
ones the template had, so their translations still apply; numbers go through the same filters.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat, truncatewords
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from directory.search_text import matched_spans
from directory.selectors.search import FacetValue
from directory.selectors.search.cards import CompanyCard

register = template.Library()


def _escaped(value: object) -> str:
    """``conditional_escape`` without its lazy-string wrappers (1,400 calls a page): safe
    values as they are, anything else through ``html.escape``, as Django's ``escape`` does."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _html(format_string: str, *args: object) -> SafeString:
    """``format_html``: every argument escaped unless already safe, the result marked safe."""
    return SafeString(format_string.format(*map(_escaped, args)))


def _html_join(sep: str, format_string: str, rows: Iterable[tuple]) -> SafeString:
    """``format_html_join`` with ``_html``; ``sep`` is literal markup."""
    return SafeString(sep.join(format_string.format(*map(_escaped, row)) for row in rows))


def _highlighted(text: str, terms: list[str], *, name: bool = False) -> SafeString:
    """``text`` escaped, each word the search matched in ``<mark>``."""
    parts, end = [], 0
    for start, stop in matched_spans(text, terms, name=name):
        parts += [html.escape(text[end:start]), "<mark>", html.escape(text[start:stop]), "</mark>"]
        end = stop
    parts.append(html.escape(text[end:]))
    return SafeString("".join(parts))


@register.simple_tag
def facet_options(
    name: str, options: list[FacetValue], approximate: bool, kind: str = "checkbox"
) -> SafeString:
    """The values of one facet as inputs of ``kind`` with labelled counts (≈ when estimated)."""
    if not options:
        return _html('<p class="muted">{}</p>', gettext("None among these results."))
    about = "≈" if approximate else ""
    rows = _html_join(
        "\n",
        '<div class="facet-option"><input type="{}" form="directory-search" name="{}"'
        ' value="{}" id="facet-{}-{}"{}><label for="facet-{}-{}">{} <span class="facet-count">'
        "{}{}</span></label></div>",
        (
            (
                kind,
                name,
                option.value,
                name,
                option.value,
                " checked" if option.selected else "",
                name,
                option.value,
                option.label,
                about,
                localize(option.count),
            )
            for option in options
        ),
    )
    if kind != "checkbox":
        return rows
    return _html('<div class="facet-options">\n{}\n</div>', rows)


@register.simple_tag
def company_results(companies: list[CompanyCard], terms: list[str] | None = None) -> SafeString:
    """The result cards, each an ``<li>`` of the results list; the words of the search
    (``terms``) marked where they matched a name or description."""
    labels = {
        "headquarters": gettext("Headquarters:"),
        "out_of_5": gettext("out of 5"),
        "no_reviews": gettext("No reviews yet"),
        "verified": gettext("Verified competencies"),
        "how_ranked": gettext("How best match ranks"),
    }
    ranking_url = reverse("directory:ranking")
    # The same few point values recur across a page's explanations: each formatted once.
    number = lru_cache(maxsize=None)(floatformat)
    return mark_safe(  # noqa: S308 - each part is escaped by _html below
        "\n".join(
            _html("<li>{}</li>", _company_card(company, labels, ranking_url, number, terms or []))
            for company in companies
        )
    )


def _company_card(
    company: CompanyCard,
    labels: dict[str, str],
    ranking_url: str,
    number: Callable[[object, object], str],
    terms: list[str],
) -> SafeString:
    """One card; ``number`` is ``floatformat``."""
    if company.logo_url:
        logo = _html(
            '<img class="company-card-logo" src="{}" alt="" width="56" height="56" loading="lazy">',
            company.logo_url,
        )
    else:
        logo = _html(
            '<span class="company-card-logo company-card-initials" aria-hidden="true">{}</span>',
            company.name[:1].upper(),
        )
    if company.rating_count:
        # As {% blocktranslate count %}: the translated text as is, the counter localized.
        reviews = ngettext("%(counter)s review", "%(counter)s reviews", company.rating_count) % {
            "counter": _escaped(localize(company.rating_count))
        }
        rating = _html(
            '<span class="rating">★ {}<span class="visually-hidden"> {}</span>'
            ' <span class="muted">({})</span></span>',
            number(company.rating_average, 1),
            labels["out_of_5"],
            mark_safe(reviews),  # noqa: S308 - a translation with an escaped number
        )
    else:
        rating = _html('<span class="muted">{}</span>', labels["no_reviews"])
    description = (
        _html(
            '<p class="company-card-description">{}</p>',
            _highlighted(truncatewords(company.description, 30), terms),
        )
        if company.description
        else ""
    )
    competencies = (
        _html(
            '<ul class="company-card-competencies" aria-label="{}">{}</ul>',
            labels["verified"],
            _html_join(
                "",
                '<li class="badge badge-verified"><span aria-hidden="true">✓</span> {}</li>',
                ((competency.name,) for competency in company.verified_competencies),
            ),
        )
        if company.verified_competencies
        else ""
    )
    ranking = ""
    if company.ranking:
        why = gettext("Why here? %(score)s points") % {
            "score": _escaped(number(company.ranking.score, "-1"))
        }
        ranking = _html(
            '<details class="rank-why"><summary>{}</summary><ul>{}</ul>'
            '<p class="muted"><a href="{}">{}</a></p></details>',
            mark_safe(why),  # noqa: S308 - a translation with an escaped number
            _html_join(
                "",
                '<li><span class="rank-points">+{}</span> {}</li>',
                ((number(reason.points, "-2"), reason.label) for reason in company.ranking.reasons),
            ),
            ranking_url,
            labels["how_ranked"],
        )
    return _html(
        '<article class="company-card">{}<div class="company-card-body">'
        '<h3 class="company-card-name"><a href="{}">{}</a></h3>'
        '<p class="company-card-meta"><span class="badge badge-{}">{}</span>'
        ' <span><span class="visually-hidden">{} </span>{}</span> {}</p>'
        "{}{}{}</div></article>",
        logo,
        company.url,
        _highlighted(company.name, terms, name=True),
        company.tier,
        company.tier_label,
        labels["headquarters"],
        company.hq_country_name,
        rating,
        description,
        competencies,
        ranking,
    )
