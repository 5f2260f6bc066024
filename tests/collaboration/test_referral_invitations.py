"""Redacted referral invitations: until the receiving company accepts, it sees the use case,
industry, country, customer size and value range, never the customer's name or contact, on any
page, list, CSV or email. The referring company and program staff always see everything;
anyone else gets 404. A decline needs a reason; an unanswered invitation is reminded after 3
business days and escalated to staff after 7, each exactly once."""

import csv
import io
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from collaboration import selectors, services
from collaboration.business_days import add_business_days
from collaboration.models import Referral, ReferralEvent
from tests.collaboration.factories import CollaborationFactory, ReferralFactory, person_of
from tests.directory.factories import CompanyFactory, IndustryFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
INDEX_URL = reverse("collaboration:index")
CSV_URL = reverse("collaboration:referrals_csv")
ESCALATED_URL = reverse("collaboration:referrals_escalated")
CUSTOMER = "Globex Retail GmbH"
# What the receiving company must not learn before it accepts (the title, from before these
# invitations, may name the customer too; the exact value is shown only as a range).
SECRETS = [CUSTOMER, "Hank Scorpio", "hank@globex.example", "+49 30 1234567", "50000"]
USE_CASE = "Move a retailer&#x27;s reporting warehouse to the cloud"
VALUE_RANGE = "50,000 – 250,000 EUR"


@pytest.fixture
def collaboration(world):
    return CollaborationFactory(request=world.partner_request, responding_company=world.b)


@pytest.fixture
def referral(collaboration):
    """Bravo (who answered) refers a customer to Acme (who asked), not answered yet."""
    return ReferralFactory(
        collaboration=collaboration,
        title="Globex Retail GmbH: warehouse",
        industry=IndustryFactory(name="Retail"),
    )


def referral_url(referral):
    return reverse("collaboration:referral", kwargs={"referral_id": referral.pk})


def collaboration_url(referral):
    return reverse("collaboration:detail", kwargs={"collaboration_id": referral.collaboration_id})


def accept(referral, world):
    return services.referral_status_change(
        referral=referral, status="accepted", actor=world.a_person, actor_company=world.a
    )


def surfaces(client, referral) -> dict[str, tuple[int, str]]:
    """What one viewer gets from every place that shows the referral."""
    answers = {}
    for name, url in [
        ("page", referral_url(referral)),
        ("list", INDEX_URL),
        ("conversation", collaboration_url(referral)),
        ("csv", CSV_URL),
    ]:
        response = client.get(url)
        answers[name] = (response.status_code, response.content.decode())
    return answers


def assert_sees_everything(answers):
    for name, (status, text) in answers.items():
        assert status == 200, name
        assert CUSTOMER in text, name  # lists name the referral by its title
    for name in ("page", "csv"):
        for secret in SECRETS[:4]:
            assert secret in answers[name][1], (name, secret)
    assert "€50,000.00" in answers["page"][1]
    assert "€50,000.00" in answers["list"][1]


def assert_sees_the_redacted_invitation(answers):
    for name, (status, text) in answers.items():
        assert status == 200, name
        for secret in SECRETS:
            assert secret not in text, (name, secret)
        assert "warehouse" in text, name  # the use case is the invitation's headline
    page = answers["page"][1]
    for fact in (USE_CASE, "Retail", "Germany", "201–1,000 employees", VALUE_RANGE):
        assert fact in page
    assert "Shown once Acme Analytics accepts the referral." in page
    assert VALUE_RANGE in answers["list"][1]


# Visibility matrix ----------------------------------------------------------------------------


def test_referring_company_sees_everything_before_and_after(client, world, referral):
    client.force_login(world.b_person)
    assert_sees_everything(surfaces(client, referral))
    accept(referral, world)
    assert_sees_everything(surfaces(client, referral))


def test_staff_see_everything(client, staff, referral):
    client.force_login(staff)
    answers = surfaces(client, referral)
    assert_sees_everything(answers)


def test_receiving_company_sees_only_the_redacted_invitation_before_accepting(
    client, world, referral
):
    client.force_login(world.a_person)
    assert_sees_the_redacted_invitation(surfaces(client, referral))


