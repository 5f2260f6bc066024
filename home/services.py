"""The newcomer's one onboarding form: their company and their first groups, in one step."""

from dataclasses import dataclass, field

from django.db import transaction

from directory.models import Company
from directory.services.listings import company_draft_create
from directory.services.memberships import membership_request
from groups.models import Group, GroupMembership
from groups.services.memberships import group_join
from portal.models import User


@dataclass(frozen=True)
class DraftListing:
    name: str
    hq_country: str
    website: str = ""


@dataclass
class OnboardingResult:
    """The groups joined at once, and those whose moderators were asked."""

    joined: list[Group] = field(default_factory=list)
    requested: list[Group] = field(default_factory=list)


@transaction.atomic
def onboarding_complete(
    *,
    user: User,
    groups: list[Group],
    company: Company | None = None,
    draft: DraftListing | None = None,
) -> OnboardingResult:
    """Ask to join a company or create a draft listing for it, then join the open groups and
    ask to join the others; all or nothing.

    Asking to join a company is a request its admins decide, as from the directory; the
    groups must have passed ``groups_joinable_by`` at the edge.
    """
    result = OnboardingResult()
    if company is not None:
        membership_request(user=user, company=company)
    elif draft is not None:
        company_draft_create(
            creator=user, name=draft.name, hq_country=draft.hq_country, website=draft.website
        )
    for group in groups:
        membership = group_join(group=group, user=user)
        if membership.status == GroupMembership.Status.ACTIVE:
            result.joined.append(group)
        else:
            result.requested.append(group)
    return result
