"""The moderation queue, its audit log, automatic screening settings and member trust."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Reply, Thread
from moderation.reasons import reason_text


class ItemStatus(models.TextChoices):
    """Where a queue item stands (``ModerationItem.Status``)."""

    OPEN = "open", _("Waiting")
    ESCALATED = "escalated", _("Escalated to staff")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Replaced after the author edited the post")


# A post waits for a decision while its queue item is open or escalated: the queue, its partial
# indexes and constraints, the sweep, the digests and every "still waiting?" check use this list.
WAITING = [ItemStatus.OPEN, ItemStatus.ESCALATED]


class ModerationItem(models.Model):
    """A thread or reply waiting for a moderator's decision, with why it is held."""

    Status = ItemStatus

    class Source(models.TextChoices):
        POLICY = "policy", _("Group policy")
        SCREENING = "screening", _("Automatic screening")
        FLAGS = "flags", _("Flagged by members")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="moderation_items")
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="moderation_items"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="moderation_items"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    reasons = models.JSONField(
        default=list,
        help_text="Why the post is held, most important first: codes with their parameters "
        "(moderation.reasons), put into words in the reader's language.",
    )
    score = models.FloatField(default=0.0, help_text="Screening score; higher is more suspicious.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, reply__isnull=True)
                | Q(thread__isnull=True, reply__isnull=False),
                name="moderation_item_one_target",
            ),
            # However many flags or screenings, a post is in the queue at most once at a time.
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(status__in=WAITING, thread__isnull=False),
                name="one_open_item_per_thread",
            ),
            models.UniqueConstraint(
                fields=["reply"],
                condition=Q(status__in=WAITING, reply__isnull=False),
                name="one_open_item_per_reply",
            ),
        ]
        indexes = [
            models.Index(
                fields=["group", "created_at"],
                name="moderation_open_idx",
                condition=Q(status__in=WAITING),
            ),
            # The staff queue: every waiting item, oldest first, without a sort.
            models.Index(
                fields=["created_at", "id"],
                name="moderation_waiting_idx",
                condition=Q(status__in=WAITING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} item {self.pk} ({self.status})"

    @property
    def post(self) -> Thread | Reply:
        return self.thread if self.thread_id else self.reply

    @property
    def reason_texts(self) -> list[str]:
        """The reasons in the active language."""
        return [reason_text(entry) for entry in self.reasons]


class ModerationLog(models.Model):
    """Audit row for every moderation act: who did what to which post or person, why, when."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        ESCALATE = "escalate", _("Escalated")
        AUTO_PUBLISH = "auto_publish", _("Published by screening")
        AUTO_HOLD = "auto_hold", _("Held by screening")
        REMOVE = "remove", _("Removed")
        HIDE = "hide", _("Hidden after flags")
        PIN = "pin", _("Pinned")
        UNPIN = "unpin", _("Unpinned")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        BAN = "ban", _("Banned from group")
        UNBAN = "unban", _("Unbanned")
        JOIN_APPROVE = "join_approve", _("Request to join approved")
        JOIN_DECLINE = "join_decline", _("Request to join declined")
        WORD_ADD = "word_add", _("Watched word added")
        WORD_REMOVE = "word_remove", _("Watched word removed")

    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_log",
        help_text="Empty for site-wide acts such as watched words.",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the automatic screening acted.",
    )
    action = models.CharField(max_length=14, choices=Action.choices)
    item = models.ForeignKey(
        ModerationItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["group", "-created_at"], name="moderation_log_idx")]

    def __str__(self) -> str:
        where = self.group_id or "the whole portal"
        return f"{self.get_action_display()} in {where} at {self.created_at:%Y-%m-%d %H:%M}"


class WatchedWord(models.Model):
    """A word or phrase staff want held for review wherever it is posted."""

    phrase = models.CharField(max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.phrase


class MemberTrust(models.Model):
    """How much the community trusts a member's posts; trusted members skip pre-moderation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust"
    )
    approved_posts = models.PositiveIntegerField(default=0)
    rejected_posts = models.PositiveIntegerField(default=0)
    last_rejected_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Trust of {self.user}"


class ModeratorNotification(models.Model):
    """When a moderator was last emailed about their queue (at most one an hour)."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["moderator", "-sent_at"], name="moderator_notice_idx")]

    def __str__(self) -> str:
        return f"Queue email to {self.moderator_id} ({self.item_count} items)"