def test_receiving_company_sees_the_customer_once_it_accepts(client, world, referral):
    accept(referral, world)
    client.force_login(person_of(world.a))  # any colleague, not only the one who accepted
    assert_sees_everything(surfaces(client, referral))


def test_the_outcome_after_accepting_keeps_the_customer_shown(client, world, referral):
    accept(referral, world)
    services.referral_status_change(
        referral=referral, status="lost", actor=world.a_person, actor_company=world.a
    )
    client.force_login(world.a_person)
    assert_sees_everything(surfaces(client, referral))


def test_a_declined_or_withdrawn_invitation_stays_redacted(client, world, referral, collaboration):
    services.referral_status_change(
        referral=referral,
        status="declined",
        actor=world.a_person,
        actor_company=world.a,
        reason="No capacity",
    )
    withdrawn = ReferralFactory(
        collaboration=collaboration, title="Globex again", industry=referral.industry
    )
    services.referral_status_change(
        referral=withdrawn, status="lost", actor=world.b_person, actor_company=world.b
    )
    client.force_login(world.a_person)
    for shown in (referral, withdrawn):
        assert_sees_the_redacted_invitation(surfaces(client, shown))


@pytest.mark.parametrize("who", ["visitor", "third_company", "member_without_company"])
def test_anyone_else_gets_404_and_finds_it_in_no_list(client, world, referral, who):
    user = {
        "visitor": None,
        "third_company": world.c_person,
        "member_without_company": UserFactory(),
    }[who]
    if user:
        client.force_login(user)
    for url in (referral_url(referral), collaboration_url(referral)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"status": "accepted"}).status_code == 404
    listing = client.get(INDEX_URL).content.decode()
    assert "warehouse" not in listing
    assert CUSTOMER not in listing
    exported = client.get(CSV_URL)
    if user is None:
        assert exported.status_code == 404
    else:
        assert exported.status_code == 200
        assert len(list(csv.reader(io.StringIO(exported.content.decode())))) == 1  # header
    assert client.get(ESCALATED_URL).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED


def test_the_csv_leaves_the_customer_blank_for_the_receiving_company(client, world, referral):
    client.force_login(world.a_person)
    (header, row) = list(csv.reader(io.StringIO(client.get(CSV_URL).content.decode())))
    values = dict(zip(header, row, strict=True))
    assert values["customer"] == values["contact email"] == values["value"] == ""
    assert values["title"] == ""
    assert values["value range"] == "50,000 – 250,000"
    assert values["use case"] == "Move a retailer's reporting warehouse to the cloud"


def test_the_csv_neutralises_formulas(client, world, collaboration):
    ReferralFactory(collaboration=collaboration, customer_name="=HYPERLINK(1)")
    client.force_login(world.b_person)
    assert "'=HYPERLINK(1)" in client.get(CSV_URL).content.decode()


def test_the_selector_card_is_the_redaction(world, referral, staff):
    card = selectors.referral_card(referral=referral, viewer=world.a_person, company=world.a)
    assert card.redacted
    assert (card.customer_name, card.customer_contact_email, card.value, card.title) == (
        None,
        None,
        None,
        None,
    )
    assert card.headline == "Move a retailer's reporting warehouse to the cloud"
    for viewer, company in [(world.b_person, world.b), (staff, None)]:
        card = selectors.referral_card(referral=referral, viewer=viewer, company=company)
        assert not card.redacted
        assert card.customer_name == CUSTOMER


# Emails ---------------------------------------------------------------------------------------


def create(world, collaboration, **fields):
    return services.referral_create(
        created_by=world.b_person,
        from_company=world.b,
        to_company=world.a,
        use_case="Move a retailer's reporting warehouse to the cloud",
        customer_name=CUSTOMER,
        customer_contact_name="Hank Scorpio",
        customer_contact_email="hank@globex.example",
        customer_contact_phone="+49 30 1234567",
        country="DE",
        size_band="201-1000",
        value=50000,
        currency="EUR",
        collaboration=collaboration,
        **fields,
    )


def text_of(message) -> str:
    return message.subject + "\n" + message.body


