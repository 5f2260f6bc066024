"""Deal registration pages from the outside: who sees what, forms, review, CSV, emails."""

import csv
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals import services
from deals.models import DealRegistration, DealStatus
from tests.collaboration.factories import CollaborationFactory
from tests.deals.factories import DealRegistrationFactory
from tests.directory.factories import CompetencyFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def detail_url(registration) -> str:
    return reverse("deals:detail", kwargs={"registration_id": registration.pk})


# --- visibility matrix --------------------------------------------------------------------

ROLES = ("visitor", "no_company", "own", "other", "staff")


@pytest.fixture
def as_role(client, world, staff):
    def sign_in(role: str):
        user = {
            "visitor": None,
            "no_company": UserFactory(),
            "own": world.a_person,
            "other": world.b_person,
            "staff": staff,
        }[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


# What each role gets on the company's pages: 200, 404, or the sign-in page (302).
MATRIX = {
    "detail": {"visitor": 404, "no_company": 404, "own": 200, "other": 404, "staff": 200},
    "edit": {"visitor": 302, "no_company": 404, "own": 200, "other": 404, "staff": 404},
    "list": {"visitor": 302, "no_company": 404, "own": 200, "other": 200, "staff": 404},
    "create": {"visitor": 302, "no_company": 404, "own": 200, "other": 200, "staff": 404},
    "review": {"visitor": 302, "no_company": 404, "own": 404, "other": 404, "staff": 200},
    "export": {"visitor": 302, "no_company": 404, "own": 200, "other": 200, "staff": 200},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(MATRIX))
def test_visibility_matrix(as_role, draft_for, page, role):
    registration = draft_for(customer_name="Secret Customer")
    url = {
        "detail": detail_url(registration),
        "edit": reverse("deals:edit", kwargs={"registration_id": registration.pk}),
        "list": reverse("deals:list"),
        "create": reverse("deals:create"),
        "review": reverse("deals:review"),
        "export": reverse("deals:export"),
    }[page]
    response = as_role(role).get(url)
    assert response.status_code == MATRIX[page][role]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
    shows_it = role in ("own", "staff") and page in ("detail", "edit", "list", "export")
    assert ("Secret Customer" in response.content.decode()) == (
        shows_it and response.status_code == 200
    )


@pytest.mark.parametrize("role", ["visitor", "no_company", "other"])
@pytest.mark.parametrize("action", ["submit", "close", "extend"])
def test_nobody_outside_can_act_on_a_registration(as_role, draft_for, role, action):
    registration = draft_for()
    response = as_role(role).post(
        reverse(f"deals:{action}", kwargs={"registration_id": registration.pk}),
        {"outcome": "won", "days": 5, "reason": "x"},
    )
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
    registration.refresh_from_db()
    assert registration.status == DealStatus.DRAFT


def test_a_partner_cannot_extend_its_own_protection(as_role, world, draft_for, staff):
    registration = services.deal_approve(
        registration=services.deal_submit(registration=draft_for(), actor=world.a_person),
        staff=staff,
    )
    end = registration.protected_until
    response = as_role("own").post(
        reverse("deals:extend", kwargs={"registration_id": registration.pk}),
        {"days": 30, "reason": "please"},
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.protected_until == end


def test_the_main_navigation_offers_deals_to_a_companys_people_and_staff(as_role, world, staff):
    def nav(role):
        page = as_role(role).get(reverse("groups:list")).content.decode()
        return page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]

    assert f'href="{reverse("deals:list")}"' in nav("own")
    assert f'href="{reverse("deals:review")}"' in nav("staff")
    assert "/deals/" not in nav("no_company")
    assert "/deals/" not in nav("visitor")


def test_a_submitted_registration_is_no_longer_editable(client, world, draft_for):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    client.force_login(world.a_person)
    response = client.get(reverse("deals:edit", kwargs={"registration_id": registration.pk}))
    assert response.status_code == 302
    assert response["Location"] == detail_url(registration)


# --- a member's flow ----------------------------------------------------------------------


def test_member_registers_and_submits_a_deal(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.a_person)
    response = client.post(
        reverse("deals:create"),
        {
            "customer_name": "Northwind GmbH",
            "customer_domain": "https://shop.northwind.de/",
            "country": "DE",
            "competencies": [world.competency.pk],
            "value": "250000",
            "currency": "EUR",
        },
    )
    registration = DealRegistration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(registration)
    assert registration.customer_registrable_domain == "northwind.de"
    assert registration.created_by == world.a_person
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deals:submit", kwargs={"registration_id": registration.pk}), follow=True
        )
    assert "Submitted to the program team." in response.content.decode()
    assert "Deal registration received: Northwind GmbH" in mailoutbox[0].subject


