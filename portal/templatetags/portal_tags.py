from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_url() -> str:
    """The portal's public address (settings.SITE_URL), for links in emails."""
    return settings.SITE_URL
