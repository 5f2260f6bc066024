"""Demo history for /analytics/: a year of deal registrations across the seeded companies,
some sourced from or influenced by community activity, then the first scorecards."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from analytics.services import scorecards_compute
from collaboration.models import Collaboration
from deals.customers import customer_name_key, registrable_domain
from deals.models import DealRegistration, DealStatus
from directory.models import Company, Competency
from groups.models import PostStatus, Thread

Progress = Callable[[int, int], None]
MONTHS = 12
CURRENCIES = [("USD", 0.8), ("EUR", 0.15), ("GBP", 0.05)]


def seed_deal_history(*, faker, progress: Progress, per_month: int = 30) -> int:
    """Registrations submitted over the last twelve months, each with the status its age gives
    it (older ones won, lost, rejected or expired), with values in three currencies."""
    rng = random.Random(faker.random.random())
    companies = list(Company.objects.values_list("pk", "hq_country"))
    if not companies:
        return 0
    competencies = list(Competency.objects.values_list("pk", flat=True))
    collaborations = list(Collaboration.objects.values_list("pk", flat=True)[:200])
    threads = list(
        Thread.objects.filter(status=PostStatus.PUBLISHED).values_list("pk", flat=True)[:200]
    )
    now = timezone.now()
    total = MONTHS * per_month
    deals, tags = [], []
    for index in range(total):
        company_id, country = rng.choice(companies)
        submitted = now - timedelta(days=rng.uniform(1, MONTHS * 30.4))
        age = (now - submitted).days
        name = faker.company()
        domain = f"{faker.domain_word()}-{index}.test"  # .test: reserved, never a real customer
        deal = DealRegistration(
            company_id=company_id,
            customer_name=name,
            customer_name_key=customer_name_key(name),
            customer_domain=domain,
            customer_registrable_domain=registrable_domain(domain),
            country=country if rng.random() < 0.7 else rng.choice(companies)[1],
            value=Decimal(rng.randrange(5, 400) * 1000),
            currency=rng.choices(
                [code for code, _ in CURRENCIES], [weight for _, weight in CURRENCIES]
            )[0],
            created_at=submitted - timedelta(hours=rng.randint(1, 48)),
            submitted_at=submitted,
            status=DealStatus.SUBMITTED,
        )
        roll = rng.random()
        if collaborations and roll < 0.25:
            deal.source_collaboration_id = rng.choice(collaborations)
        elif threads and roll < 0.35:
            deal.source_thread_id = rng.choice(threads)
        elif rng.random() < 0.4:
            deal.is_influenced = True
            deal.influence_evidence = "demo"
        if age > 3:
            deal.decided_at = submitted + timedelta(hours=rng.randint(4, 72))
            if rng.random() < 0.12:
                deal.status = DealStatus.REJECTED
                deal.rejection_reason = "The customer is already covered by the vendor's team."
            else:
                deal.approved_at = deal.decided_at
                deal.protected_until = deal.approved_at + timedelta(days=90)
                closes = deal.approved_at + timedelta(days=rng.randint(10, 120))
                if closes < now and rng.random() < 0.8:
                    deal.status = DealStatus.WON if rng.random() < 0.65 else DealStatus.LOST
                    deal.closed_at = closes
                elif deal.protected_until < now:
                    deal.status = DealStatus.EXPIRED
                else:
                    deal.status = DealStatus.APPROVED
        deals.append(deal)
        tags.append(rng.sample(competencies, k=min(len(competencies), rng.randint(1, 2))))
        if (index + 1) % per_month == 0:
            progress(index + 1, total)
    created = DealRegistration.objects.bulk_create(deals, batch_size=500)
    links = [
        DealRegistration.competencies.through(
            dealregistration_id=deal.pk, competency_id=competency_id
        )
        for deal, chosen in zip(created, tags, strict=True)
        for competency_id in chosen
    ]
    DealRegistration.competencies.through.objects.bulk_create(links, batch_size=1000)
    return len(created)


def seed_scorecards() -> int:
    """The first nightly scorecards, so the league table and proposals have something to show."""
    return scorecards_compute()
