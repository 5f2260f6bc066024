"""Deal registration rules: drafts, submit with conflicts, decisions, audit rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deals import services
from deals.models import DealRegistration, DealRegistrationEvent, DealStatus
from tests.collaboration.factories import CollaborationFactory
from tests.deals.factories import DealRegistrationFactory

pytestmark = pytest.mark.django_db


def submitted(registration, person):
    return services.deal_submit(registration=registration, actor=person)


def test_a_draft_stores_the_customer_keys(draft_for):
    registration = draft_for(
        customer_name="ACME, Inc.", customer_domain="https://Sales.Acme.co.uk/"
    )
    assert registration.status == DealStatus.DRAFT
    assert registration.customer_domain == "sales.acme.co.uk"
    assert registration.customer_registrable_domain == "acme.co.uk"
    assert registration.customer_name_key == "acme"


def test_a_public_suffix_is_refused_as_customer_domain(draft_for):
    with pytest.raises(ValidationError) as error:
        draft_for(customer_domain="co.uk")
    assert error.value.message_dict["customer_domain"] == [
        "co.uk is a public suffix, not a customer's domain: enter e.g. acme.co.uk."
    ]


def test_negative_value_and_past_close_date_are_refused(draft_for):
    with pytest.raises(ValidationError) as error:
        draft_for(value=Decimal("-1"), expected_close_date=timezone.localdate() - timedelta(days=1))
    assert error.value.message_dict["value"] == [services.NEGATIVE_VALUE]
    assert error.value.message_dict["expected_close_date"] == [services.CLOSE_DATE_PAST]


def test_editing_a_draft_keeps_the_community_item_it_came_from(world, draft_for):
    collaboration = CollaborationFactory(requesting_company=world.b, responding_company=world.a)
    registration = draft_for(source_collaboration=collaboration)
    assert registration.is_sourced
    services.deal_update(
        registration=registration,
        editor=world.a_person,
        customer_name="Acme Holdings",
        customer_domain="acme-holdings.com",
        country="FR",
        competencies=[world.competency],
        value=Decimal("5"),
        currency="USD",
    )
    registration.refresh_from_db()
    assert registration.source_collaboration == collaboration
    assert registration.source_request == collaboration.request
    assert registration.customer_registrable_domain == "acme-holdings.com"
    assert DealRegistration.objects.sourced().filter(pk=registration.pk).exists()


def test_only_a_draft_can_be_edited(world, draft_for):
    registration = submitted(draft_for(), world.a_person)
    with pytest.raises(ValidationError) as error:
        services.deal_update(
            registration=registration,
            editor=world.a_person,
            customer_name="x",
            customer_domain="x.com",
            country="FR",
            competencies=[world.competency],
            value=Decimal("5"),
            currency="USD",
        )
    assert error.value.messages == ["Only a draft can be edited; this registration is “Submitted”."]


def test_submit_without_competitor_is_no_conflict(world, draft_for):
    registration = submitted(draft_for(), world.a_person)
    assert registration.status == DealStatus.SUBMITTED
    assert registration.submitted_at is not None
    assert not registration.has_conflict


@pytest.mark.parametrize(
    ("other_name", "other_domain"),
    [
        ("Completely Different", "www.acme.co.uk"),  # same registrable domain
        ("Ácme GmbH", "acme-group.de"),  # same normalized name
    ],
)
def test_submit_flags_another_companys_active_registration_for_the_same_customer(
    world, draft_for, other_name, other_domain
):
    theirs = submitted(
        draft_for(world.b, world.b_person, customer_name=other_name, customer_domain=other_domain),
        world.b_person,
    )
    ours = submitted(
        draft_for(customer_name="ACME, Inc.", customer_domain="sales.acme.co.uk"), world.a_person
    )
    assert ours.has_conflict
    theirs.refresh_from_db()
    assert theirs.has_conflict


def test_own_company_and_inactive_registrations_are_no_conflict(world, draft_for):
    submitted(draft_for(), world.a_person)  # our own earlier one
    DealRegistrationFactory(company=world.b, customer_domain="acme.co.uk", status="rejected",
                            rejection_reason="no")  # fmt: skip
    DealRegistrationFactory(company=world.b, customer_domain="acme.co.uk")  # a draft
    DealRegistrationFactory(
        company=world.b,
        customer_domain="acme.co.uk",
        status=DealStatus.APPROVED,
        approved_at=timezone.now() - timedelta(days=100),
        protected_until=timezone.now() - timedelta(minutes=1),  # lapsed, not flipped yet
    )
    registration = submitted(draft_for(), world.a_person)
    assert not registration.has_conflict


def test_approval_protects_the_customer_for_the_configured_period(
    world, draft_for, staff, settings
):
    settings.DEAL_PROTECTION_DAYS = 30
    registration = submitted(draft_for(), world.a_person)
    before = timezone.now()
    registration = services.deal_approve(registration=registration, staff=staff)
    assert registration.status == DealStatus.APPROVED
    assert before + timedelta(days=30) <= registration.protected_until
    assert registration.protected_until <= timezone.now() + timedelta(days=30)


def test_a_second_approval_for_the_same_customer_domain_fails_with_a_message(
    world, draft_for, staff
):
    ours = submitted(draft_for(customer_domain="acme.co.uk"), world.a_person)
    theirs = submitted(
        draft_for(world.b, world.b_person, customer_domain="shop.acme.co.uk"), world.b_person
    )
    services.deal_approve(registration=ours, staff=staff)
    with pytest.raises(ValidationError) as error:
        services.deal_approve(registration=theirs, staff=staff)
    assert error.value.messages == [services.ALREADY_APPROVED]
    theirs.refresh_from_db()
    assert theirs.status == DealStatus.SUBMITTED


def test_the_database_refuses_two_approved_registrations_for_one_domain(world):
    now = timezone.now()
    fields = {
        "customer_domain": "acme.co.uk",
        "status": DealStatus.APPROVED,
        "approved_at": now,
        "protected_until": now + timedelta(days=90),
    }
    DealRegistrationFactory(company=world.a, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        DealRegistrationFactory(company=world.b, **fields)


def test_a_lapsed_approval_not_yet_flipped_does_not_block_a_new_one(world, draft_for, staff):
    old = DealRegistrationFactory(
        company=world.b,
        customer_domain="acme.co.uk",
        status=DealStatus.APPROVED,
        approved_at=timezone.now() - timedelta(days=91),
        protected_until=timezone.now() - timedelta(hours=1),
    )
    registration = submitted(draft_for(), world.a_person)
    services.deal_approve(registration=registration, staff=staff)
    old.refresh_from_db()
    assert old.status == DealStatus.EXPIRED


def test_rejection_needs_a_reason_that_the_partner_sees(world, draft_for, staff):
    registration = submitted(draft_for(), world.a_person)
    with pytest.raises(ValidationError) as error:
        services.deal_reject(registration=registration, staff=staff, reason="  ")
    assert error.value.message_dict["reason"] == [services.REASON_REQUIRED]
    services.deal_reject(registration=registration, staff=staff, reason="Customer is direct.")
    registration.refresh_from_db()
    assert registration.status == DealStatus.REJECTED
    assert registration.rejection_reason == "Customer is direct."


def test_every_transition_writes_an_audit_row(world, draft_for, staff):
    registration = draft_for()
    submitted(registration, world.a_person)
    services.deal_approve(registration=registration, staff=staff, reason="Looks fine")
    services.deal_extend(registration=registration, staff=staff, days=10, reason="Slow buyer")
    services.deal_close(registration=registration, actor=world.a_person, outcome=DealStatus.WON)
    rows = list(
        DealRegistrationEvent.objects.filter(registration=registration).values_list(
            "actor__display_name", "kind", "from_status", "to_status", "reason"
        )
    )
    assert rows == [
        ("Ann Alpha", "status", "", "draft", ""),
        ("Ann Alpha", "status", "draft", "submitted", ""),
        ("Program Staff", "status", "submitted", "approved", "Looks fine"),
        ("Program Staff", "extend", "approved", "approved", "Slow buyer"),
        ("Ann Alpha", "status", "approved", "won", ""),
    ]
    registration.refresh_from_db()
    assert registration.closed_at is not None


def test_extension_moves_the_end_date_and_needs_a_reason(world, draft_for, staff):
    registration = services.deal_approve(
        registration=submitted(draft_for(), world.a_person), staff=staff
    )
    end = registration.protected_until
    with pytest.raises(ValidationError) as error:
        services.deal_extend(registration=registration, staff=staff, days=10, reason="")
    assert error.value.message_dict["reason"] == [services.REASON_REQUIRED]
    services.deal_extend(registration=registration, staff=staff, days=10, reason="Board delay")
    registration.refresh_from_db()
    assert registration.protected_until == end + timedelta(days=10)


@pytest.mark.parametrize(
    ("status", "target"),
    [("draft", "approved"), ("draft", "won"), ("submitted", "won"), ("rejected", "approved")],
)
def test_transitions_outside_the_flow_are_refused(world, staff, status, target):
    registration = DealRegistrationFactory(
        company=world.a, status=status, rejection_reason="x" if status == "rejected" else ""
    )
    with pytest.raises(ValidationError) as error:
        if target == "approved":
            services.deal_approve(registration=registration, staff=staff)
        else:
            services.deal_close(registration=registration, actor=staff, outcome=target)
    current, wanted = DealStatus(status).label, DealStatus(target).label
    assert error.value.messages == [f"A registration cannot go from “{current}” to “{wanted}”."]


def test_bulk_decisions_report_what_could_not_be_approved(world, draft_for, staff):
    first = submitted(draft_for(customer_domain="acme.co.uk"), world.a_person)
    second = submitted(
        draft_for(world.b, world.b_person, customer_domain="acme.co.uk"), world.b_person
    )
    third = submitted(draft_for(customer_name="Zeta", customer_domain="zeta.io"), world.a_person)
    done, failed = services.deal_bulk_decide(
        registrations=[first, second, third], staff=staff, decision="approve", reason=""
    )
    assert [row.pk for row in done] == [first.pk, third.pk]
    assert failed == {second.pk: services.ALREADY_APPROVED}


def test_a_registration_needs_a_product_or_competency(draft_for):
    with pytest.raises(ValidationError) as error:
        draft_for(competencies=[])
    assert error.value.message_dict["competencies"] == [services.NO_COMPETENCIES]
