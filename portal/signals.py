"""allauth.mfa tells the portal when someone's second factors change: each change is audited.

The emails to the person are allauth's own security notifications (ACCOUNT_EMAIL_NOTIFICATIONS):
authenticator app activated or deactivated, security key added or removed, recovery codes
regenerated. A staff reset is audited and emailed by ``portal.services.mfa_reset``.
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import receiver
from django.http import HttpRequest

from portal.models import MfaAuditEntry, User
from portal.services import mfa_audit_record


def _audit(
    request: HttpRequest, user: User, authenticator: Authenticator, action: MfaAuditEntry.Action
) -> None:
    actor = request.user if request.user.is_authenticated else user
    mfa_audit_record(
        user=user,
        actor=actor,
        action=action,
        authenticator_type=authenticator.type,
        ip_address=get_account_adapter(request).get_client_ip(request),
    )


@receiver(authenticator_added, dispatch_uid="portal_audit_authenticator_added")
def audit_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    _audit(request, user, authenticator, MfaAuditEntry.Action.ADDED)


@receiver(authenticator_removed, dispatch_uid="portal_audit_authenticator_removed")
def audit_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    _audit(request, user, authenticator, MfaAuditEntry.Action.REMOVED)


@receiver(authenticator_reset, dispatch_uid="portal_audit_authenticator_reset")
def audit_recovery_codes_regenerated(sender, request, user, authenticator, **kwargs) -> None:
    _audit(request, user, authenticator, MfaAuditEntry.Action.CODES_REGENERATED)
