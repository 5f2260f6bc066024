"""seed_demo: every floor's demo data in one command, once."""

import pytest
from django.core.management import call_command

from directory.models import CompanyMembership
from portal.models import User
from tests.factories import mfa_enrol

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_demo_member_a_company_admin(capsys, client):
    call_command("seed_demo", "--companies", "15", "--members", "6", "--threads", "0")
    out = capsys.readouterr().out
    assert "Companies: 15" in out
    demo = User.objects.get(email="member@example.com")
    membership = CompanyMembership.objects.get(user=demo)
    assert (membership.status, membership.role) == ("approved", "admin")
    client.force_login(demo)
    # A company admin must set up two-factor authentication first (the demo leaves it to them).
    assert client.get(f"/directory/{membership.company.slug}/edit/").url == "/accounts/2fa/"
    mfa_enrol(demo)
    assert client.get(f"/directory/{membership.company.slug}/edit/").status_code == 200


def test_seed_demo_if_empty_leaves_existing_demo_data_alone(capsys):
    sizes = ("--companies", "2", "--members", "2", "--threads", "0")
    call_command("seed_demo", *sizes)
    users = User.objects.count()
    capsys.readouterr()

    call_command("seed_demo", *sizes, "--if-empty")

    assert "Demo data already present; nothing to do." in capsys.readouterr().out
    assert User.objects.count() == users
