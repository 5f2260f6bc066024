"""Reads for private collaborations: visible to the approved people of the two companies
involved and to program staff; to everyone else they do not exist (``NotFound``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from collaboration.models import Collaboration, CollaborationMessage
from collaboration.selectors._common import between_companies_visible_to
from directory.models import Company, CompanyMembership
from portal.errors import NotFound
from portal.models import User

COLLABORATION_NOT_FOUND = "No collaboration found."


def collaborations_visible_to(*, viewer) -> QuerySet[Collaboration]:
    """Collaborations of the viewer's company (all of them for staff)."""
    return between_companies_visible_to(
        Collaboration.objects.all(),
        viewer=viewer,
        sides=("requesting_company", "responding_company"),
    )


def collaboration_list(*, viewer, limit: int = 20) -> list[Collaboration]:
    """The viewer's most recently active collaborations, ready to list."""
    return list(
        collaborations_visible_to(viewer=viewer)
        .select_related("requesting_company", "responding_company", "request")
        .annotate(message_count=Count("messages"))
        .order_by("-last_activity_at", "-pk")[:limit]
    )


def collaboration_get_for_viewer(*, viewer, collaboration_id: int) -> Collaboration:
    """The collaboration for one of the two companies' people or staff, else ``NotFound``."""
    found = (
        collaborations_visible_to(viewer=viewer)
        .select_related("requesting_company", "responding_company", "request__thread__group")
        .filter(pk=collaboration_id)
        .first()
    )
    if found is None:
        raise NotFound(COLLABORATION_NOT_FOUND)
    return found


def collaboration_messages(*, collaboration: Collaboration) -> QuerySet[CollaborationMessage]:
    """The messages of a collaboration the viewer already may see, oldest first."""
    return collaboration.messages.select_related("author").order_by("created_at", "pk")


def company_people(*, companies: Iterable[Company]):
    """Approved people of these companies."""
    return User.objects.filter(
        is_active=True,
        company_memberships__company__in=list(companies),
        company_memberships__status=CompanyMembership.Status.APPROVED,
    )


def participant_candidates(*, collaboration: Collaboration):
    """People of either company who are not yet following the collaboration."""
    return (
        company_people(
            companies=[collaboration.requesting_company, collaboration.responding_company]
        )
        .exclude(pk__in=collaboration.participants.values("pk"))
        .order_by("display_name", "email")
    )


def user_belongs_to(*, user, companies: Iterable[Company]) -> bool:
    """Whether the user is an approved person of one of these companies."""
    return company_people(companies=companies).filter(pk=user.pk).exists()
