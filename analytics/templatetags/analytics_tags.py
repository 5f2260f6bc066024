"""Display helpers for analytics figures: numbers, durations, shares, CSV links."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def figure(value) -> str:
    """A count or a value with thousands separators; "n/a" where the figure does not apply."""
    if value is None:
        return "n/a"
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("1"))
    return intcomma(value)


@register.filter
def duration_text(value: timedelta | None) -> str:
    if value is None:
        return "no data"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


@register.filter
def percent(value: float | None) -> str:
    return "no data" if value is None else f"{value:.0%}"


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
