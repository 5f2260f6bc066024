from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Partner Portal"

    def ready(self) -> None:
        from portal import (
            mfa,  # noqa: F401 - registers the "staff" role and the MFA_REQUIRED_ROLES check
            signals,  # noqa: F401 - audits allauth.mfa's authenticator changes
        )
