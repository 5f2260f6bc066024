from django.db.models import Exists
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import CompanyMembership
from groups.selectors import groups_moderated_by
from portal.models import User

NAV_SECTIONS = [
    ("directory:search", _("Directory")),
    ("groups:list", _("Groups")),
    ("collaboration:index", _("Collaborate")),
]


def _member_sections(user) -> list[tuple[str, str]]:
    """The sections only some signed-in people have, found in one query: the moderation queue
    for moderators (and staff), deal registration for a company's people, its review for staff."""
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            moderates=Exists(groups_moderated_by(user=user)),
            in_company=Exists(
                CompanyMembership.objects.filter(
                    user=user, status=CompanyMembership.Status.APPROVED
                )
            ),
        )
        .values("moderates", "in_company")
        .first()
    ) or {}
    sections = []
    if flags.get("in_company"):
        sections.append(("deals:list", _("Deals")))
    elif user.is_staff:
        sections.append(("deals:review", _("Deals")))
    if flags.get("moderates"):
        sections.append(("moderation:queue", _("Moderation")))
    if user.is_staff:
        sections.append(("analytics:index", _("Analytics")))
    elif flags.get("in_company"):
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
