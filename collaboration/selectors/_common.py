"""What more than one kind of collaboration read needs."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from directory.selectors.companies import user_company
from portal.viewers import is_signed_in

M = TypeVar("M", bound=Model)


def between_companies_visible_to(
    rows: QuerySet[M], *, viewer, sides: tuple[str, str]
) -> QuerySet[M]:
    """Rows between two companies (named by the ``sides`` fields) that the viewer may see: those
    of the viewer's company, or all of them for program staff."""
    if not is_signed_in(viewer):
        return rows.none()
    if viewer.is_staff:
        return rows
    company = user_company(viewer)
    if company is None:
        return rows.none()
    first, second = sides
    return rows.filter(Q(**{first: company}) | Q(**{second: company}))
