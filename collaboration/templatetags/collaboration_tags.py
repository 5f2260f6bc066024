from django import template

from collaboration.selectors import RequestPanel, request_panel

register = template.Library()


@register.simple_tag
def partner_request_panel(thread, user) -> RequestPanel:
    """What the request panel shows this viewer on a request thread page."""
    return request_panel(viewer=user, thread=thread)
