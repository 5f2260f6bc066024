from django import template
from django.conf import settings

from portal.money import money as money_text

register = template.Library()


@register.simple_tag
def site_url() -> str:
    """The portal's public address (settings.SITE_URL), for links in emails."""
    return settings.SITE_URL


@register.filter
def money(amount, currency: str = "") -> str:
    """``{{ value|money:currency }}``: the amount in the reader's format (portal.money)."""
    return money_text(amount, currency or None)


@register.filter
def money_whole(amount, currency: str = "") -> str:
    """``{{ total|money_whole:currency }}``: as ``money``, rounded to whole units."""
    return money_text(amount, currency or None, whole=True)
