"""Display helpers for analytics figures: numbers, durations, shares, CSV links."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse

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
