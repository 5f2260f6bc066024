from django.http import HttpRequest
from django.urls import reverse

# Sections added by later apps register here by URL name; reverse() failures hide an entry.
NAV_SECTIONS = [
    ("directory:search", "Directory"),
    ("groups:list", "Groups"),
    ("groups:collaborate", "Collaborate"),
]


def navigation(request: HttpRequest) -> dict:
    """The main navigation entries the viewer may use, with the current section marked."""
    from django.urls import NoReverseMatch

    user = getattr(request, "user", None)
    sections = list(NAV_SECTIONS)
    if user is not None and user.is_authenticated and _is_moderator(user):
        sections.append(("groups:moderation", "Moderation"))
    items = []
    for url_name, label in sections:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items}


def _is_moderator(user) -> bool:
    if user.is_staff:
        return True
    try:
        from groups.selectors import user_is_any_moderator
    except ImportError:
        return False
    return user_is_any_moderator(user=user)
