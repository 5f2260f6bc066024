"""The demo registrations: every status, a conflict waiting for staff, an audit trail."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from deals.models import DealRegistration, DealStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_months_of_registrations_in_every_status():
    out = io.StringIO()
    call_command("seed_demo", "--companies", "12", "--members", "30", "--threads", "20",
                 stdout=out)  # fmt: skip
    statuses = set(DealRegistration.objects.values_list("status", flat=True))
    assert statuses >= {
        DealStatus.SUBMITTED, DealStatus.APPROVED, DealStatus.REJECTED, DealStatus.WON,
        DealStatus.LOST, DealStatus.EXPIRED,
    }  # fmt: skip
    oldest = DealRegistration.objects.order_by("created_at").first().created_at
    newest = DealRegistration.objects.order_by("-created_at").first().created_at
    assert (newest - oldest).days > 180
    pending_conflicts = (
        DealRegistration.objects.filter(status=DealStatus.SUBMITTED, has_conflict=True)
        .values("customer_registrable_domain")
        .annotate(n=Count("company", distinct=True))
    )
    assert any(row["n"] >= 2 for row in pending_conflicts)
    assert "Deal registrations:" in out.getvalue()
    assert all(row.events.exists() for row in DealRegistration.objects.all())
