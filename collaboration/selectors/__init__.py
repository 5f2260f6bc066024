"""Reads for find-a-partner requests, private collaborations and referrals.

Visibility, decided here and only here:
- a request is visible exactly when its thread is (``groups.selectors.visible_threads``), so
  nothing from a group the viewer may not read ever shows;
- a collaboration and a referral are visible to the approved people of the two companies
  involved and to program staff; to everyone else they do not exist (``NotFound``).
"""

from collaboration.selectors.collaborations import (
    COLLABORATION_NOT_FOUND,
    collaboration_get_for_viewer,
    collaboration_list,
    collaboration_messages,
    collaborations_visible_to,
    company_people,
    participant_candidates,
    user_belongs_to,
)
from collaboration.selectors.referrals import (
    REFERRAL_NOT_FOUND,
    REVENUE_SOURCES,
    RevenueRow,
    referral_counterpart,
    referral_get_for_viewer,
    referral_list,
    referral_source_visible,
    referrals_visible_to,
    revenue_by_source,
    thread_for_referral,
)
from collaboration.selectors.requests import (
    ONLY_REQUESTING_COMPANY,
    REQUEST_NOT_FOUND,
    RequestPanel,
    companies_matching_request,
    groups_postable_by,
    request_get_for_requester,
    request_get_for_viewer,
    request_list,
    request_panel,
    request_responders,
    requests_matching_company,
    requests_matching_company_q,
    respondable_by,
    visible_requests,
    winner_visible_to,
    with_viewer_flags,
)
from directory.selectors.companies import user_company

__all__ = [
    "COLLABORATION_NOT_FOUND",
    "ONLY_REQUESTING_COMPANY",
    "REFERRAL_NOT_FOUND",
    "REQUEST_NOT_FOUND",
    "REVENUE_SOURCES",
    "RequestPanel",
    "RevenueRow",
    "collaboration_get_for_viewer",
    "collaboration_list",
    "collaboration_messages",
    "collaborations_visible_to",
    "companies_matching_request",
    "company_people",
    "groups_postable_by",
    "participant_candidates",
    "referral_counterpart",
    "referral_get_for_viewer",
    "referral_list",
    "referral_source_visible",
    "referrals_visible_to",
    "request_get_for_requester",
    "request_get_for_viewer",
    "request_list",
    "request_panel",
    "request_responders",
    "requests_matching_company",
    "requests_matching_company_q",
    "respondable_by",
    "revenue_by_source",
    "thread_for_referral",
    "user_belongs_to",
    "user_company",
    "visible_requests",
    "winner_visible_to",
    "with_viewer_flags",
]
