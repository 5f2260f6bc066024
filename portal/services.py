from django.db import transaction

from portal.models import User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, job_title: str, time_zone: str) -> User:
    """Save the member's own profile fields."""
    user.display_name = display_name
    user.job_title = job_title
    user.time_zone = time_zone
    user.full_clean()
    user.save(update_fields=["display_name", "job_title", "time_zone"])
    return user
