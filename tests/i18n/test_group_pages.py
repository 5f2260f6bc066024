"""Group list, forms and choice labels in the reader's language."""

import pytest
from django.urls import reverse

from groups.models import Group
from tests.digests.factories import GroupFactory, GroupMembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_group_list_in_german_with_its_choice_labels_and_plurals(client):
    group = GroupFactory(
        name="Cloud Migration",
        visibility=Group.Visibility.PUBLIC,
        join_policy=Group.JoinPolicy.REQUEST,
    )
    for _ in range(2):
        GroupMembershipFactory(group=group, user=UserFactory())
    group.refresh_from_db()

    page = client.get(reverse("groups:list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<h1>Themengruppen</h1>" in page
    assert "Öffentlich · Auf Anfrage" in page
    assert f"{group.member_count} Mitglieder" in page


def test_the_new_group_form_in_french(client):
    client.force_login(UserFactory(is_staff=True, language="fr"))

    page = client.get(reverse("groups:create")).content.decode()

    assert "Qui peut rejoindre" in page
    assert "Privé (membres du groupe uniquement)" in page
    assert "Modérer a priori les nouveaux membres" in page


def test_a_bad_tag_is_refused_in_japanese(client):
    client.force_login(UserFactory(is_staff=True, language="ja"))

    response = client.post(
        reverse("groups:create"),
        {
            "name": "Data",
            "visibility": "public",
            "join_policy": "open",
            "moderation_policy": "postmoderate",
            "tags": "a",
        },
    )

    assert response.status_code == 400
    assert "各タグは2～30文字にしてください。" in response.content.decode()
    assert not Group.objects.filter(name="Data").exists()


def test_joining_is_confirmed_in_the_members_language(client):
    group = GroupFactory(join_policy=Group.JoinPolicy.OPEN)
    client.force_login(UserFactory(language="de"))

    response = client.post(reverse("groups:join", args=[group.slug]), follow=True)

    assert "Willkommen! Sie sind jetzt Mitglied dieser Gruppe." in response.content.decode()


def test_a_refusal_from_a_service_is_shown_in_the_members_language(client):
    group = GroupFactory(join_policy=Group.JoinPolicy.INVITE)
    client.force_login(UserFactory(language="fr"))

    response = client.post(reverse("groups:join", args=[group.slug]), follow=True)

    assert "Ce groupe est accessible sur invitation uniquement." in response.content.decode()


def test_the_page_cached_for_visitors_is_kept_per_language(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    group = GroupFactory(name="Cloud Migration", join_policy=Group.JoinPolicy.REQUEST)
    url = reverse("groups:detail", args=[group.slug])

    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="de">' in german
    assert '<html lang="en">' in english
