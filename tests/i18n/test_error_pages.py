"""Error pages, refusals and the API's error messages speak the reader's language, and the
notice that sends program staff to enrol in two-factor authentication does too."""

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import FindPartnerRequest
from tests.collaboration.factories import FindPartnerRequestFactory, person_of
from tests.directory.factories import CompanyFactory
from tests.factories import UserFactory
from tests.groups.factories import ThreadFactory

pytestmark = pytest.mark.django_db
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def test_a_missing_page_in_german(client):
    response = client.get("/groups/no-such-group/", **GERMAN)

    assert response.status_code == 404
    assert "Diese Seite haben wir nicht gefunden" in response.content.decode()


def test_a_refusal_says_why_in_the_readers_language(client):
    partner_request = FindPartnerRequestFactory(company=CompanyFactory())
    outsider = person_of(CompanyFactory(), display_name="Otto", language="de")
    client.force_login(outsider)

    response = client.post(
        reverse("collaboration:close", kwargs={"request_id": partner_request.pk}),
        {"awarded_to": ""},
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Das können Sie hier nicht tun" in page
    assert "Nur Personen des Unternehmens, das die Partnersuche gestellt hat" in page
    partner_request.refresh_from_db()
    assert partner_request.status == FindPartnerRequest.Status.OPEN


def test_an_expired_form_gets_the_portals_page_in_french():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/i18n/setlang/", {"language": "de"}, HTTP_ACCEPT_LANGUAGE="fr")

    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="fr">' in page
    assert "Le formulaire a expiré" in page
    assert "Rien n’a été enregistré." in page


def test_a_nul_character_is_refused_in_japanese(client):
    response = client.get("/directory/?q=a%00b", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 400
    assert "NUL 文字（%00）が含まれています" in response.content.decode()


def test_a_bad_page_number_is_refused_in_german(client):
    response = client.get("/groups/?page=zero", **GERMAN)

    assert response.status_code == 400
    assert "Die Seite muss eine ganze Zahl ab 1 sein." in response.content.decode()


def test_posting_too_fast_is_refused_in_german(client):
    thread = ThreadFactory()
    member = UserFactory(language="de")
    thread.group.memberships.create(user=member)
    client.force_login(member)
    url = reverse("groups:reply", args=[thread.group.slug, thread.pk])
    # Ten replies a minute in fixed windows: posting on until refused, even across a window's end.
    answers = (client.post(url, {"body_markdown": f"Antwort {n}"}) for n in range(25))
    refused = next(answer for answer in answers if answer.status_code != 302)

    assert refused.status_code == 429
    assert "Sie tun das zu oft." in refused.content.decode()


def test_the_api_explains_a_bad_search_in_the_requests_language(client):
    response = client.get("/api/v1/partners/?sort=sideways", **GERMAN)

    assert response.status_code == 400
    assert response.json()["detail"] == "Ungültige Suchparameter."


def test_the_api_says_a_partner_is_missing_in_the_requests_language(client):
    response = client.get("/api/v1/partners/no-such-partner/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    assert response.json()["detail"] == "Aucune entreprise ne correspond à la requête."


def test_staff_who_must_enrol_are_told_why_in_their_language(client):
    client.force_login(UserFactory(is_staff=True, mfa_enrolled=False, language="ja"))

    page = client.get(reverse("mfa_index")).content.decode()

    assert "ポータルでのあなたの役割では二要素認証が必要です。" in page


def test_country_names_in_forms_are_in_the_readers_language(client):
    member = person_of(CompanyFactory(), display_name="Anna", language="de")
    client.force_login(member)

    page = client.get("/collaborate/requests/new/").content.decode()

    assert ">Deutschland<" in page
    assert ">Österreich<" in page
    assert ">Germany<" not in page
