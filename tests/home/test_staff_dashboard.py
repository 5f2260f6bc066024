"""Program staff's dashboard: what waits for them, where to act on it; members never see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import CompanyCompetency
from groups.models import PostStatus
from moderation.models import ModerationItem
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompetencyFactory,
    ReviewFactory,
)
from tests.groups.factories import GroupFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def page_of(client) -> str:
    return " ".join(client.get("/").content.decode().split())


def hold(group, *, title: str, hours_ago: int = 0, escalated: bool = False) -> ModerationItem:
    thread = ThreadFactory(group=group, title=title, status=PostStatus.PENDING)
    return ModerationItem.objects.create(
        group=group,
        thread=thread,
        source=ModerationItem.Source.POLICY,
        reasons=["New member"],
        status=ModerationItem.Status.ESCALATED if escalated else ModerationItem.Status.OPEN,
        created_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_staff_see_the_size_and_age_of_the_whole_moderation_queue(staff_client):
    group = GroupFactory()
    hold(group, title="Held one", hours_ago=3)
    hold(group, title="Held two", escalated=True)

    page = page_of(staff_client)

    assert "<strong>2</strong> items waiting, 1 escalated to staff; the oldest arrived 3" in page
    assert f'href="{reverse("moderation:queue")}"' in page
    assert f'href="{reverse("moderation:queue")}?escalated=1"' in page


def test_staff_see_claims_to_verify_with_a_link_to_each_companys_curation(staff_client):
    company = CompanyFactory(name="Contoso Cloud", slug="contoso-cloud")
    CompanyCompetencyFactory(company=company, competency=CompetencyFactory(name="Kubernetes"))
    CompanyCompetencyFactory(company=company, verified=True)  # already verified: not listed

    page = page_of(staff_client)

    assert "<strong>1</strong> self-declared claim;" in page
    assert (
        f'<a href="{reverse("directory:curate", args=["contoso-cloud"])}">Contoso Cloud</a>: '
        "Kubernetes" in page
    )


def test_staff_see_reviews_waiting_with_a_link_to_the_review_queue(staff_client):
    ReviewFactory(title="Saved our migration", company__name="Fabrikam")
    ReviewFactory(title="Already approved", status="approved")

    page = page_of(staff_client)

    assert "<strong>1</strong> review waiting" in page
    assert "Saved our migration" in page
    assert "Already approved" not in page
    assert f'href="{reverse("directory:review-queue")}"' in page


def test_staff_see_the_newest_companies_with_profile_and_curation_links(staff_client):
    CompanyFactory(name="Old Partner", created_at=timezone.now() - timedelta(days=400))
    newest = CompanyFactory(name="Brand New Partner", slug="brand-new-partner")

    page = page_of(staff_client)

    assert f'<a href="{newest.get_absolute_url()}">Brand New Partner</a>' in page
    assert reverse("directory:curate", args=["brand-new-partner"]) in page
    assert page.index("Brand New Partner") < page.index("Old Partner")


def test_staff_are_not_shown_the_member_panels(staff_client):
    page = page_of(staff_client)

    assert "You are not part of a partner company yet" not in page
    assert "Requests that fit your company" not in page
    assert "Competencies to verify" in page


def test_members_do_not_see_the_staff_dashboard(member_client):
    ReviewFactory(title="Saved our migration")
    CompanyCompetencyFactory(competency=CompetencyFactory(name="Kubernetes"))

    page = page_of(member_client)

    assert "Competencies to verify" not in page
    assert "Reviews to approve" not in page
    assert "Saved our migration" not in page
    assert reverse("directory:review-queue") not in page
    assert "Requests that fit your company" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_staff_dashboard_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries, rows
):
    group = GroupFactory()
    for n in range(rows):
        hold(group, title=f"Held {n}", escalated=n % 2 == 1)
        company = CompanyFactory()
        CompanyCompetencyFactory(company=company)
        ReviewFactory(company=company)

    # Includes the one query of the two-factor check every signed-in request makes (portal/mfa.py)
    # and, on this cold cache, the navigation's two per-member answers.
    with django_assert_max_num_queries(11):
        assert staff_client.get("/").status_code == 200
    assert CompanyCompetency.objects.count() == rows
