"""The directory search page's facet checkboxes, rendered in one pass.

Some 80 facet values a page, each a checkbox and a label: through an ``{% include %}`` and its
loop that cost several milliseconds a search, more than the SQL that counted them.
``format_html`` escapes every value and counts are localized, as the template did.
"""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from directory.selectors.search import FacetValue

register = template.Library()


@register.simple_tag
def facet_options(
    name: str, options: list[FacetValue], approximate: bool, kind: str = "checkbox"
) -> SafeString:
    """The values of one facet as inputs of ``kind`` with labelled counts (≈ when estimated)."""
    if not options:
        return format_html('<p class="muted">{}</p>', gettext("None among these results."))
    about = "≈" if approximate else ""
    rows = format_html_join(
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
    return format_html('<div class="facet-options">\n{}\n</div>', rows)
