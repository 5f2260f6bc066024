from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.company_flag import user_in_company
from groups.moderator_flag import user_moderates_any

NAV_SECTIONS = [
    ("directory:search", _("Directory")),
    ("groups:list", _("Groups")),
    ("collaboration:index", _("Collaborate")),
]


def _member_sections(user) -> list[tuple[str, str]]:
    """The sections only some signed-in people have: the moderation queue for moderators (and
    staff), deal registration and the scorecard for a company's people, their review and the
    analytics for staff. Both answers are cached per user, so most pages ask no query here."""
    in_company = user_in_company(user=user)
    sections = []
    if in_company:
        sections.append(("deals:list", _("Deals")))
    elif user.is_staff:
        sections.append(("deals:review", _("Deals")))
    if user_moderates_any(user=user):
        sections.append(("moderation:queue", _("Moderation")))
    if user.is_staff:
        sections.append(("analytics:index", _("Analytics")))
    elif in_company:
        sections.append(("analytics:my-scorecard", _("Scorecard")))
    return sections


def navigation(request: HttpRequest) -> dict:
    """The main navigation entries the viewer may use, with the current section marked."""
    user = getattr(request, "user", None)
    sections = list(NAV_SECTIONS)
    if user is not None and user.is_authenticated:
        sections += _member_sections(user)
    items = []
    for url_name, label in sections:
        url = reverse(url_name)
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items}
