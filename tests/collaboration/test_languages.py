"""Collaboration emails reach each person in their own language, whoever acted; an error that
names statuses reads as one sentence in the viewer's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from collaboration import services
from groups.models import PostStatus
from groups.services import post_publish
from tests.collaboration.factories import (
    CollaborationFactory,
    FindPartnerRequestFactory,
    ReferralFactory,
    person_of,
)
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompetencyFactory,
)

pytestmark = pytest.mark.django_db


def speaks(person, language):
    person.language = language
    person.save(update_fields=["language"])
    return person


def test_a_german_admin_gets_the_referral_invitation_in_german(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    speaks(world.a_person, "de")
    collaboration = CollaborationFactory(request=world.partner_request, responding_company=world.b)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            created_by=world.b_person,
            from_company=world.b,
            to_company=world.a,
            use_case="Reporting warehouse",
            customer_name="Globex",
            country="DE",
            value=50000,
            currency="EUR",
            collaboration=collaboration,
        )

    (message,) = mailoutbox
    assert message.subject == (
        "[Partner Portal] Bravo Consulting hat Acme Analytics eine Verkaufschance empfohlen"
    )
    assert "Guten Tag Alice Asker," in message.body
    assert "Anwendungsfall: Reporting warehouse" in message.body
    assert "Wert:" in message.body
    assert "Use case" not in message.body
    assert "Globex" not in message.body  # still redacted, in any language


def test_a_japanese_asker_hears_of_a_private_answer_in_japanese(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    speaks(world.a_person, "ja")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        collaboration = services.collaboration_open(
            partner_request=world.partner_request,
            responder=world.b_person,
            responder_company=world.b,
            body="We can help.",
        )

    (message,) = mailoutbox
    assert message.subject == (
        "[Partner Portal] Bob Builderさんがあなたの募集に非公開で回答しました："
        f"{collaboration.subject}"
    )
    assert "Alice Asker 様" in message.body
    assert "Bravo ConsultingのBob Builderさんが、あなたの募集" in message.body
    assert "会話を開く：" in message.body


def test_each_fitting_admin_hears_of_a_request_in_their_own_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    competency = CompetencyFactory(name="Kubernetes", slug="kubernetes")
    german, japanese = CompanyFactory(name="Kube GmbH"), CompanyFactory(name="Kube KK")
    for company in (german, japanese):
        CompanyCompetencyFactory(company=company, competency=competency)
    speaks(person_of(german, admin=True), "de")
    speaks(person_of(japanese, admin=True), "ja")
    partner_request = FindPartnerRequestFactory(
        competencies=[competency], countries=[], thread__status=PostStatus.PENDING
    )

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        post_publish(post=partner_request.thread)

    subjects = sorted(message.subject for message in mailoutbox)
    title = partner_request.thread.title
    assert subjects == [
        f"[Partner Portal] Eine Partnersuche passt zu Kube GmbH: {title}",
        f"[Partner Portal] Kube KKに合うパートナー募集があります：{title}",
    ]


def test_a_refused_status_move_reads_as_one_german_sentence(client, world):
    collaboration = CollaborationFactory(request=world.partner_request, responding_company=world.b)
    referral = ReferralFactory(collaboration=collaboration)
    client.force_login(speaks(world.a_person, "de"))

    response = client.post(
        reverse("collaboration:referral", kwargs={"referral_id": referral.pk}), {"status": "won"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Eine Empfehlung kann nicht von „Vorgeschlagen“ zu „Gewonnen“ wechseln." in page
    assert "cannot go from" not in page
