"""The directory's edit, review and ranking pages in the reader's language."""

import pytest
from django.urls import reverse

from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_ranking_explanation_in_french(client):
    page = client.get(reverse("directory:ranking"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "<h1>Comment l’annuaire classe les partenaires</h1>" in page
    assert "Personne ne peut payer pour une place" in page
    assert "<td>Un mot recherché figure dans le nom de l’entreprise</td>" in page


def test_the_review_queue_in_japanese_for_staff(client):
    client.force_login(UserFactory(is_staff=True, language="ja"))

    page = client.get(reverse("directory:review-queue")).content.decode()

    assert "<h1>モデレーション待ちのレビュー</h1>" in page
    assert "審査待ちのレビューはありません。お疲れさまでした。" in page


def test_editing_a_company_in_german_shows_translated_labels_and_choices(client):
    admin = CompanyMembershipFactory(admin=True, user=UserFactory(language="de"))
    client.force_login(admin.user)

    page = client.get(reverse("directory:edit", args=[admin.company.slug])).content.decode()

    assert "Wer die Bewertungen sieht" in page
    assert "Verborgen (mein Unternehmen und das Programmteam)" in page
    assert "Belieferte Länder" in page
    assert "Kompetenz hinzufügen" in page


def test_the_review_form_counts_stars_in_french(client):
    company = CompanyFactory()
    client.force_login(UserFactory(language="fr"))

    page = client.get(reverse("directory:review", args=[company.slug])).content.decode()

    assert ">5 étoiles<" in page
    assert ">1 étoile<" in page


def test_a_refusal_from_a_directory_service_is_shown_in_the_readers_language(client):
    membership = CompanyMembershipFactory(user=UserFactory(language="de"))
    client.force_login(membership.user)

    response = client.post(
        reverse("directory:review", args=[membership.company.slug]),
        {"rating": 5, "title": "Great", "body": "Very good."},
        follow=True,
    )

    assert "Sie können Ihr eigenes Unternehmen nicht bewerten." in response.content.decode()
