"""Topic groups, their members, and the threads and replies posted in them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class Group(models.Model):
    """A moderated topic group."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members of the portal")
        PRIVATE = "private", _("Private (group members only)")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone can join")
        REQUEST = "request", _("By request")
        INVITE = "invite", _("By invitation")

    class ModerationPolicy(models.TextChoices):
        PREMODERATE_ALL = "premoderate_all", _("Pre-moderate every post")
        PREMODERATE_NEW = "premoderate_new", _("Pre-moderate new members")
        POSTMODERATE = "postmoderate", _("Post-moderate")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        max_length=8, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    moderation_policy = models.CharField(
        max_length=16, choices=ModerationPolicy.choices, default=ModerationPolicy.PREMODERATE_NEW
    )
    tags = TaggableManager(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Maintained by services so that lists need no aggregation.
    member_count = models.PositiveIntegerField(default=0)
    thread_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["visibility", "name"], name="group_visibility_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})


class GroupMembership(models.Model):
    """A person's relation to a group: member, moderator or owner; or asked, invited, banned."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")
        OWNER = "owner", _("Owner")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REQUESTED = "requested", _("Asked to join")
        INVITED = "invited", _("Invited")
        BANNED = "banned", _("Banned")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    digest_enabled = models.BooleanField(
        default=True, help_text="Include this group's threads in my digest."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ban_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="group_membership_user_idx"),
            models.Index(fields=["group", "status", "role"], name="group_membership_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def can_moderate(self) -> bool:
        return self.is_active and self.role in (self.Role.MODERATOR, self.Role.OWNER)


class PostStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")


class Thread(models.Model):
    """A thread opened in a group: discussion, question, announcement or find-a-partner request."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        ANNOUNCEMENT = "announcement", _("Announcement")
        REQUEST = "request", _("Find-a-partner request")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="threads"
    )
    author_company = models.ForeignKey(
        "directory.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The author's company when the thread was posted.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(max_length=200)
    body_markdown = models.TextField(max_length=20000)
    body_html = models.TextField(editable=False, help_text="Sanitized HTML rendered on save.")
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.PENDING)
    rejection_reason = models.CharField(max_length=300, blank=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    accepted_reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Maintained by services so that ranking needs no aggregation.
    helpful_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            models.Index(
                fields=["group", "-is_pinned", "-last_activity_at"],
                name="thread_activity_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["group", "-is_pinned", "-helpful_count", "-last_activity_at"],
                name="thread_helpful_idx",
                condition=Q(status="published"),
            ),
            models.Index(fields=["author", "status"], name="thread_author_idx"),
            models.Index(fields=["published_at"], name="thread_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:thread", kwargs={"slug": self.group.slug, "thread_id": self.pk})


class Reply(models.Model):
    """A reply in a thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies"
    )
    author_company = models.ForeignKey(
        "directory.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_markdown = models.TextField(max_length=20000)
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.PENDING)
    rejection_reason = models.CharField(max_length=300, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "replies"
        indexes = [
            models.Index(fields=["thread", "status", "created_at"], name="reply_thread_idx"),
            models.Index(fields=["author", "status"], name="reply_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Reply {self.pk} in {self.thread_id}"

    @property
    def group(self) -> Group:
        return self.thread.group


def _one_target() -> Q:
    """Exactly one of thread / reply is set."""
    return Q(thread__isnull=False, reply__isnull=True) | Q(thread__isnull=True, reply__isnull=False)


class PostRevision(models.Model):
    """What a thread or reply said before an edit; kept for moderators."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body_markdown = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=_one_target(), name="revision_one_target")]

    def __str__(self) -> str:
        return f"Revision of {self.thread_id or self.reply_id} at {self.created_at:%Y-%m-%d %H:%M}"


class HelpfulVote(models.Model):
    """A member found a thread or reply helpful; one vote per member per post."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="vote_one_target"),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="one_vote_per_thread",
            ),
            models.UniqueConstraint(
                fields=["user", "reply"],
                condition=Q(reply__isnull=False),
                name="one_vote_per_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} found {self.thread_id or self.reply_id} helpful"


class Flag(models.Model):
    """A member reports a thread or reply to the group's moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        JOB_POSTING = "job_posting", _("Job posting")
        OFF_TOPIC = "off_topic", _("Off-topic")
        ABUSIVE = "abusive", _("Abusive")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="flag_one_target"),
            models.UniqueConstraint(
                fields=["reporter", "thread"],
                condition=Q(thread__isnull=False),
                name="one_flag_per_thread",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(reply__isnull=False),
                name="one_flag_per_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag by {self.reporter_id}"
