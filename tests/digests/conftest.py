from datetime import UTC, datetime, timedelta

import pytest

from directory.models import CompanyCompetency
from portal.celery import app as celery_app
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CompetencyFactory,
)
from tests.factories import UserFactory

# Monday 23 November 2026, 07:15 UTC: a weekly digest is due for members on UTC.
MONDAY_MORNING = datetime(2026, 11, 23, 7, 15, tzinfo=UTC)


LONG_AGO = MONDAY_MORNING - timedelta(days=400)


def forget_celery_result_backend() -> None:
    """Celery caches its result backend on first use; drop it so a changed setting applies."""
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture(autouse=True)
def _fresh_celery_result_backend():
    """Eager tasks here create the (disabled) result backend; later worker tests need a real one."""
    yield
    forget_celery_result_backend()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests create many members and never sign in with a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def monday() -> datetime:
    return MONDAY_MORNING


@pytest.fixture
def a_week_ago(monday) -> datetime:
    return monday - timedelta(days=7)


@pytest.fixture
def cloud(db):
    return CompetencyFactory(name="Cloud Migration")


@pytest.fixture
def company(cloud):
    company = CompanyFactory(name="Reader Co", hq_country="DE", created_at=LONG_AGO)
    CompanyCompetencyFactory(
        company=company, competency=cloud, status=CompanyCompetency.Status.SELF_DECLARED
    )
    return company


@pytest.fixture
def reader(company):
    """A member of Reader Co (cloud migration, Germany), on UTC, weekly digests by default."""
    user = UserFactory(email="reader@example.com", display_name="Rita Reader")
    CompanyMembershipFactory(company=company, user=user)
    return user
