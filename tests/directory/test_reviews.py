"""Reviews: written by members about other companies, counted once program staff approve."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import Review, VerificationLog, Visibility
from directory.services.reviews import (
    REJECTION_REASON_REQUIRED,
    REVIEW_ALREADY_WRITTEN,
    REVIEW_OWN_COMPANY,
    review_approve,
    review_create,
    review_reject,
)
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory, ReviewFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("directory:review-queue")


def review_url(company) -> str:
    return reverse("directory:review", args=[company.slug])


def _post_review(client, company, **overrides):
    data = {"rating": "4", "title": "Solid delivery", "body": "They knew their stuff."}
    data.update(overrides)
    return client.post(review_url(company), data)


def test_member_writes_a_review_that_waits_for_moderation(member_client, member):
    company = CompanyFactory()
    response = _post_review(member_client, company)
    assert response.status_code == 302
    review = Review.objects.get(company=company, author=member)
    assert review.status == Review.Status.PENDING
    html = member_client.get(company.get_absolute_url()).content.decode()
    assert "Solid delivery" in html
    assert "Your review is waiting for review" in html


def test_a_pending_review_is_invisible_to_everyone_but_its_author(client):
    company = CompanyFactory()
    ReviewFactory(company=company, title="Not yet checked")
    assert "Not yet checked" not in client.get(company.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "Not yet checked" not in client.get(company.get_absolute_url()).content.decode()
    api = client.get(reverse("api-partner-detail", args=[company.slug])).json()
    assert api["reviews"] == []


def test_visitors_must_sign_in_to_review(client):
    company = CompanyFactory()
    response = _post_review(client, company)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Review.objects.exists()


def test_people_cannot_review_their_own_company(client):
    company = CompanyFactory()
    client.force_login(CompanyMembershipFactory(company=company).user)
    response = _post_review(client, company)
    assert response.status_code == 400
    assert REVIEW_OWN_COMPANY in response.content.decode()
    assert not Review.objects.exists()


def test_one_review_per_author_and_company(member_client, member):
    company = CompanyFactory()
    ReviewFactory(company=company, author=member)
    from directory.services.reviews import review_create

    with pytest.raises(ValidationError) as error:
        review_create(company=company, author=member, rating=5, title="Again", body="Again")
    assert REVIEW_ALREADY_WRITTEN in error.value.messages


@pytest.mark.parametrize("rating", ["0", "6", "five"])
def test_ratings_outside_one_to_five_are_refused(member_client, rating):
    company = CompanyFactory()
    assert _post_review(member_client, company, rating=rating).status_code == 400
    assert not Review.objects.exists()


def test_reviews_cannot_be_written_where_they_cannot_be_seen(member_client):
    company = CompanyFactory(reviews_visibility=Visibility.HIDDEN)
    assert member_client.get(review_url(company)).status_code == 404
    assert _post_review(member_client, company).status_code == 404


def test_approval_recomputes_the_rating_and_is_audited(staff):
    company = CompanyFactory()
    first = ReviewFactory(company=company, rating=5)
    second = ReviewFactory(company=company, rating=4)
    ReviewFactory(company=company, rating=1)  # still pending: does not count
    review_approve(review=first, staff=staff)
    review_approve(review=second, staff=staff)
    company.refresh_from_db()
    assert company.rating_average == Decimal("4.50")
    assert company.rating_count == 2
    assert (
        VerificationLog.objects.filter(
            company=company, actor=staff, action=VerificationLog.Action.REVIEW_APPROVED
        ).count()
        == 2
    )


def test_rejection_needs_a_reason_and_leaves_the_rating_alone(staff):
    company = CompanyFactory()
    review = ReviewFactory(company=company, rating=1)
    with pytest.raises(ValidationError) as error:
        review_reject(review=review, staff=staff, reason="  ")
    assert REJECTION_REASON_REQUIRED in error.value.messages
    review_reject(review=review, staff=staff, reason="Not a customer.")
    review.refresh_from_db()
    company.refresh_from_db()
    assert review.status == Review.Status.REJECTED
    assert review.rejection_reason == "Not a customer."
    assert company.rating_count == 0
    assert company.rating_average is None
    log = VerificationLog.objects.get(company=company)
    assert log.action == VerificationLog.Action.REVIEW_REJECTED
    assert "Not a customer." in log.detail


def test_author_sees_why_their_review_was_rejected(client, staff):
    review = ReviewFactory()
    review_reject(review=review, staff=staff, reason="Off topic.")
    client.force_login(review.author)
    html = client.get(review.company.get_absolute_url()).content.decode()
    assert "Your review was not published: Off topic." in html


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_review_queue_is_404_for_everyone_but_staff(client, who):
    review = ReviewFactory()
    if who == "member":
        client.force_login(UserFactory())
    assert client.get(QUEUE).status_code == 404
    assert client.post(QUEUE, {"action": "approve", "review": review.pk}).status_code == 404
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING


def test_staff_work_the_review_queue(staff_client):
    keep = ReviewFactory(title="Helpful and precise")
    drop = ReviewFactory(title="Buy cheap watches")
    assert "Buy cheap watches" in staff_client.get(QUEUE).content.decode()
    staff_client.post(QUEUE, {"action": "approve", "review": keep.pk})
    staff_client.post(QUEUE, {"action": "reject", "review": drop.pk, "reason": "Spam."})
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert keep.status == Review.Status.APPROVED
    assert drop.status == Review.Status.REJECTED
    html = staff_client.get(QUEUE).content.decode()
    assert "Helpful and precise" not in html
    assert "No reviews are waiting" in html


@pytest.mark.parametrize("size", [1, 50])
def test_review_queue_runs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    ReviewFactory.create_batch(size)
    with django_assert_max_num_queries(8):
        response = staff_client.get(QUEUE)
    assert response.content.decode().count("Reliable partner") == size


@pytest.mark.django_db
def test_a_second_review_by_the_same_author_is_refused_with_a_message_not_a_crash():
    first = ReviewFactory(company=CompanyFactory())

    with pytest.raises(ValidationError) as refused:
        review_create(company=first.company, author=first.author, rating=5, title="t", body="b")

    assert REVIEW_ALREADY_WRITTEN in refused.value.messages
