"""Single sign-on: a partner company's identity provider (OpenID Connect or SAML 2.0), and its
audit trail.

The provider's details live in allauth's SocialApp (one per connection, provider
"openid_connect" or "saml", provider_id ``company-<pk>``; a SAML app's client_id is that same
slug, which allauth puts in its SAML URLs); allauth signs people in with it only once program
staff approved the connection (``sso.adapters.SocialAccountAdapter.list_apps``).
"""

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import ClaimedDomain, Company

PROVIDER = "openid_connect"
SAML_PROVIDER = "saml"


class IdentityProviderConnection(models.Model):
    """A company's identity provider, requested by one of its admins and decided by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for program staff")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="identity_provider"
    )
    app = models.OneToOneField(SocialApp, on_delete=models.PROTECT, related_name="connection")
    domains = models.ManyToManyField(ClaimedDomain, related_name="identity_providers")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Switched off by the company's admin once the connection is approved (see docs/sso.md).
    password_sign_in = models.BooleanField(default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # Password sign-in can only be off behind an approved identity provider.
            models.CheckConstraint(
                condition=models.Q(password_sign_in=True) | models.Q(status="approved"),
                name="sso_password_off_only_when_approved",
            ),
        ]
        indexes = [
            models.Index(
                fields=["requested_at"],
                name="sso_connection_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} identity provider ({self.status})"

    @property
    def is_saml(self) -> bool:
        return self.app.provider == SAML_PROVIDER

    @property
    def protocol_display(self) -> str:
        return _("SAML 2.0") if self.is_saml else _("OpenID Connect")

    @property
    def issuer(self) -> str:
        """The OpenID Connect issuer URL, or the SAML identity provider's entity ID."""
        if self.is_saml:
            return self.saml_idp.get("entity_id", "")
        return self.app.settings.get("server_url", "")

    @property
    def saml_idp(self) -> dict:
        """The SAML identity provider's entity_id, sso_url and x509cert (empty for OIDC)."""
        return self.app.settings.get("idp", {}) if self.is_saml else {}

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ConnectionLog(models.Model):
    """Audit trail: who requested, changed, approved or rejected a connection, and when."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Connection requested")
        APPROVED = "approved", _("Connection approved")
        REJECTED = "rejected", _("Connection rejected")
        PASSWORD_OFF = "password_off", _("Password sign-in switched off")
        PASSWORD_ON = "password_on", _("Password sign-in switched on")

    connection = models.ForeignKey(
        IdentityProviderConnection, on_delete=models.CASCADE, related_name="log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.detail}"
