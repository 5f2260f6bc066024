import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from portal.models import User
from portal.seeding import DEMO_MEMBER_EMAIL, DEMO_STAFF_EMAIL
from tests.smoke import urlwalk


@pytest.fixture(scope="module")
def demo_values(django_db_setup, django_db_blocker):
    """The demo data of ``seed_demo`` (default sizes), made once per module and rolled back
    after it, so the rest of the suite never sees it; tasks queued after commit run at once,
    as they would with the embedded default."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", verbosity=0, stdout=io.StringIO())
            urlwalk.add_rows_the_demo_lacks()
        yield urlwalk.demo_values()
        transaction.set_rollback(True)


@pytest.fixture
def as_role(client, demo_values):
    """A test client signed in as the demo member or staff (or a visitor): ``as_role(role)``."""

    def sign_in(role: str):
        email = {"member": DEMO_MEMBER_EMAIL, "staff": DEMO_STAFF_EMAIL}.get(role)
        if email:
            client.force_login(User.objects.get(email=email))
        return client

    return sign_in
