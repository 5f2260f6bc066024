"""Collaboration, deal registration, moderation and analytics speak the reader's language:
the headings, the form labels and the status words, with the English text unchanged."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "/collaborate/": {
        "en": "Filter requests",
        "de": "Anfragen filtern",
        "fr": "Filtrer les demandes",
        "ja": "募集を絞り込む",
    },
    "/deals/review/": {
        "en": "Deal registration review",
        "de": "Prüfung der Deal-Registrierungen",
        "fr": "Validation des enregistrements d’affaires",
        "ja": "商談登録の審査",
    },
    "/moderation/watched-words/": {
        "en": "Watch this word",
        "de": "Dieses Wort überwachen",
        "fr": "Surveiller ce mot",
        "ja": "この語句を監視",
    },
    "/analytics/": {
        "en": "Program analytics",
        "de": "Programmanalyse",
        "fr": "Analyses du programme",
        "ja": "プログラム分析",
    },
    "/analytics/scorecards/": {
        "en": "League table",
        "de": "Rangliste",
        "fr": "Classement",
        "ja": "ランキング表",
    },
}


@pytest.mark.parametrize("language", ["en", "de", "fr", "ja"])
@pytest.mark.parametrize("url", list(PAGES))
def test_staff_pages_are_in_the_profile_language(client, url, language):
    client.force_login(UserFactory(is_staff=True, language=language))

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert PAGES[url][language] in page


def test_analytics_filters_and_breakdown_are_labelled_in_german(client):
    client.force_login(UserFactory(is_staff=True, language="de"))

    page = client.get("/analytics/", {"breakdown": "tier", "period": "month"}).content.decode()

    assert "Aufschlüsseln nach" in page
    assert "Nach Partnerstufe" in page
    assert "Trichter pro Monat" in page
