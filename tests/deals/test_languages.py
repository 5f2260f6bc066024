"""Deal emails reach each recipient in their language, one email per language; errors that name
statuses read as whole sentences in the viewer's language."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from deals import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def speaks(person, language):
    person.language = language
    person.save(update_fields=["language"])
    return person


def test_the_decision_goes_to_each_recipient_in_their_language(
    world, draft_for, staff, mailoutbox, django_capture_on_commit_callbacks
):
    speaks(world.a_person, "de")
    speaks(world.a_admin, "ja")
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    mailoutbox.clear()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.deal_reject(registration=registration, staff=staff, reason="Direct deal.")

    by_person = {message.to[0]: message for message in mailoutbox}
    assert [len(message.to) for message in mailoutbox] == [1, 1]
    german, japanese = by_person[world.a_person.email], by_person[world.a_admin.email]
    assert german.subject == "[Partner Portal] Deal-Registrierung abgelehnt: Acme Inc"
    assert (
        "Das Partnerprogramm hat die Deal-Registrierung von Alpha Partners für Acme Inc "
        "abgelehnt." in german.body
    )
    assert "Grund: Direct deal." in german.body
    assert japanese.subject == "[Partner Portal] 商談登録が却下されました：Acme Inc"
    assert "理由：Direct deal." in japanese.body
    assert "Hello" not in german.body + japanese.body


def test_recipients_who_share_a_language_share_one_email(
    world, draft_for, staff, mailoutbox, django_capture_on_commit_callbacks
):
    speaks(world.a_person, "fr")
    speaks(world.a_admin, "fr")
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(registration=registration, staff=staff)

    (message,) = mailoutbox
    assert sorted(message.to) == sorted([world.a_person.email, world.a_admin.email])
    assert message.subject == "[Partner Portal] Enregistrement d’affaire approuvé : Acme Inc"


def test_the_staff_digest_is_written_once_per_language(world, draft_for, mailoutbox):
    for number in range(3):
        UserFactory(email=f"de{number}@vendor.example", is_staff=True, language="de")
    UserFactory(email="ja@vendor.example", is_staff=True, language="ja")
    UserFactory(email="en@vendor.example", is_staff=True, language="")
    services.deal_submit(registration=draft_for(), actor=world.a_person)
    mailoutbox.clear()

    with CaptureQueriesContext(connection) as queries:
        assert services.deals_staff_digest_send() == 1
    with_five_staff = len(queries)

    subjects = {message.to[0][:2]: message.subject for message in mailoutbox}
    assert len(mailoutbox) == 3  # de, ja, en
    assert subjects["de"] == "[Partner Portal] 1 Deal-Registrierung zu prüfen"
    assert subjects["ja"] == "[Partner Portal] 審査待ちの商談登録1件"
    assert subjects["en"] == "[Partner Portal] 1 deal registration to review"
    german = next(message for message in mailoutbox if message.to[0].startswith("de"))
    assert len(german.to) == 3
    assert "Alpha Partners: Acme Inc (acme.co.uk, GB)" in german.body
    assert "übermittelt am" in german.body

    # Ten more German staff cost no query more.
    for number in range(3, 13):
        UserFactory(email=f"de{number}@vendor.example", is_staff=True, language="de")
    services.deal_submit(
        registration=draft_for(customer_domain="initech.com"), actor=world.a_person
    )
    with CaptureQueriesContext(connection) as queries:
        assert services.deals_staff_digest_send() == 1
    assert len(queries) == with_five_staff


def test_a_refused_edit_names_the_status_in_the_viewers_language(world, draft_for):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)

    with pytest.raises(ValidationError) as error:
        services.deal_update(
            registration=registration,
            editor=world.a_person,
            customer_name="Acme Inc",
            customer_domain="acme.co.uk",
            country="GB",
            competencies=[world.competency],
            value=1,
            currency="EUR",
        )

    with translation.override("de"):
        assert error.value.messages == [
            "Nur ein Entwurf kann bearbeitet werden; diese Registrierung hat den Status "
            "„Eingereicht“."
        ]
    with translation.override("fr"):
        assert error.value.messages == [
            "Seul un brouillon peut être modifié ; cet enregistrement est au statut « Soumis »."
        ]
