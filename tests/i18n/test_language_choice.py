"""Which language a page speaks: the member's profile setting, then the switcher's cookie, then
Accept-Language. URLs stay the same in every language."""

import pytest
from django.conf import settings

from directory.facet_cache import facet_cache_invalidate
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SWITCH = "/i18n/setlang/"


def test_accept_language_de_gives_the_german_landing_page(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in page
    assert "Den passenden Partner finden." in page
    assert response["Content-Language"] == "de"


def test_without_a_preference_the_landing_page_stays_english(client):
    page = client.get("/").content.decode()

    assert '<html lang="en">' in page
    assert "Find the right partner. Talk shop. Win deals together." in page


def test_the_profile_setting_beats_accept_language(client):
    client.force_login(UserFactory(language="ja"))

    response = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="de")

    assert '<html lang="ja">' in response.content.decode()
    assert "パートナーディレクトリ" in response.content.decode()


def test_the_footer_switcher_sets_a_visitors_language_and_returns_to_the_same_page(client):
    response = client.post(SWITCH, {"language": "fr", "next": "/directory/?q=cloud"})

    assert response.status_code == 302
    assert response["Location"] == "/directory/?q=cloud"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get("/directory/?q=cloud", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Annuaire des partenaires" in page


def test_the_footer_switcher_saves_a_members_choice_in_the_profile(client):
    member = UserFactory(language="de")
    client.force_login(member)

    response = client.post(SWITCH, {"language": "ja", "next": "/groups/"})

    assert response["Location"] == "/groups/"
    member.refresh_from_db()
    assert member.language == "ja"
    # Signed in from another browser (no cookie), the choice follows the member.
    other_browser = client.__class__()
    other_browser.force_login(member)
    assert '<html lang="ja">' in other_browser.get("/directory/").content.decode()


def test_the_switcher_refuses_an_unknown_language_and_changes_nothing(client):
    member = UserFactory(language="de")
    client.force_login(member)

    response = client.post(SWITCH, {"language": "xx", "next": "/"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "de"


def test_the_switcher_is_a_csrf_protected_post_form_in_the_footer(client):
    page = client.get("/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]

    assert f'<form method="post" action="{SWITCH}"' in footer
    assert 'name="csrfmiddlewaretoken"' in footer
    assert '<option value="ja" lang="ja">日本語</option>' in footer
    assert client.get(SWITCH).status_code == 405


def test_the_language_is_chosen_on_the_profile_page(client):
    member = UserFactory()
    client.force_login(member)

    response = client.post(
        "/accounts/profile/",
        {"display_name": "Anna", "job_title": "", "time_zone": "Europe/Berlin", "language": "de"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "de"


def test_cached_parts_of_the_directory_follow_the_language_of_each_request(client):
    company = CompanyFactory(name="Cloudsmiths", tier="certified")
    company_search_reindex(company_ids=[company.pk])
    facet_cache_invalidate()

    english = client.get("/directory/").content.decode()
    german = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Certified" in english
    assert "Zertifiziert" in german
    assert "Certified" not in german


def test_a_visitors_switcher_choice_outlasts_the_browser_session(client):
    response = client.post(SWITCH, {"language": "ja", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ja"
    assert cookie["max-age"] >= 180 * 24 * 60 * 60


def test_a_member_who_left_the_language_blank_follows_the_browser(client):
    client.force_login(UserFactory(language=""))

    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()

    assert '<html lang="fr">' in page
    assert "Annuaire des partenaires" in page


def test_the_switcher_choice_beats_the_browser_for_a_member_too(client):
    member = UserFactory(language="")
    client.force_login(member)

    client.post(SWITCH, {"language": "de", "next": "/"})

    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="de">' in page


def test_urls_carry_no_language(client):
    german = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="de")
    page = german.content.decode()

    assert german.status_code == 200
    assert 'href="/groups/"' in page
    assert 'href="/de/' not in page
    assert client.get("/de/directory/", HTTP_ACCEPT_LANGUAGE="de").status_code == 404
