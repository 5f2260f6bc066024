"""Writes for find-a-partner requests, private collaborations and referrals.

Access is checked by the caller (see ``collaboration.selectors``); these functions assume it
passed and enforce the business rules, raising ``ValidationError`` with the messages they name.
"""

from collaboration.services._common import (
    NO_COMPANY,
    REQUEST_CLOSED,
)
from collaboration.services.collaborations import (
    ALREADY_PARTICIPANT,
    EMPTY_MESSAGE,
    NOT_COMPANY_PERSON,
    OWN_REQUEST,
    collaboration_message_post,
    collaboration_notify_send,
    collaboration_open,
    collaboration_participant_add,
)
from collaboration.services.referrals import (
    BAD_CURRENCY,
    BAD_TRANSITION,
    CURRENCIES,
    NEGATIVE_VALUE,
    NO_OTHER_COMPANY,
    REFERRAL_TRANSITIONS,
    SAME_COMPANY,
    WRONG_COMPANY,
    referral_allowed_statuses,
    referral_create,
    referral_status_change,
)
from collaboration.services.requests import (
    DEADLINE_PAST,
    NO_COMPETENCIES,
    NOT_A_RESPONDER,
    request_close,
    request_create,
    request_notify_matches,
    request_thread_published,
    request_url,
)

__all__ = [
    "ALREADY_PARTICIPANT",
    "BAD_CURRENCY",
    "BAD_TRANSITION",
    "CURRENCIES",
    "DEADLINE_PAST",
    "EMPTY_MESSAGE",
    "NEGATIVE_VALUE",
    "NOT_A_RESPONDER",
    "NOT_COMPANY_PERSON",
    "NO_COMPANY",
    "NO_COMPETENCIES",
    "NO_OTHER_COMPANY",
    "OWN_REQUEST",
    "REFERRAL_TRANSITIONS",
    "REQUEST_CLOSED",
    "SAME_COMPANY",
    "WRONG_COMPANY",
    "collaboration_message_post",
    "collaboration_notify_send",
    "collaboration_open",
    "collaboration_participant_add",
    "referral_allowed_statuses",
    "referral_create",
    "referral_status_change",
    "request_close",
    "request_create",
    "request_notify_matches",
    "request_thread_published",
    "request_url",
]
