"""Two program staff approving two companies' registrations for one customer at the same moment,
on two real PostgreSQL connections: exactly one approval stands."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

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