def test_the_invitation_email_names_no_customer(
    world, collaboration, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = create(world, collaboration)
    assert [m.to for m in mailoutbox] == [[world.a_person.email]]  # Acme's admin
    text = text_of(mailoutbox[0])
    for secret in SECRETS:
        assert secret not in text
    assert "Move a retailer's reporting warehouse to the cloud" in text
    assert "Germany" in text
    assert VALUE_RANGE in text
    assert "Shown once Acme Analytics accepts the referral." in text
    assert referral_url(referral) in text


def test_the_answer_emails_tell_the_referrer_everything_and_the_reason(
    world, collaboration, mailoutbox, django_capture_on_commit_callbacks
):
    referral = create(world, collaboration)
    declined = create(world, collaboration)
    with django_capture_on_commit_callbacks(execute=True):
        accept(referral, world)
        services.referral_status_change(
            referral=declined,
            status="declined",
            actor=world.a_person,
            actor_company=world.a,
            reason="We have no one in Munich until May.",
        )
    accepted_mail, declined_mail = mailoutbox
    assert accepted_mail.to == declined_mail.to == [world.b_person.email]
    assert "Acme Analytics accepted your referral" in accepted_mail.subject
    assert CUSTOMER in accepted_mail.body
    assert "hank@globex.example" in accepted_mail.body
    assert "We have no one in Munich until May." in declined_mail.body


# Decline --------------------------------------------------------------------------------------


def test_a_decline_without_a_reason_is_refused_with_a_message(client, world, referral):
    client.force_login(world.a_person)
    response = client.post(referral_url(referral), {"status": "declined", "reason": "  "})
    assert response.status_code == 400
    assert services.DECLINE_REASON_REQUIRED in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED
    assert referral.events.count() == 0


def test_a_decline_with_a_reason_is_audited_and_shown_to_the_referrer(client, world, referral):
    client.force_login(world.a_person)
    response = client.post(
        referral_url(referral), {"status": "declined", "reason": "Outside our regions."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert referral.decline_reason == "Outside our regions."
    assert referral.responded_at is not None
    event = referral.events.get()
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        world.a_person,
        "proposed",
        "declined",
        "Outside our regions.",
    )
    client.force_login(world.b_person)
    page = client.get(referral_url(referral)).content.decode()
    assert "Outside our regions." in page
    assert "Declined" in page


def test_the_database_refuses_a_decline_without_a_reason(referral):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="declined", decline_reason="")


def test_accepting_is_audited_with_who_and_when(client, world, referral):
    client.force_login(world.a_person)
    response = client.post(referral_url(referral), {"status": "accepted"}, follow=True)
    assert "The customer and their contact are shown below." in response.content.decode()
    assert CUSTOMER in response.content.decode()
    event = ReferralEvent.objects.get(referral=referral)
    assert (event.actor, event.from_status, event.to_status) == (
        world.a_person,
        "proposed",
        "accepted",
    )


# Reminders and escalations --------------------------------------------------------------------

THURSDAY = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)


def test_business_days_skip_the_weekend():
    assert add_business_days(THURSDAY, 3) == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)  # Tue
    assert add_business_days(THURSDAY, 7) == datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # Mon
    saturday = datetime(2026, 11, 7, 15, 0, tzinfo=UTC)
    assert add_business_days(saturday, 3) == datetime(2026, 11, 11, 15, 0, tzinfo=UTC)  # Wed


@override_settings(TIME_ZONE="Europe/Berlin")
def test_business_days_count_in_the_site_time_zone():
    # Friday 23:30 UTC is already Saturday in Berlin: counting starts on Monday there.
    friday_night = datetime(2026, 11, 6, 23, 30, tzinfo=UTC)
    due = add_business_days(friday_night, 3)
    assert due.astimezone(UTC) == datetime(2026, 11, 10, 23, 30, tzinfo=UTC)


@pytest.fixture
def invitation(world, collaboration):
    return create(world, collaboration, now=THURSDAY)


def test_a_reminder_goes_after_3_business_days_once(world, invitation, mailoutbox):
    assert services.referral_reminders_send(now=datetime(2026, 11, 10, 9, 59, tzinfo=UTC)) == 0
    tuesday = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    assert services.referral_reminders_send(now=tuesday) == 1
    assert services.referral_reminders_send(now=tuesday) == 0
    assert services.referral_reminders_send(now=datetime(2026, 12, 1, tzinfo=UTC)) == 0
    (reminder,) = mailoutbox
    assert reminder.to == [world.a_person.email]
    assert reminder.subject.endswith(
        "Reminder: a referral from Bravo Consulting is waiting for your answer"
    )
    for secret in SECRETS:
        assert secret not in text_of(reminder)
    invitation.refresh_from_db()
    assert invitation.reminded_at == tuesday


