from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Partner directory"

    def ready(self) -> None:
        from directory import signals  # noqa: F401 - connects the allauth hooks
        from directory.mfa import company_admin_condition
        from portal.mfa import mfa_role_register

        mfa_role_register("company_admin", company_admin_condition)

        from directory.company_flag import forget_on_membership_change
        from directory.models import CompanyMembership

        # Cache upkeep, not business logic: the cached "is one of a company's people" answer.
        for signal in (post_save, post_delete):
            signal.connect(
                forget_on_membership_change,
                sender=CompanyMembership,
                dispatch_uid="directory.company_flag",
            )
