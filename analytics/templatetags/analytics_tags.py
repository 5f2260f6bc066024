"""Display helpers for analytics figures: numbers, durations, shares, CSV links."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def figure(value) -> str:
    """A count or a value with the reader's thousands separators; "n/a" where the figure does
    not apply."""
    if value is None:
        return gettext("n/a")
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("1"))
    return number_format(value, force_grouping=True)


@register.filter
def duration_text(value: timedelta | None) -> str:
    """Hours under two days, else days, to a tenth, in the reader's language and format."""
    if value is None:
        return gettext("no data")
    hours = value.total_seconds() / 3600
    if hours < 48:
        return gettext("%(hours)s hours") % {"hours": number_format(hours, 1)}
    return gettext("%(days)s days") % {"days": number_format(hours / 24, 1)}


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return gettext("no data")
    return gettext("%(percent)s%%") % {"percent": number_format(round(value * 100))}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def export_url(query: dict, table: str) -> str:
    """The CSV export of one table, for the same filters."""
    return f"{reverse('analytics:export', kwargs={'table': table})}?{urlencode(query)}"


@register.simple_tag
def select_options(field) -> str:
    """The <option>s of a choice field, written directly: Django's widget templates take tens
    of milliseconds for the 250 countries, and this page is timed (bench/analytics.py)."""
    current = field.value()
    current = "" if current is None else str(current)
    parts = []
    for value, label in field.field.choices:
        value = "" if value is None else str(value)
        selected = " selected" if value == current else ""
        parts.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above
