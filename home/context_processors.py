from django.http import HttpRequest
from django.urls import reverse

from groups.moderator_flag import user_moderates_any

NAV_SECTIONS = [
    ("directory:search", "Directory"),
    ("groups:list", "Groups"),
    ("collaboration:index", "Collaborate"),
]


def navigation(request: HttpRequest) -> dict:
    """The main navigation entries the viewer may use, with the current section marked."""
    user = getattr(request, "user", None)
    sections = list(NAV_SECTIONS)
    if user is not None and user.is_authenticated and user_moderates_any(user=user):
        sections.append(("moderation:queue", "Moderation"))
    items = []
    for url_name, label in sections:
        url = reverse(url_name)
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items}
