"""Two program staff approving two companies' registrations for one customer at the same moment,
on two real PostgreSQL connections: exactly one approval stands."""

import threading

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from deals import services
from deals.models import DealRegistration, DealStatus
from tests.deals.factories import DealRegistrationFactory
from tests.directory.factories import CompanyFactory
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_for_one_customer_end_in_exactly_one():
    assert connection.vendor == "postgresql"
    staff = UserFactory(is_staff=True)
    rows = [
        DealRegistrationFactory(
            company=CompanyFactory(), customer_domain=domain, status=DealStatus.SUBMITTED
        )
        for domain in ("acme.co.uk", "sales.acme.co.uk")
    ]
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(registration: DealRegistration) -> None:
        try:
            start.wait(timeout=10)
            services.deal_approve(registration=registration, staff=staff)
            outcomes[registration.pk] = "approved"
        except ValidationError as error:
            outcomes[registration.pk] = " ".join(error.messages)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=approve, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == sorted(["approved", services.ALREADY_APPROVED])
    assert DealRegistration.objects.filter(status=DealStatus.APPROVED).count() == 1
    assert DealRegistration.objects.filter(status=DealStatus.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_approval_that_loses_the_race_at_the_unique_index_gets_the_message():
    """The other approval is written but not committed when this one checks, so only the
    database's partial unique index can stop it: this one waits on the index, then fails
    cleanly once the other commits."""
    staff = UserFactory(is_staff=True)
    first, second = (
        DealRegistrationFactory(
            company=CompanyFactory(), customer_domain=domain, status=DealStatus.SUBMITTED
        )
        for domain in ("acme.co.uk", "eu.acme.co.uk")
    )
    outcome: list[str] = []

    def approve_second() -> None:
        try:
            services.deal_approve(registration=second, staff=staff)
            outcome.append("approved")
        except ValidationError as error:
            outcome.append(" ".join(error.messages))
        finally:
            connections.close_all()

    worker = threading.Thread(target=approve_second)
    with transaction.atomic():
        services.deal_approve(registration=first, staff=staff)  # written, not yet committed
        worker.start()
        assert _a_backend_waits_on_a_lock(), "the second approval never reached the index"
    worker.join(timeout=30)

    assert outcome == [services.ALREADY_APPROVED]
    second.refresh_from_db()
    assert second.status == DealStatus.SUBMITTED


def _a_backend_waits_on_a_lock() -> bool:
    """Whether another session of this database waits on a lock (seen from a fresh connection:
    inside a transaction PostgreSQL shows a frozen snapshot of its activity view)."""
    settings = connection.settings_dict
    observer = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )  # fmt: skip
    observer.autocommit = True
    try:
        for _ in range(200):
            with observer.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return True
            threading.Event().wait(0.05)
        return False
    finally:
        observer.close()
