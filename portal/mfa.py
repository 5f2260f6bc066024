"""Who must use two-factor authentication, and the pages they may reach before enrolling.

``settings.MFA_REQUIRED_ROLES`` names the roles that must enrol. A role is a condition on the
user table registered here by the app that knows it: portal registers ``staff`` (program staff);
directory, a floor above, registers ``company_admin`` in its ``AppConfig.ready()``, so portal
never imports it. The check is one query per signed-in request.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import checks
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

from portal.models import User

# A role's condition on User, as a Q (it may hold Exists subqueries on other apps' tables).
RoleCondition = Callable[[], Q]

_ROLES: dict[str, RoleCondition] = {}

# Authenticators that are a second factor; recovery codes alone are only a fallback.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# What a person who must enrol may still reach: allauth's MFA pages (enrolment, recovery codes,
# reauthentication), signing out, the email pages (allauth refuses MFA for an unverified
# address) and the health check. Static files are served before the middleware (whitenoise).
ENROLMENT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "healthz",
    }
)
ENROLMENT_URL_PREFIX = "mfa_"

ENROLMENT_REQUIRED = gettext_noop(
    "Your role on the portal requires two-factor authentication. Set up an authenticator app "
    "or a security key to continue."
)


def mfa_role_register(name: str, condition: RoleCondition) -> None:
    """Make a role nameable in ``settings.MFA_REQUIRED_ROLES``."""
    _ROLES[name] = condition


def mfa_roles() -> frozenset[str]:
    """The role names registered so far."""
    return frozenset(_ROLES)


def _required_condition() -> Q | None:
    conditions = [_ROLES[name]() for name in settings.MFA_REQUIRED_ROLES]
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def mfa_enrolment_required(user: User) -> bool:
    """True when the user holds a role that must use two-factor authentication and has no
    second factor (authenticator app or security key) yet."""
    if not user.is_authenticated:
        return False
    required = _required_condition()
    if required is None:
        return False
    has_second_factor = Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
    return (
        User.objects.filter(pk=user.pk).filter(required).exclude(Exists(has_second_factor)).exists()
    )


def is_enrolment_page(view_name: str | None) -> bool:
    """Whether a page (by its full URL name) stays reachable for someone who must enrol."""
    return bool(view_name) and (
        view_name.startswith(ENROLMENT_URL_PREFIX) or view_name in ENROLMENT_URL_NAMES
    )


def enrolment_notice(request: HttpRequest) -> dict[str, str]:
    """Context processor: why the page asks to enrol, while the viewer must."""
    if getattr(request, "mfa_enrolment_required", False):
        return {"mfa_enrolment_message": gettext(ENROLMENT_REQUIRED)}
    return {}


mfa_role_register("staff", lambda: Q(is_staff=True))


@checks.register(checks.Tags.security)
def check_required_roles_are_known(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Every role named in MFA_REQUIRED_ROLES must be registered, or nobody would be asked."""
    unknown = sorted(set(settings.MFA_REQUIRED_ROLES) - mfa_roles())
    if not unknown:
        return []
    return [
        checks.Error(
            f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Known roles: {', '.join(sorted(mfa_roles()))}.",
            id="portal.E001",
        )
    ]
