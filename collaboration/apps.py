from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "collaboration"

    def ready(self) -> None:
        from collaboration import signals  # noqa: F401 - connects the publish hook
