from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from directory.models import CompanyCompetency
from tests.digests.helpers import Sink, free_port
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


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port that keeps what it accepts (``.port``)."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_sink(settings, smtp_server):
    """The SMTP server, as this process's mail backend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return smtp_server
