"""Accounts: members sign in by email; the profile lives on the user."""

import functools
import zoneinfo

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@functools.cache
def _time_zones() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, name.replace("_", " ")) for name in zoneinfo.available_timezones()))


def time_zone_choices() -> list[tuple[str, str]]:
    """Every time zone of the installed tz database, as (name, label).

    A callable, so that migrations refer to it instead of freezing a list that changes with
    every tzdata release. (Migrations cannot serialize a cached function, hence the helper.)
    """
    return list(_time_zones())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with a portal account. Email is the login; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, choices=time_zone_choices, default="UTC")
    # Blank: follow the browser (the footer switcher's cookie, then Accept-Language).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """What other members see: the display name, else the part of the email before the @."""
        return self.name_shown(display_name=self.display_name, email=self.email)

    @staticmethod
    def name_shown(*, display_name: str, email: str) -> str:
        """`name` from the two columns, for rows read without a User."""
        return display_name or email.split("@", 1)[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class MfaAuditEntry(models.Model):
    """One change to a person's two-factor authentication: who, what, when and from where.

    Written for every authenticator added or removed, every new set of recovery codes and every
    reset by program staff; never edited afterwards.
    """

    class Action(models.TextChoices):
        ADDED = "added", _("Authenticator added")
        REMOVED = "removed", _("Authenticator removed")
        CODES_REGENERATED = "codes_regenerated", _("Recovery codes regenerated")
        RESET_BY_STAFF = "reset_by_staff", _("Two-factor authentication reset by program staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_audit_entries"
    )
    # Who made the change: the person themselves, or the staff member who reset it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    authenticator_type = models.CharField(
        max_length=20, choices=Authenticator.Type.choices, blank=True
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "MFA audit entries"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="mfa_audit_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="reset_by_staff") | ~models.Q(reason=""),
                name="mfa_audit_reset_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
