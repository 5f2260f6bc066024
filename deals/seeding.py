"""Demo deal registrations for ``seed_demo``: nine months of history in every status, a few
customers registered by two companies (conflicts), some linked to community items."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from collaboration.models import Collaboration, Referral
from deals import selectors
from deals.models import DealRegistration, DealRegistrationEvent, DealReminder, DealStatus
from directory.models import CompanyCompetency, CompanyMembership, Competency
from portal.models import User
from portal.seeding import DEMO_MEMBER_EMAIL, DEMO_STAFF_EMAIL

Progress = Callable[[int, int], None]

# (name as one partner types it, domain as typed, how another partner might type the same one)
CUSTOMERS = [
    ("Contoso Ltd", "contoso.com", ("Contoso GmbH", "de.contoso.com")),
    ("Fabrikam, Inc.", "fabrikam.com", ("FABRIKAM INC", "sales.fabrikam.com")),
    ("Northwind Traders", "northwind.co.uk", ("Northwind Traders Ltd.", "eu.northwind.co.uk")),
    ("Tailspin Toys", "tailspintoys.com", None),
    ("Wide World Importers", "wideworldimporters.com", None),
    ("Adventure Works Cycles", "adventure-works.com",
     ("Adventure Works", "shop.adventure-works.com")),
    ("Litware S.A.", "litware.fr", None),
    ("Proseware AG", "proseware.ch", None),
    ("Woodgrove Bank", "woodgrovebank.com", None),
    ("Coho Winery", "cohowinery.com.au", None),
    ("Lucerne Publishing", "lucernepublishing.com", None),
    ("Margie's Travel", "margiestravel.com", None),
    ("Alpine Ski House", "alpineskihouse.at", None),
    ("Trey Research", "treyresearch.net", None),
    ("Blue Yonder Airlines", "blueyonderairlines.com", None),
    ("City Power & Light", "cpandl.com", None),
    ("Graphic Design Institute", "graphicdesigninstitute.com", None),
    ("Humongous Insurance", "humongousinsurance.com", None),
    ("Southridge Video", "southridgevideo.com", None),
    ("VanArsdel Ltd", "vanarsdel.co.nz", None),
    ("Relecloud", "relecloud.com", None),
    ("Bellows College", "bellowscollege.edu", None),
    ("Nod Publishers", "nodpublishers.com", None),
    ("First Up Consultants", "firstupconsultants.com", None),
    ("Fourth Coffee", "fourthcoffee.com", None),
    ("Consolidated Messenger", "consolidatedmessenger.com", None),
    ("Datum Corporation", "adatum.com", None),
    ("Tasmanian Traders", "tasmaniantraders.com.au", None),
    ("Munson's Pickles", "munsonspickles.com", None),
    ("Olympia Dairy K.K.", "olympia.co.jp", None),
]  # fmt: skip
REJECTIONS = [
    "The customer is already covered by a direct account team.",
    "Not enough detail on the opportunity; please register again with the project scope.",
    "Another partner holds this customer.",
    "The customer is outside your authorised territory.",
]
CURRENCIES = ["EUR", "USD", "GBP", "CHF", "AUD"]
HISTORY_DAYS = 270


@transaction.atomic
def seed_deals(*, faker: Faker, progress: Progress, count: int = 120) -> dict:
    """Create ``count`` registrations over the last nine months, in every status."""
    rng = random.Random(faker.random.random())
    people = _people_by_company()
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    competencies = list(Competency.objects.all())
    counts = {status: 0 for status in DealStatus.values}
    if len(people) < 2 or not competencies or staff is None:
        return {"registrations": 0, "conflicts": 0, **counts}
    claims = _claims_by_company()
    demo_company_id = (
        CompanyMembership.objects.filter(
            user__email=DEMO_MEMBER_EMAIL, status=CompanyMembership.Status.APPROVED
        )
        .values_list("company_id", flat=True)
        .first()
    )
    company_ids = sorted(people)
    now = timezone.now()
    approved_domains: set[str] = set()
    conflicts = 0
    for index in range(count):
        # The demo member's company gets every fifth registration, so its pages are full.
        company_id = (
            demo_company_id if demo_company_id and index % 5 == 0 else rng.choice(company_ids)
        )
        name, domain, alternative = CUSTOMERS[index % len(CUSTOMERS)]
        if index >= len(CUSTOMERS) and alternative:
            name, domain = alternative
        elif index >= len(CUSTOMERS):
            name = faker.unique.company()
            domain = f"{slugify(name)}.{rng.choice(['com', 'de', 'co.uk', 'fr', 'com.au'])}"
        age = timedelta(days=rng.uniform(0, HISTORY_DAYS))
        if index >= count - 6:  # the newest few are pending, some of them in conflict
            age = timedelta(days=rng.uniform(0, 6))
        created = now - age
        registration = _registration(
            rng=rng,
            company_id=company_id,
            person=rng.choice(people[company_id]),
            name=name,
            domain=domain,
            created=created,
            competencies=claims.get(company_id) or competencies,
        )
        conflicts += _advance(
            rng=rng, registration=registration, staff=staff, now=now, taken=approved_domains
        )
        counts[registration.status] += 1
        progress(index + 1, count)
    _pending_conflict(rng=rng, people=people, competencies=competencies, now=now)
    _reminders_already_sent(now=now)
    counts[DealStatus.SUBMITTED] += 2
    return {"registrations": count + 2, "conflicts": conflicts + 1, **counts}


def _people_by_company() -> dict[int, list]:
    people: dict[int, list] = {}
    for membership in CompanyMembership.objects.filter(
        status=CompanyMembership.Status.APPROVED
    ).select_related("user"):
        people.setdefault(membership.company_id, []).append(membership.user)
    return people


def _claims_by_company() -> dict[int, list[Competency]]:
    claims: dict[int, list[Competency]] = {}
    for claim in CompanyCompetency.objects.select_related("competency"):
        claims.setdefault(claim.company_id, []).append(claim.competency)
    return claims


def _source(rng: random.Random, company_id: int) -> dict:
    if rng.random() > 0.35:
        return {}
    ours = Q(requesting_company_id=company_id) | Q(responding_company_id=company_id)
    collaboration = Collaboration.objects.filter(ours).order_by("?").first()
    if collaboration is not None:
        return {
            "source_collaboration": collaboration,
            "source_request_id": collaboration.request_id,
        }
    referral = Referral.objects.filter(to_company_id=company_id).order_by("?").first()
    return {"source_referral": referral} if referral else {}


def _registration(
    *, rng, company_id, person, name, domain, created, competencies
) -> DealRegistration:
    registration = DealRegistration.objects.create(
        company_id=company_id,
        created_by=person,
        customer_name=name,
        customer_domain=domain,
        country=rng.choice(["DE", "GB", "FR", "US", "NL", "AU", "CH", "JP", "SE", "ES"]),
        value=Decimal(rng.randrange(10, 900) * 1000),
        currency=rng.choice(CURRENCIES),
        expected_close_date=(created + timedelta(days=rng.randint(30, 150))).date(),
        created_at=created,
        **_source(rng, company_id),
    )
    registration.competencies.set(rng.sample(competencies, min(len(competencies), 2)))
    _event(registration, person, "", DealStatus.DRAFT, created)
    return registration


def _event(registration, actor, from_status, to_status, at, reason="", kind="status") -> None:
    DealRegistrationEvent.objects.create(
        registration=registration,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        created_at=at,
    )


def _advance(*, rng, registration, staff, now, taken: set[str]) -> int:
    """Move a registration along its flow as the program would have, by its age. Returns 1 when
    it met a conflict at submit."""
    created = registration.created_at
    person = registration.created_by
    if rng.random() < 0.06 and now - created < timedelta(days=20):
        return 0  # a draft still being written
    submitted = created + timedelta(hours=rng.randint(1, 48))
    if submitted > now:
        return 0
    registration.status = DealStatus.SUBMITTED
    registration.submitted_at = submitted
    registration.has_conflict = selectors.customer_conflicts(
        company_id=registration.company_id,
        registrable_domain=registration.customer_registrable_domain,
        name_key=registration.customer_name_key,
        exclude_id=registration.pk,
        now=submitted,
    ).exists()
    evidence = selectors.influence_evidence(
        company_id=registration.company_id,
        competencies=list(registration.competencies.all()),
        at=submitted,
    )
    registration.influence_evidence, registration.is_influenced = evidence, bool(evidence)
    registration.save()
    _event(registration, person, DealStatus.DRAFT, DealStatus.SUBMITTED, submitted)
    decided = submitted + timedelta(days=rng.uniform(0.5, 6))
    if decided > now:
        return int(registration.has_conflict)
    domain = registration.customer_registrable_domain
    if domain in taken or rng.random() < 0.15:
        reason = REJECTIONS[2] if domain in taken else rng.choice(REJECTIONS[:2] + REJECTIONS[3:])
        registration.status = DealStatus.REJECTED
        registration.rejection_reason = reason
        registration.decided_at = decided
        registration.save()
        _event(registration, staff, DealStatus.SUBMITTED, DealStatus.REJECTED, decided, reason)
        return int(registration.has_conflict)
    registration.status = DealStatus.APPROVED
    registration.decided_at = registration.approved_at = decided
    registration.protected_until = decided + timedelta(days=settings.DEAL_PROTECTION_DAYS)
    registration.save()
    _event(registration, staff, DealStatus.SUBMITTED, DealStatus.APPROVED, decided)
    closes = decided + timedelta(days=rng.uniform(10, 120))
    if closes < now and closes < registration.protected_until:
        outcome = DealStatus.WON if rng.random() < 0.6 else DealStatus.LOST
        registration.status = outcome
        registration.closed_at = closes
        registration.save()
        _event(registration, person, DealStatus.APPROVED, outcome, closes)
    elif registration.protected_until <= now:
        registration.status = DealStatus.EXPIRED
        registration.save()
        _event(registration, None, DealStatus.APPROVED, DealStatus.EXPIRED,
               registration.protected_until)  # fmt: skip
    else:
        taken.add(domain)
    return int(registration.has_conflict)


def _reminders_already_sent(*, now) -> None:
    """The 14-day reminders the beat task would have sent already (without emailing anyone)."""
    days = max(settings.DEAL_REMINDER_DAYS)
    DealReminder.objects.bulk_create(
        DealReminder(
            registration=registration,
            kind=f"{days}d",
            protected_until=registration.protected_until,
            sent_at=registration.protected_until - timedelta(days=days),
        )
        for registration in DealRegistration.objects.filter(
            status=DealStatus.APPROVED, protected_until__lte=now + timedelta(days=days)
        )
    )


def _pending_conflict(*, rng, people, competencies, now) -> None:
    """Two companies registering one new customer this week: the review queue's showcase."""
    first, second = rng.sample(sorted(people), 2)
    for company_id, name, domain in (
        (first, "Globex Corporation", "globex.com"),
        (second, "GLOBEX Corp.", "emea.globex.com"),
    ):
        person = people[company_id][0]
        registration = _registration(
            rng=rng,
            company_id=company_id,
            person=person,
            name=name,
            domain=domain,
            created=now - timedelta(days=rng.uniform(1, 3)),
            competencies=competencies,
        )
        registration.status = DealStatus.SUBMITTED
        registration.submitted_at = registration.created_at + timedelta(hours=1)
        registration.has_conflict = selectors.registration_has_conflict(registration=registration)
        registration.save()
        _event(registration, person, DealStatus.DRAFT, DealStatus.SUBMITTED,
               registration.submitted_at)  # fmt: skip
    DealRegistration.objects.filter(customer_registrable_domain="globex.com").update(
        has_conflict=True
    )
