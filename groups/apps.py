from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class GroupsConfig(AppConfig):
    name = "groups"

    def ready(self) -> None:
        from groups.models import GroupMembership
        from groups.moderator_flag import forget_on_membership_change

        # Cache upkeep, not business logic: the cached "moderates any group" answer.
        for signal in (post_save, post_delete):
            signal.connect(
                forget_on_membership_change,
                sender=GroupMembership,
                dispatch_uid="groups.moderator_flag",
            )
