"""Demo find-a-partner requests, private collaborations and referrals for ``seed_demo``."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from collaboration import selectors
from collaboration.business_days import add_business_days
from collaboration.models import (
    Collaboration,
    CollaborationMessage,
    FindPartnerRequest,
    Referral,
    ReferralEvent,
    ValueRange,
)
from directory.models import CompanyCompetency, CompanyMembership, Industry, SizeBand
from groups.markdown import render_markdown
from groups.models import Group, PostStatus, Thread

Progress = Callable[[int, int], None]

NEEDS = [
    (
        "Looking for a {c} partner for a retail customer",
        "A mid-size retailer wants to start in Q{q}.",
    ),
    (
        "Need {c} specialists to staff a public-sector bid",
        "Tender closes soon; we lead, you deliver.",
    ),
    ("Partner wanted: {c} for a bank's migration", "Regulated workload, on-site work needed."),
    ("Who can help with {c} in a manufacturing rollout?", "Three plants, phased over a year."),
]
USE_CASES = [
    "Move a reporting warehouse to the cloud before the licence renewal",
    "Roll out a customer data platform across three brands",
    "Replace a legacy ERP integration with an event-driven one",
    "Security review and hardening ahead of an audit",
]
DECLINE_REASONS = [
    "No capacity in that country before next quarter.",
    "The customer is outside the industries we serve.",
]
# Referral states the demo must show, in turn, so a small seed still has each of them: an
# invitation waiting, one reminded, one escalated to staff, accepted, declined, won, lost.
REFERRAL_STATES = ["pending", "escalated", "accepted", "declined", "reminded", "won", "lost"]

REPLIES = [
    "We did exactly this last year for a **logistics** customer. Happy to share the runbook.",
    "Sounds like a fit. Could you share the timeline and the budget range?",
    "Let me bring in our practice lead; she ran two similar projects.",
    "Great, let's set up a call this week.",
]


def _people_by_company() -> dict[int, list]:
    people: dict[int, list] = {}
    memberships = CompanyMembership.objects.filter(
        status=CompanyMembership.Status.APPROVED
    ).select_related("user", "company")
    for membership in memberships:
        people.setdefault(membership.company_id, []).append(membership.user)
    return people


@transaction.atomic
def seed_collaboration(*, faker: Faker, progress: Progress, requests: int = 12) -> dict:
    """Create requests from existing companies and groups, answered privately, with referrals."""
    rng = random.Random(faker.random.random())
    people = _people_by_company()
    groups = list(Group.objects.exclude(visibility=Group.Visibility.PRIVATE)[:10])
    claims = list(CompanyCompetency.objects.select_related("competency", "company"))
    counts = {"requests": 0, "collaborations": 0, "referrals": 0}
    if len(people) < 2 or not groups or not claims:
        return counts
    now = timezone.now()
    industries = list(Industry.objects.all())
    conversations: list[Collaboration] = []
    for index in range(requests):
        claim = rng.choice(claims)
        asking_ids = [pk for pk in people if pk != claim.company_id]
        company_id = rng.choice(asking_ids)
        author = rng.choice(people[company_id])
        title_pattern, body = rng.choice(NEEDS)
        group = rng.choice(groups)
        created = now - timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
        body = f"{body.format(q=rng.randint(1, 4))}\n\n{faker.paragraph(nb_sentences=3)}"
        # bulk_create: demo data should not send match emails to every seeded admin.
        (thread,) = Thread.objects.bulk_create(
            [
                Thread(
                    group=group,
                    author=author,
                    author_company_id=company_id,
                    kind=Thread.Kind.REQUEST,
                    title=title_pattern.format(c=claim.competency.name)[:200],
                    body_markdown=body,
                    body_html=render_markdown(body),
                    status=PostStatus.PUBLISHED,
                    created_at=created,
                    published_at=created,
                    last_activity_at=created,
                )
            ]
        )
        Group.objects.filter(pk=group.pk).update(thread_count=F("thread_count") + 1)
        partner_request = FindPartnerRequest.objects.create(
            thread=thread,
            company_id=company_id,
            countries=[str(claim.company.hq_country)] if rng.random() < 0.7 else [],
            deadline=(created + timedelta(days=rng.randint(14, 90))).date(),
            created_at=created,
        )
        partner_request.competencies.set([claim.competency])
        counts["requests"] += 1
        responders = [
            company
            for company in selectors.companies_matching_request(partner_request=partner_request)
            if company.pk in people
        ][: rng.randint(1, 2)]
        for responder in responders:
            collaboration = _seed_conversation(
                rng=rng, partner_request=partner_request, responder=responder, people=people
            )
            counts["collaborations"] += 1
            conversations.append(collaboration)
            if rng.random() < 0.6 or counts["referrals"] < len(REFERRAL_STATES):
                state = REFERRAL_STATES[counts["referrals"] % len(REFERRAL_STATES)]
                _seed_referral(
                    rng=rng,
                    faker=faker,
                    collaboration=collaboration,
                    people=people,
                    state=state,
                    industries=industries,
                    now=now,
                )
                counts["referrals"] += 1
        if responders and rng.random() < 0.3:
            partner_request.status = FindPartnerRequest.Status.CLOSED
            partner_request.awarded_to = responders[0]
            partner_request.closed_at = now
            partner_request.save(update_fields=["status", "awarded_to", "closed_at"])
        progress(index + 1, requests)
    # Few conversations (a small demo): they carry more than one referral, so every state shows.
    for state in REFERRAL_STATES[counts["referrals"] :] if conversations else []:
        _seed_referral(
            rng=rng,
            faker=faker,
            collaboration=rng.choice(conversations),
            people=people,
            state=state,
            industries=industries,
            now=now,
        )
        counts["referrals"] += 1
    return counts


def _seed_conversation(*, rng, partner_request, responder, people) -> Collaboration:
    collaboration = Collaboration.objects.create(
        request=partner_request,
        requesting_company_id=partner_request.company_id,
        responding_company=responder,
        subject=partner_request.thread.title,
        created_by=people[responder.pk][0],
        created_at=partner_request.created_at + timedelta(hours=3),
    )
    speakers = [people[responder.pk][0], partner_request.thread.author]
    when = collaboration.created_at
    for turn in range(rng.randint(2, 4)):
        when += timedelta(hours=rng.randint(1, 20))
        text = REPLIES[turn % len(REPLIES)]
        CollaborationMessage.objects.create(
            collaboration=collaboration,
            author=speakers[turn % 2],
            body_markdown=text,
            body_html=render_markdown(text),
            created_at=when,
        )
    collaboration.last_activity_at = when
    collaboration.save(update_fields=["last_activity_at"])
    collaboration.participants.add(*speakers)
    return collaboration


def _seed_referral(*, rng, faker, collaboration, people, state: str, industries, now) -> Referral:
    """A referral in a given state; its follow-up marks match its age, as the beat would
    have left them (without sending the demo's emails)."""
    ages = {"pending": 1, "reminded": 5, "escalated": 12}
    created = now - timedelta(days=ages.get(state, rng.randint(2, 25)), hours=rng.randint(0, 6))
    status = {
        "pending": Referral.Status.PROPOSED,
        "reminded": Referral.Status.PROPOSED,
        "escalated": Referral.Status.PROPOSED,
    }.get(state, state)
    value = Decimal(rng.randrange(5_000, 1_400_000, 500))
    customer = faker.company()
    use_case = rng.choice(USE_CASES)
    remind_at = add_business_days(created, 3)
    escalate_at = add_business_days(created, 7)
    answered = status != Referral.Status.PROPOSED
    responded = created + timedelta(hours=rng.randint(2, 40)) if answered else None
    referral = Referral.objects.create(
        from_company=collaboration.responding_company,
        to_company=collaboration.requesting_company,
        title=f"{customer}: {use_case}"[:200],
        use_case=use_case,
        industry=rng.choice(industries) if industries else None,
        country=str(collaboration.requesting_company.hq_country or ""),
        size_band=rng.choice(SizeBand.values),
        status=status,
        value=value,
        value_range=ValueRange.for_value(value),
        currency=rng.choice(["USD", "EUR", "GBP"]),
        customer_name=customer,
        customer_contact_name=faker.name(),
        customer_contact_email=faker.company_email(),
        customer_contact_phone=faker.phone_number()[:40],
        decline_reason=rng.choice(DECLINE_REASONS) if status == Referral.Status.DECLINED else "",
        responded_at=responded,
        reminder_due_at=remind_at,
        escalation_due_at=escalate_at,
        reminded_at=remind_at
        if remind_at <= now and (responded is None or responded > remind_at)
        else None,
        escalated_at=escalate_at if escalate_at <= now and not answered else None,
        request=collaboration.request,
        collaboration=collaboration,
        thread=collaboration.request.thread,
        created_by=people[collaboration.responding_company_id][0],
        created_at=created,
    )
    ReferralEvent.objects.create(
        referral=referral, to_status=Referral.Status.PROPOSED, created_at=created
    )
    if answered:
        first = Referral.Status.DECLINED if status == "declined" else Referral.Status.ACCEPTED
        ReferralEvent.objects.create(
            referral=referral,
            from_status=Referral.Status.PROPOSED,
            to_status=first,
            reason=referral.decline_reason,
            created_at=responded,
        )
        if status in (Referral.Status.WON, Referral.Status.LOST):
            ReferralEvent.objects.create(
                referral=referral,
                from_status=Referral.Status.ACCEPTED,
                to_status=status,
                created_at=responded + timedelta(days=rng.randint(3, 20)),
            )
    return referral