def test_an_escalation_goes_to_staff_after_7_business_days_once(
    client, world, invitation, staff, mailoutbox
):
    friday = datetime(2026, 11, 13, 23, 0, tzinfo=UTC)
    assert services.referral_escalations_send(now=friday) == 0
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    assert services.referral_escalations_send(now=monday) == 1
    assert services.referral_escalations_send(now=monday) == 0
    (escalation,) = mailoutbox
    assert escalation.to == [staff.email]
    assert CUSTOMER in escalation.body  # staff see everything
    assert ESCALATED_URL in escalation.body
    client.force_login(staff)
    listing = client.get(ESCALATED_URL).content.decode()
    assert "1 invitation still unanswered" in listing
    assert "Bravo Consulting → Acme Analytics" in listing
    client.force_login(world.a_person)
    assert client.get(ESCALATED_URL).status_code == 404


def test_the_beat_task_reminds_and_escalates_what_is_due(world, invitation, staff, mailoutbox):
    from collaboration.tasks import referral_invitations_follow_up

    Referral.objects.filter(pk=invitation.pk).update(
        reminder_due_at=THURSDAY, escalation_due_at=THURSDAY
    )
    assert referral_invitations_follow_up() == {"reminded": 1, "escalated": 1}
    assert referral_invitations_follow_up() == {"reminded": 0, "escalated": 0}
    assert len(mailoutbox) == 2


def test_an_answered_invitation_is_neither_reminded_nor_escalated(world, invitation, mailoutbox):
    accept(invitation, world)
    later = datetime(2026, 12, 1, tzinfo=UTC)
    assert services.referral_reminders_send(now=later) == 0
    assert services.referral_escalations_send(now=later) == 0
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_remind_each_invitation_once():
    referrer, receiver = CompanyFactory(), CompanyFactory()
    person_of(receiver, admin=True)
    for _ in range(12):
        ReferralFactory(
            collaboration=None,
            request=None,
            from_company=referrer,
            to_company=receiver,
            reminder_due_at=THURSDAY,
        )
    later = datetime(2026, 11, 20, tzinfo=UTC)
    results: list[int] = []
    start = threading.Barrier(3)

    def run() -> None:
        start.wait()
        try:
            results.append(services.referral_reminders_send(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 12
    assert len(mail.outbox) == 12
    assert not Referral.objects.filter(reminded_at__isnull=True).exists()


# Query counts ---------------------------------------------------------------------------------


def test_the_receivers_list_costs_the_same_for_1_and_20_referrals(
    client, world, collaboration, django_assert_max_num_queries
):
    ReferralFactory(collaboration=collaboration)
    client.force_login(world.a_person)
    with django_assert_max_num_queries(40) as one:
        assert client.get(INDEX_URL).status_code == 200
    ReferralFactory.create_batch(19, collaboration=collaboration)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(INDEX_URL).content.decode()
    assert page.count(VALUE_RANGE) == 20


def test_the_escalated_list_and_the_csv_cost_the_same_for_1_and_25_rows(
    client, staff, collaboration, django_assert_max_num_queries
):
    ReferralFactory(collaboration=collaboration, escalated_at=THURSDAY)
    client.force_login(staff)
    with django_assert_max_num_queries(40) as listing_one:
        assert client.get(ESCALATED_URL).status_code == 200
    with django_assert_max_num_queries(40) as csv_one:
        assert client.get(CSV_URL).status_code == 200
    ReferralFactory.create_batch(24, collaboration=collaboration, escalated_at=THURSDAY)
    with django_assert_max_num_queries(len(listing_one.captured_queries)):
        listing = client.get(ESCALATED_URL).content.decode()
    with django_assert_max_num_queries(len(csv_one.captured_queries)):
        exported = client.get(CSV_URL).content.decode()
    assert "25 invitations still unanswered" in listing
    assert len(exported.strip().splitlines()) == 26