def test_bad_input_answers_400_and_keeps_what_was_typed(client, world):
    client.force_login(world.a_person)
    response = client.post(
        reverse("deals:create"),
        {"customer_name": "Keep Me", "customer_domain": "co.uk", "country": "GB",
         "competencies": [world.competency.pk], "value": "10", "currency": "EUR"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "is a public suffix" in page
    assert 'value="Keep Me"' in page
    assert not DealRegistration.objects.exists()


def test_a_registration_opened_from_a_collaboration_is_sourced(client, world):
    collaboration = CollaborationFactory(requesting_company=world.b, responding_company=world.a)
    client.force_login(world.a_person)
    url = reverse("deals:create") + f"?collaboration={collaboration.pk}"
    assert collaboration.subject in client.get(url).content.decode()
    client.post(
        url,
        {"customer_name": "Fabrikam", "customer_domain": "fabrikam.com", "country": "US",
         "competencies": [world.competency.pk], "value": "10", "currency": "USD"},
    )  # fmt: skip
    assert DealRegistration.objects.get().source_collaboration == collaboration


def test_a_source_the_member_cannot_see_is_404(client, world):
    collaboration = CollaborationFactory()  # between two other companies
    client.force_login(world.a_person)
    assert (
        client.get(reverse("deals:create") + f"?collaboration={collaboration.pk}").status_code
        == 404
    )
    assert client.get(reverse("deals:create") + "?thread=abc").status_code == 404


def test_the_submitter_learns_of_a_conflict_but_never_whose(
    client, world, draft_for, mailoutbox, django_capture_on_commit_callbacks
):
    theirs = draft_for(world.b, world.b_person, customer_domain="acme.co.uk")
    services.deal_submit(registration=theirs, actor=world.b_person)
    ours = draft_for(customer_name="ACME Inc.", customer_domain="sales.acme.co.uk")
    client.force_login(world.a_person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deals:submit", kwargs={"registration_id": ours.pk}), follow=True
        )
    page = response.content.decode()
    assert services.CONFLICT_NOTICE in page
    assert world.b.name not in page
    mail = mailoutbox[-1]
    assert services.CONFLICT_NOTICE in mail.body
    assert world.b.name not in mail.body


def test_the_partner_sees_the_rejection_reason(client, world, draft_for, staff):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    services.deal_reject(registration=registration, staff=staff, reason="Already a direct deal.")
    client.force_login(world.a_person)
    page = client.get(detail_url(registration)).content.decode()
    assert "Already a direct deal." in page
    assert "Program Staff" not in page  # staff act as "the program team"


def test_every_decision_is_emailed_to_the_registrant_and_company_admins(
    world, draft_for, staff, mailoutbox, django_capture_on_commit_callbacks
):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(registration=registration, staff=staff)
        services.deal_extend(registration=registration, staff=staff, days=7, reason="Budget")
        services.deal_close(registration=registration, actor=staff, outcome="lost")
    assert [mail.subject.split("] ")[-1] for mail in mailoutbox] == [
        "Deal registration approved: Acme Inc",
        "Deal registration protection extended: Acme Inc",
        "Deal registration marked lost: Acme Inc",
    ]
    assert all(sorted(mail.to) == sorted([world.a_person.email, world.a_admin.email])
               for mail in mailoutbox)  # fmt: skip
    assert "Reason: Budget" in mailoutbox[1].body
    assert detail_url(registration) in mailoutbox[0].body


def test_an_email_queued_in_a_rolled_back_decision_never_goes(
    world, draft_for, staff, mailoutbox, django_capture_on_commit_callbacks
):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    mailoutbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        services.deal_reject(registration=registration, staff=staff, reason="No")
        raise ValueError
    assert mailoutbox == []


# --- staff review -------------------------------------------------------------------------


def test_staff_see_conflicting_registrations_side_by_side_oldest_first(
    staff_client, world, draft_for
):
    lone = services.deal_submit(
        registration=draft_for(customer_name="Lone", customer_domain="lone.org"),
        actor=world.a_person,
    )
    theirs = services.deal_submit(
        registration=draft_for(world.b, world.b_person, customer_domain="acme.co.uk"),
        actor=world.b_person,
    )
    ours = services.deal_submit(
        registration=draft_for(customer_domain="www.acme.co.uk"), actor=world.a_person
    )
    response = staff_client.get(reverse("deals:review"))
    groups = response.context["groups"]
    assert [[row.pk for row in group.registrations] for group in groups] == [
        [lone.pk],
        [theirs.pk, ours.pk],
    ]
    assert [group.is_conflict for group in groups] == [False, True]
    page = response.content.decode()
    assert "Conflict: 2 registrations for the same customer" in page
    assert world.a.name in page and world.b.name in page


def test_staff_filter_the_queue_by_country_and_competency_in_the_url(
    staff_client, world, draft_for
):
    iot = CompetencyFactory(name="IoT", slug="iot")
    german = services.deal_submit(
        registration=draft_for(country="DE", customer_domain="germany.com"), actor=world.a_person
    )
    services.deal_submit(
        registration=draft_for(country="FR", customer_domain="france.com", customer_name="Fr"),
        actor=world.a_person,
    )
    iot_deal = services.deal_submit(
        registration=draft_for(country="DE", customer_domain="iot.com", customer_name="Iot",
                               competencies=[iot]),
        actor=world.a_person,
    )  # fmt: skip

    def ids(query):
        response = staff_client.get(reverse("deals:review") + query)
        return [row.pk for group in response.context["groups"] for row in group.registrations]

    assert ids("?country=DE") == [german.pk, iot_deal.pk]
    assert ids("?country=DE&competency=iot") == [iot_deal.pk]
    assert staff_client.get(reverse("deals:review") + "?competency=nope").status_code == 400


def test_staff_bulk_reject_needs_a_reason(staff_client, world, draft_for):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    response = staff_client.post(
        reverse("deals:review"), {"decision": "reject", "registrations": [registration.pk]}
    )
    assert response.status_code == 400
    assert services.REASON_REQUIRED in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == DealStatus.SUBMITTED


def test_staff_bulk_approve_approves_one_of_a_conflict_and_says_why_not_the_other(
    staff_client, world, draft_for
):
    first = services.deal_submit(registration=draft_for(), actor=world.a_person)
    second = services.deal_submit(
        registration=draft_for(world.b, world.b_person), actor=world.b_person
    )
    response = staff_client.post(
        reverse("deals:review"),
        {"decision": "approve", "registrations": [first.pk, second.pk], "reason": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "1 registration approved." in page
    assert f"Registration #{second.pk}: {services.ALREADY_APPROVED}" in page
    assert DealRegistration.objects.get(pk=first.pk).status == DealStatus.APPROVED


# --- CSV ----------------------------------------------------------------------------------


def test_csv_export_holds_own_rows_only_and_neutralises_formulas(client, world, draft_for):
    draft_for(customer_name='=HYPERLINK("http://x")')
    draft_for(world.b, world.b_person, customer_name="Not Ours", customer_domain="b.com")
    client.force_login(world.a_person)
    response = client.get(reverse("deals:export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "company", "customer"]
    assert [row[2] for row in rows[1:]] == ['\'=HYPERLINK("http://x")']


# --- query counts -------------------------------------------------------------------------


def _many(world, count):
    for index in range(count):
        DealRegistrationFactory(
            company=world.a,
            status=DealStatus.SUBMITTED,
            submitted_at=timezone.now(),
            customer_domain=f"c{index}-{count}.com",
            competencies=[world.competency],
        )


@pytest.mark.parametrize("page", ["list", "review", "export"])
def test_list_pages_run_a_fixed_number_of_queries(client, world, staff, page):
    viewer = staff if page != "list" else world.a_person
    client.force_login(viewer)
    url = reverse(f"deals:{page}")
    counts = []
    for size in (1, 30):
        DealRegistration.objects.all().delete()
        _many(world, size)
        client.get(url)  # warms the per-member answers the navigation caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "€120,000.00"),
        ("de", "120.000,00\u00a0€"),
        ("fr", "120\u202f000,00\u00a0€"),
        ("ja", "€120,000.00"),
    ],
)
def test_a_deals_value_reads_as_the_members_language_writes_money(
    client, world, draft_for, language, written
):
    registration = draft_for()
    client.force_login(world.a_person)

    detail = client.get(detail_url(registration), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    listing = client.get(reverse("deals:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert written in detail and written in listing
    assert "120000.00 EUR" not in detail
