"""Demo members for ``seed_demo`` (home app): bulk inserts, one password hash shared by all.

The demo identities live here, on the ground floor, so that every app's seeding can read them.
"""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from portal.models import User

DEMO_PASSWORD = "partner-portal-demo"  # noqa: S105 - documented demo credential
DEMO_STAFF_EMAIL = "staff@example.com"
DEMO_MEMBER_EMAIL = "member@example.com"
JOB_TITLES = [
    "Solutions Architect",
    "Partner Manager",
    "Sales Engineer",
    "CTO",
    "Cloud Consultant",
    "Practice Lead",
    "Account Executive",
    "Security Specialist",
    "Data Engineer",
    "Founder",
]
TIME_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Singapore",
    "Europe/London",
    "UTC",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
]

Progress = Callable[[int, int], None]


@transaction.atomic
def seed_members(
    *, count: int, faker: Faker, progress: Progress, batch_size: int = 1000
) -> list[User]:
    """Create the two well-known demo accounts plus ``count`` members with verified emails."""
    password = make_password(DEMO_PASSWORD)
    created: list[User] = []
    for email, is_staff, name in [
        (DEMO_STAFF_EMAIL, True, "Program Staff"),
        (DEMO_MEMBER_EMAIL, False, "Demo Member"),
    ]:
        user, was_created = User.objects.get_or_create(
            email=email,
            defaults={
                "password": password,
                "is_staff": is_staff,
                "is_superuser": is_staff,
                "display_name": name,
                "job_title": "Partner Program" if is_staff else "Partner Manager",
            },
        )
        if was_created:
            created.append(user)
    existing = set(User.objects.values_list("email", flat=True))
    done = 0
    while done < count:
        batch = []
        for _ in range(min(batch_size, count - done)):
            email = faker.unique.email()
            while email in existing:
                email = faker.unique.email()
            existing.add(email)
            batch.append(
                User(
                    email=email,
                    password=password,
                    display_name=faker.name(),
                    job_title=faker.random_element(JOB_TITLES),
                    time_zone=faker.random_element(TIME_ZONES),
                )
            )
        created.extend(User.objects.bulk_create(batch))
        done += len(batch)
        progress(done, count)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in created
        ],
        ignore_conflicts=True,
    )
    return list(User.objects.filter(is_staff=False).order_by("id"))


def demo_data_exists() -> bool:
    """True once the well-known demo accounts exist."""
    return User.objects.filter(email=DEMO_STAFF_EMAIL).exists()
