"""Sourced and influenced, as docs/attribution.md states them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deals import services
from deals.models import DealRegistration
from groups.models import PostStatus
from tests.collaboration.factories import CollaborationFactory, FindPartnerRequestFactory
from tests.directory.factories import CompetencyFactory
from tests.groups.factories import GroupFactory, ReplyFactory

pytestmark = pytest.mark.django_db


def submit(registration, person):
    return services.deal_submit(registration=registration, actor=person)


@pytest.fixture
def cloud_group():
    group = GroupFactory(name="Cloud migrations")
    group.tags.set(["cloud", "migration"])  # words of the competency slug cloud-migration
    return group


def test_a_reply_in_a_group_on_the_deals_topic_within_90_days_influences(
    world, draft_for, cloud_group
):
    reply = ReplyFactory(
        thread__group=cloud_group,
        author=world.a_person,
        author_company=world.a,
        created_at=timezone.now() - timedelta(days=89),
    )
    registration = submit(draft_for(), world.a_person)
    assert registration.is_influenced
    assert registration.influence_evidence == f"reply:{reply.pk}"
    assert not registration.is_sourced


def test_a_reply_older_than_90_days_or_off_topic_or_unpublished_does_not(
    world, draft_for, cloud_group
):
    ReplyFactory(thread__group=cloud_group, author=world.a_person, author_company=world.a,
                 created_at=timezone.now() - timedelta(days=91))  # fmt: skip
    off_topic = GroupFactory(name="Partner marketing")
    off_topic.tags.set(["marketing"])
    ReplyFactory(thread__group=off_topic, author=world.a_person, author_company=world.a)
    ReplyFactory(thread__group=cloud_group, author=world.a_person, author_company=world.a,
                 status=PostStatus.REJECTED)  # fmt: skip
    ReplyFactory(thread__group=cloud_group, author=world.b_person, author_company=world.b)
    registration = submit(draft_for(), world.a_person)
    assert not registration.is_influenced
    assert registration.influence_evidence == ""


def test_answering_a_request_that_needs_the_deals_competency_influences(world, draft_for):
    partner_request = FindPartnerRequestFactory(company=world.b, competencies=[world.competency])
    collaboration = CollaborationFactory(request=partner_request, responding_company=world.a)
    registration = submit(draft_for(), world.a_person)
    assert registration.influence_evidence == f"response:{collaboration.pk}"


def test_a_private_collaboration_on_another_topic_does_not_influence(world, draft_for):
    other = CompetencyFactory(name="IoT", slug="iot")
    partner_request = FindPartnerRequestFactory(company=world.a, competencies=[other])
    CollaborationFactory(request=partner_request, responding_company=world.b)
    registration = submit(draft_for(), world.a_person)
    assert not registration.is_influenced


def test_a_collaboration_the_company_asked_for_with_recent_activity_influences(world, draft_for):
    partner_request = FindPartnerRequestFactory(company=world.a, competencies=[world.competency])
    collaboration = CollaborationFactory(
        request=partner_request,
        responding_company=world.b,
        created_at=timezone.now() - timedelta(days=200),
        last_activity_at=timezone.now() - timedelta(days=30),
    )
    registration = submit(draft_for(), world.a_person)
    assert registration.influence_evidence == f"collaboration:{collaboration.pk}"


def test_sourced_means_linked_to_a_community_item(world, draft_for):
    collaboration = CollaborationFactory(requesting_company=world.b, responding_company=world.a)
    sourced = draft_for(source_collaboration=collaboration)
    plain = draft_for(customer_name="Other", customer_domain="other.com")
    assert list(DealRegistration.objects.sourced()) == [sourced]
    assert not plain.is_sourced
