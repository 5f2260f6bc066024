from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Partner directory"

    def ready(self) -> None:
        from directory import signals  # noqa: F401 - connects the allauth hooks
        from directory.mfa import company_admin_condition
        from portal.mfa import mfa_role_register

        mfa_role_register("company_admin", company_admin_condition)
