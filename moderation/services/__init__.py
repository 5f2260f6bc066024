"""Writes for moderation: screening new posts, queue decisions, flags, trust and moderator acts.

Every act writes a ModerationLog row in the same transaction as the change it records.
"""

from moderation.services._common import (
    BAN_MODERATOR,
    BAN_REASON_REQUIRED,
    BAN_SELF,
    EDITED_SINCE_QUEUED,
    EDITED_WHILE_WAITING,
    FLAG_ALREADY_SENT,
    FLAG_HIDE_THRESHOLD,
    FLAG_OWN_POST,
    ITEM_ALREADY_DECIDED,
    NOT_BANNED,
    POLICY_HOLDS_ALL,
    POLICY_HOLDS_NEW_MEMBERS,
    REJECT_REASON_REQUIRED,
    REMOVE_REASON_DEFAULT,
    THREAD_ACTIONS,
    WATCHED_WORD_EXISTS,
    WATCHED_WORD_TOO_SHORT,
    Post,
    post_kind,
)
from moderation.services.acts import (
    join_request_record,
    member_ban,
    member_unban,
    thread_moderate,
    watched_word_add,
    watched_word_remove,
)
from moderation.services.decisions import (
    item_approve,
    item_escalate,
    item_reject,
    items_decide,
    trust_record_approval,
    trust_record_rejection,
)
from moderation.services.flags import (
    post_flag,
)
from moderation.services.pipeline import (
    post_resubmit,
    post_screen,
    post_submit,
    posts_waiting_for_screening,
)

__all__ = [
    "BAN_MODERATOR",
    "BAN_REASON_REQUIRED",
    "BAN_SELF",
    "EDITED_SINCE_QUEUED",
    "EDITED_WHILE_WAITING",
    "FLAG_ALREADY_SENT",
    "FLAG_HIDE_THRESHOLD",
    "FLAG_OWN_POST",
    "ITEM_ALREADY_DECIDED",
    "NOT_BANNED",
    "POLICY_HOLDS_ALL",
    "POLICY_HOLDS_NEW_MEMBERS",
    "REJECT_REASON_REQUIRED",
    "REMOVE_REASON_DEFAULT",
    "THREAD_ACTIONS",
    "WATCHED_WORD_EXISTS",
    "WATCHED_WORD_TOO_SHORT",
    "Post",
    "item_approve",
    "item_escalate",
    "item_reject",
    "items_decide",
    "join_request_record",
    "member_ban",
    "member_unban",
    "post_flag",
    "post_kind",
    "post_resubmit",
    "post_screen",
    "post_submit",
    "posts_waiting_for_screening",
    "thread_moderate",
    "trust_record_approval",
    "trust_record_rejection",
    "watched_word_add",
    "watched_word_remove",
]
