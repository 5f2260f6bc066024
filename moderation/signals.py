"""Moderation's side of the hooks groups sends (groups/signals.py): new and edited posts go
through screening and review, and decisions on requests to join are written to the audit log.

Groups cannot call moderation (it stands below it); these receivers, connected in
ModerationConfig.ready(), are the bridge. They run inside the sender's transaction.
"""

from django.dispatch import receiver

from groups.signals import join_request_decided, post_resubmitted, post_submitted
from moderation.services import join_request_record, post_resubmit, post_submit


@receiver(post_submitted, dispatch_uid="moderation_screen_submitted_post")
def screen_submitted_post(sender, post, **kwargs) -> None:
    """Screen a new post once its transaction commits."""
    post_submit(post=post)


@receiver(post_resubmitted, dispatch_uid="moderation_review_resubmitted_post")
def review_resubmitted_post(sender, post, **kwargs) -> None:
    """Send an edited post back through screening, or replace its waiting queue item."""
    post_resubmit(post=post)


@receiver(join_request_decided, dispatch_uid="moderation_log_join_request_decision")
def log_join_request_decision(sender, group, membership, approved, moderator, **kwargs) -> None:
    """Audit a moderator's answer to a request to join."""
    join_request_record(group=group, user=membership.user, approved=approved, moderator=moderator)
