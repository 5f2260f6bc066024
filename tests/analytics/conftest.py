"""A small, fixed dataset for /analytics/, each figure counted by hand (see test_figures.py).

January to March 2026, by month. Companies: Alpha (DE, Gold), Beta (FR, Registered),
Gamma (DE, Certified). Groups: Cloud, Data. Competencies: Kubernetes, Snowflake.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from collaboration.models import Referral, ReferralEvent
from deals.models import DealStatus
from directory.models import Tier
from groups.models import PostStatus, Thread
from moderation.models import ItemStatus, ModerationItem
from tests.collaboration.factories import (
    CollaborationFactory,
    FindPartnerRequestFactory,
    ReferralFactory,
)
from tests.deals.factories import DealRegistrationFactory
from tests.directory.factories import CompanyFactory, CompetencyFactory
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, ReplyFactory, ThreadFactory

RANGE = {"period": "month", "from": "2026-01-01", "to": "2026-03-31"}


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class World:
    alpha: object
    beta: object
    gamma: object
    cloud: object
    data: object
    kubernetes: object
    snowflake: object


def _deal(company, *, status, submitted=None, approved=None, closed=None, value, **extra):
    return DealRegistrationFactory(
        company=company,
        status=status,
        submitted_at=submitted,
        approved_at=approved,
        decided_at=approved,
        protected_until=approved + timedelta(days=90) if approved else None,
        closed_at=closed,
        value=Decimal(value),
        **extra,
    )


@pytest.fixture
def world(db) -> World:
    alpha = CompanyFactory(name="Alpha", hq_country="DE", tier=Tier.GOLD)
    beta = CompanyFactory(name="Beta", hq_country="FR", tier=Tier.REGISTERED)
    gamma = CompanyFactory(name="Gamma", hq_country="DE", tier=Tier.CERTIFIED)
    cloud = GroupFactory(name="Cloud")
    data = GroupFactory(name="Data")
    kubernetes = CompetencyFactory(name="Kubernetes")
    snowflake = CompetencyFactory(name="Snowflake")
    u1, u2, u3, u4, u5 = (UserFactory() for _ in range(5))

    # Active members: u1 (Alpha) in January and February, u2 (Beta) in January and February,
    # u4 (no company) in March. u3's thread waits for review; u5 posts after the range.
    r1 = FindPartnerRequestFactory(
        company=alpha,
        thread__author=u1,
        thread__group=cloud,
        thread__created_at=at(1, 10),
        created_at=at(1, 10),
        competencies=[kubernetes],
    )
    ReplyFactory(thread=r1.thread, author=u1, author_company=alpha, created_at=at(2, 5))
    ReplyFactory(
        thread=ThreadFactory(group=data, status=PostStatus.PENDING, created_at=at(1, 1)),
        author=u2,
        author_company=beta,
        created_at=at(1, 20),
    )
    r2 = FindPartnerRequestFactory(
        company=beta,
        thread__author=u2,
        thread__group=data,
        thread__created_at=at(2, 12),
        created_at=at(2, 12),
        competencies=[kubernetes, snowflake],
    )
    ThreadFactory(
        group=data, author=u3, author_company=gamma, status=PostStatus.PENDING, created_at=at(3, 3)
    )
    ThreadFactory(group=cloud, author=u4, created_at=at(3, 15))
    ThreadFactory(group=cloud, author=u5, created_at=at(4, 10))

    # Responses: Beta answers R1 after 5 hours, Gamma after 2 days; Alpha answers R2 after 2 days.
    c1 = CollaborationFactory(request=r1, responding_company=beta, created_at=at(1, 10, 17))
    c2 = CollaborationFactory(request=r1, responding_company=gamma, created_at=at(1, 12))
    CollaborationFactory(request=r2, responding_company=alpha, created_at=at(2, 14))
    # A collaboration opened directly, without a request.
    CollaborationFactory(
        request=None,
        requesting_company=beta,
        responding_company=gamma,
        subject="Direct",
        created_at=at(3, 1),
    )

    # Referrals: Beta → Alpha (won on 2 February, 1,000 USD), Gamma → Alpha (proposed).
    f1 = ReferralFactory(
        collaboration=c1,
        from_company=beta,
        to_company=alpha,
        status=Referral.Status.WON,
        value=Decimal("1000"),
        currency="USD",
        created_at=at(1, 20),
    )
    ReferralEvent.objects.create(
        referral=f1,
        from_status=Referral.Status.ACCEPTED,
        to_status=Referral.Status.WON,
        created_at=at(2, 2),
    )
    ReferralFactory(
        collaboration=c2,
        from_company=gamma,
        to_company=alpha,
        value=Decimal("500"),
        currency="USD",
        created_at=at(3, 5),
    )

    # Deal registrations.
    _deal(
        alpha,
        status=DealStatus.WON,
        submitted=at(1, 15),
        approved=at(1, 20),
        closed=at(2, 10),
        value="10000",
        currency="USD",
        source_collaboration=c1,
        competencies=[kubernetes],
    )
    _deal(
        beta,
        status=DealStatus.APPROVED,
        submitted=at(2, 1),
        approved=at(2, 3),
        value="5000",
        currency="USD",
    )
    _deal(
        gamma,
        status=DealStatus.WON,
        submitted=at(2, 20),
        approved=at(2, 25),
        closed=at(3, 10),
        value="2000",
        currency="USD",
        is_influenced=True,
    )
    _deal(
        alpha,
        status=DealStatus.WON,
        submitted=at(3, 1),
        approved=at(3, 2),
        closed=at(3, 20),
        value="7000",
        currency="EUR",
    )
    _deal(beta, status=DealStatus.DRAFT, value="900", currency="USD")
    _deal(
        gamma,
        status=DealStatus.REJECTED,
        submitted=at(3, 25),
        value="300",
        currency="USD",
        rejection_reason="Not a new customer.",
    )

    # Moderation: waits of 2, 10 and 4 hours; one escalated; one still waiting.
    def item(group, created, status, hours=None, escalated=False):
        thread = ThreadFactory(group=group, status=PostStatus.PENDING, created_at=created)
        return ModerationItem.objects.create(
            group=group,
            thread=thread,
            source=ModerationItem.Source.POLICY,
            status=status,
            created_at=created,
            decided_at=created + timedelta(hours=hours) if hours is not None else None,
            escalated_at=created + timedelta(hours=1) if escalated else None,
        )

    item(cloud, at(1, 5), ItemStatus.APPROVED, hours=2)
    item(cloud, at(2, 1), ItemStatus.REJECTED, hours=10, escalated=True)
    item(data, at(3, 1), ItemStatus.OPEN)
    item(data, at(3, 2), ItemStatus.APPROVED, hours=4)
    assert Thread.objects.filter(status=PostStatus.PUBLISHED).count() == 4
    return World(alpha, beta, gamma, cloud, data, kubernetes, snowflake)
