from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Program analytics and partner scorecards"

    def ready(self) -> None:
        from analytics import signals  # noqa: F401 - rebuilds a day's rollup on a deal decision
