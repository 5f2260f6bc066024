"""What a digest contains: the best of the member's groups, matches, recommendations, queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from collaboration.models import FindPartnerRequest
from digests.models import DigestSent
from digests.selectors import MAX_GROUPS
from directory.models import CompanyCompetency
from groups.models import Group, GroupMembership, PostStatus
from tests.digests.factories import (
    FindPartnerRequestFactory,
    GroupFactory,
    GroupMembershipFactory,
    ModerationItemFactory,
    ThreadFactory,
)
from tests.digests.helpers import digest_of
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CompetencyFactory,
    IndustryFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=400)


def titles(digest) -> list[str]:
    return [t.title for t in digest.threads]


@pytest.fixture
def group(reader):
    group = GroupFactory(name="Cloud Talk")
    GroupMembershipFactory(group=group, user=reader)
    return group


def test_threads_are_ranked_by_helpful_votes_and_replies_not_by_newest(reader, group):
    now = timezone.now()
    ThreadFactory(group=group, title="Newest but quiet", published_at=now - timedelta(hours=1))
    ThreadFactory(
        group=group, title="Much helped", helpful_count=6, published_at=now - timedelta(days=5)
    )
    ThreadFactory(
        group=group, title="Much discussed", reply_count=5, published_at=now - timedelta(days=4)
    )

    assert titles(digest_of(reader)) == ["Much helped", "Much discussed", "Newest but quiet"]


def test_only_threads_since_the_last_digest_are_included(reader, group):
    now = timezone.now()
    DigestSent.objects.create(member=reader, period_key="old", created_at=now - timedelta(days=2))
    ThreadFactory(
        group=group, title="Already in the last digest", published_at=now - timedelta(days=3)
    )
    ThreadFactory(group=group, title="New since", published_at=now - timedelta(days=1))

    assert titles(digest_of(reader)) == ["New since"]


def test_threads_older_than_the_period_are_left_out(reader, group):
    ThreadFactory(group=group, title="Last month", published_at=timezone.now() - timedelta(days=30))

    assert titles(digest_of(reader)) == []


def test_nothing_from_a_private_group_the_member_is_not_in(reader, group):
    secret = GroupFactory(name="Secret", visibility=Group.Visibility.PRIVATE)
    GroupMembershipFactory(group=secret, user=reader, status=GroupMembership.Status.BANNED)
    ThreadFactory(group=secret, title="Secret plans", helpful_count=99)
    FindPartnerRequestFactory(
        thread__group=secret, thread__title="Secret request", needs=[reader_competency(reader)]
    )
    ThreadFactory(group=group, title="Open talk")

    digest = digest_of(reader)

    assert titles(digest) == ["Open talk"]
    assert digest.requests == []
    assert "Secret" not in [g.name for g in digest.groups]


def reader_competency(reader):
    return CompanyCompetency.objects.filter(company__memberships__user=reader).get().competency


def test_a_private_group_the_member_is_in_is_included(reader):
    private = GroupFactory(name="Inner Circle", visibility=Group.Visibility.PRIVATE)
    GroupMembershipFactory(group=private, user=reader)
    ThreadFactory(group=private, title="Inside talk")

    assert titles(digest_of(reader)) == ["Inside talk"]


def test_threads_not_published_are_left_out_even_for_their_moderator(reader, group):
    GroupMembership.objects.filter(user=reader, group=group).update(
        role=GroupMembership.Role.MODERATOR
    )
    ThreadFactory(group=group, title="Waiting", status=PostStatus.PENDING)
    ThreadFactory(group=group, title="Removed", status=PostStatus.REMOVED)

    assert titles(digest_of(reader)) == []


def test_a_group_the_member_opted_out_of_is_left_out(reader, group):
    muted = GroupFactory(name="Noisy")
    GroupMembershipFactory(group=muted, user=reader, digest_enabled=False)
    ThreadFactory(group=muted, title="Noise", helpful_count=50)
    ThreadFactory(group=group, title="Signal")

    assert titles(digest_of(reader)) == ["Signal"]


def test_threads_of_public_groups_the_member_did_not_join_are_not_in_the_threads(reader):
    ThreadFactory(group=GroupFactory(), title="Elsewhere")

    assert titles(digest_of(reader)) == []


def test_a_request_matching_competency_and_country_is_included(reader, cloud):
    request = FindPartnerRequestFactory(
        thread__title="Need a cloud partner in Germany", needs=[cloud], countries=["DE"]
    )

    assert digest_of(reader).requests == [request]


def test_a_request_for_another_country_or_competency_is_left_out(reader, cloud):
    FindPartnerRequestFactory(thread__title="Cloud in Japan", needs=[cloud], countries=["JP"])
    FindPartnerRequestFactory(thread__title="Payroll", needs=[CompetencyFactory(name="Payroll")])

    assert digest_of(reader).requests == []


def test_closed_and_own_company_requests_are_left_out(reader, cloud, company):
    FindPartnerRequestFactory(
        thread__title="Closed",
        needs=[cloud],
        status=FindPartnerRequest.Status.CLOSED,
        closed_at=timezone.now(),
    )
    FindPartnerRequestFactory(thread__title="Ours", needs=[cloud], company=company)

    assert digest_of(reader).requests == []


def test_a_request_in_a_members_only_group_is_included_for_a_member(reader, cloud):
    members_only = GroupFactory(visibility=Group.Visibility.MEMBERS)
    request = FindPartnerRequestFactory(thread__group=members_only, needs=[cloud])

    assert digest_of(reader).requests == [request]


def test_a_new_partner_with_a_shared_competency_is_included(reader, cloud):
    newcomer = CompanyFactory(name="Newcomer")
    CompanyCompetencyFactory(company=newcomer, competency=cloud)
    CompanyFactory(name="Unrelated newcomer")

    news = digest_of(reader).partners

    assert [(n.company.name, n.is_new) for n in news] == [("Newcomer", True)]


def test_a_partner_newly_verified_in_a_shared_competency_is_included(reader, cloud):
    veteran = CompanyFactory(name="Veteran", created_at=LONG_AGO)
    CompanyCompetencyFactory(company=veteran, competency=cloud, verified=True)
    old = CompanyFactory(name="Verified long ago", created_at=LONG_AGO)
    CompanyCompetencyFactory(
        company=old,
        competency=cloud,
        status=CompanyCompetency.Status.VERIFIED,
        verified_at=LONG_AGO,
    )

    news = digest_of(reader).partners

    assert [(n.company.name, n.is_new, n.verified) for n in news] == [
        ("Veteran", False, ["Cloud Migration"])
    ]


def test_my_verified_claim_past_its_expiry_matches_no_request_before_the_nightly_flip(
    reader, company
):
    # The claim is still VERIFIED (competency_claims_expire has not run yet) but its
    # expires_at has passed: like the find-a-partner matcher, the digest no longer counts it.
    payroll = CompetencyFactory(name="Payroll")
    CompanyCompetencyFactory(
        company=company,
        competency=payroll,
        verified=True,
        expires_at=timezone.now() - timedelta(hours=1),
    )
    FindPartnerRequestFactory(thread__title="Payroll in Germany", needs=[payroll])

    assert digest_of(reader).requests == []


def test_a_verification_already_past_its_expiry_is_no_partner_news(reader, cloud):
    lapsed = CompanyFactory(name="Lapsed", created_at=LONG_AGO)
    CompanyCompetencyFactory(
        company=lapsed,
        competency=cloud,
        verified=True,
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    assert digest_of(reader).partners == []


def test_a_new_partner_matching_the_industry_or_the_tags_of_my_groups_is_included(
    reader, company, group
):
    retail = IndustryFactory(name="Retail")
    company.industries.add(retail)
    group.tags.add("kubernetes")
    by_industry = CompanyFactory(name="Retail specialists")
    by_industry.industries.add(retail)
    by_tag = CompanyFactory(name="Kube shop")
    by_tag.tags.add("kubernetes")

    names = {n.company.name for n in digest_of(reader).partners}

    assert names == {"Retail specialists", "Kube shop"}


def test_recommends_groups_matching_competencies_tags_and_colleagues(reader, company, group):
    company.tags.add("sap")
    by_competency = GroupFactory(name="Migrators", tag_names=["cloud-migration"])
    by_tag = GroupFactory(name="SAP corner", tag_names=["sap"])
    colleague = UserFactory()
    CompanyMembershipFactory(company=company, user=colleague)
    by_colleague = GroupFactory(name="Where colleagues go")
    GroupMembershipFactory(group=by_colleague, user=colleague)
    GroupFactory(name="Unrelated", tag_names=["gardening"])
    GroupFactory(name="Hidden match", tag_names=["sap"], visibility=Group.Visibility.PRIVATE)

    names = {g.name for g in digest_of(reader).groups}

    assert names == {by_competency.name, by_tag.name, by_colleague.name}


def test_recommends_at_most_three_groups_and_none_the_member_is_in(reader, group):
    group.tags.add("cloud-migration")
    for n in range(5):
        GroupFactory(name=f"Migration group {n}", tag_names=["cloud-migration"])

    recommended = digest_of(reader).groups

    assert len(recommended) == MAX_GROUPS
    assert group not in recommended


def test_a_moderator_sees_size_and_age_of_their_queue(reader, group):
    GroupMembership.objects.filter(user=reader, group=group).update(
        role=GroupMembership.Role.MODERATOR
    )
    oldest = ModerationItemFactory(group=group, created_at=timezone.now() - timedelta(hours=30))
    ModerationItemFactory(group=group)
    ModerationItemFactory()  # another group's queue

    queue = digest_of(reader).queue

    assert queue.size == 2
    assert queue.oldest_at == oldest.created_at


def test_a_member_who_moderates_nothing_has_no_queue(reader, group):
    ModerationItemFactory(group=group)

    assert digest_of(reader).queue is None


def test_a_member_with_nothing_new_has_an_empty_digest(db):
    loner = UserFactory()

    assert digest_of(loner).is_empty


def test_the_first_digest_links_back_to_the_getting_started_checklist(reader, group):
    from digests.services import digest_message

    ThreadFactory(group=group, title="Worth reading")
    first = digest_message(digest=digest_of(reader))
    DigestSent.objects.create(member=reader, period_key="2000-W01", created_at=LONG_AGO)
    later = digest_message(digest=digest_of(reader))

    assert "/#getting-started" in first.body
    assert "/#getting-started" in first.alternatives[0][0]
    assert "getting-started" not in later.body
