"""Demo partner companies for ``seed_demo``: bulk inserts, fast enough for 100,000 companies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker
from taggit.models import Tag, TaggedItem

from directory.facet_cache import facet_cache_invalidate
from directory.models import (
    Company,
    CompanyCompetency,
    CompanyCountry,
    CompanyMembership,
    Competency,
    Industry,
    Offering,
    Review,
    SizeBand,
    Tier,
    Visibility,
)
from directory.services.companies import completeness_score
from directory.services.search_index import company_search_reindex
from portal.models import User
from portal.seeding import DEMO_MEMBER_EMAIL

Progress = Callable[[int, int], None]

COMPETENCIES = [
    "Cloud Migration", "Kubernetes", "Data Analytics", "Security", "Identity",
    "Azure Infrastructure", "AWS Architecture", "Google Cloud", "DevOps", "Serverless",
    "Machine Learning", "Generative AI", "Data Engineering", "Business Intelligence",
    "SAP on Cloud", "Modern Workplace", "Networking", "Backup and Recovery", "FinOps",
    "Application Modernization", "Low-Code Apps", "IoT", "Edge Computing", "CRM",
    "ERP Integration", "Compliance", "Managed Services", "Observability", "Zero Trust",
    "Database Migration",
]  # fmt: skip
INDUSTRIES = [
    "Manufacturing", "Retail", "Energy", "Financial Services", "Healthcare", "Public Sector",
    "Education", "Telecommunications", "Logistics", "Media", "Automotive", "Insurance",
    "Life Sciences", "Hospitality", "Agriculture",
]  # fmt: skip
TAGS = [
    "finops", "landing zones", "24x7 support", "soc", "zero trust", "lakehouse", "power bi",
    "terraform", "gitops", "sap", "dynamics", "salesforce", "m365", "teams", "sentinel",
    "mlops", "llm", "rag", "iot hub", "edge", "sd-wan", "backup", "disaster recovery", "gdpr",
    "iso 27001", "hipaa", "pci", "nearshore", "fixed price", "workshops", "training",
    "startups", "mid-market", "enterprise", "public tenders", "greenfield", "lift and shift",
    "mainframe", "dotnet", "java",
]  # fmt: skip
# Countries weighted roughly like a vendor's partner base: many in a few markets, a long tail.
COUNTRIES = (
    ["US"] * 12 + ["DE"] * 8 + ["GB"] * 7 + ["FR"] * 5 + ["IN"] * 5 + ["NL"] * 3 + ["ES"] * 3
    + ["IT"] * 3 + ["BR"] * 3 + ["CA"] * 3 + ["AU"] * 3 + ["JP"] * 2 + ["SE"] * 2 + ["PL"] * 2
    + ["CH", "AT", "BE", "DK", "NO", "FI", "IE", "PT", "CZ", "RO", "MX", "AR", "CL", "CO",
       "ZA", "NG", "KE", "EG", "AE", "SA", "IL", "TR", "SG", "MY", "TH", "VN", "PH", "ID",
       "KR", "NZ"]
)  # fmt: skip
# Names in other scripts, so the demo directory shows (and the tests search) non-Latin partners:
# the first companies seeded take these names, slugs and headquarters.
NAMED_COMPANIES = [
    ("株式会社サクラクラウド", "sakura-cloud", "JP"),
    ("富士データシステムズ株式会社", "fuji-data-systems", "JP"),
]

LANGUAGES = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "NZ": "en", "IE": "en", "IN": "en",
    "DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "ES": "es", "MX": "es",
    "AR": "es", "CL": "es", "CO": "es", "IT": "it", "BR": "pt", "PT": "pt", "NL": "nl",
    "JP": "ja", "SE": "sv", "PL": "pl", "DK": "da", "NO": "no", "FI": "fi", "CZ": "cs",
    "RO": "ro", "TR": "tr", "KR": "ko",
}  # fmt: skip
OFFERING_PATTERNS = [
    ("service", "{} assessment"), ("service", "{} in 30 days"), ("service", "Managed {}"),
    ("service", "{} workshop"), ("product", "{} accelerator"), ("product", "{} toolkit"),
]  # fmt: skip
REVIEW_TITLES = {
    5: ["Outstanding partner", "Exceeded expectations", "Would hire again"],
    4: ["Reliable and skilled", "Good delivery", "Solid team"],
    3: ["Did the job", "Mixed experience"],
    2: ["Slow to respond", "Needed a lot of steering"],
    1: ["Disappointing"],
}
RATINGS = [5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1]
SIZES = [value for value, _ in SizeBand.choices]
TIERS = [Tier.REGISTERED] * 14 + [Tier.CERTIFIED] * 5 + [Tier.GOLD]


def seed_vocabularies() -> tuple[list[Competency], list[Industry]]:
    """Create (get_or_create) the competency and industry vocabularies the demo uses."""
    competencies = [
        Competency.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in COMPETENCIES
    ]
    industries = [
        Industry.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in INDUSTRIES
    ]
    return competencies, industries


def seed_companies(
    *,
    count: int,
    faker: Faker,
    progress: Progress,
    members: list[User],
    batch_size: int = 2000,
) -> int:
    """Create ``count`` realistic companies with claims, offerings, tags and approved reviews,
    attach some ``members`` (a few as admins) and rebuild the search index once."""
    with transaction.atomic():
        competencies, industries = seed_vocabularies()
        tags = [
            Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
            for name in TAGS
        ]
        employees, customers = _split_members(faker=faker, members=members)
        builder = _Builder(
            faker=faker,
            competencies=competencies,
            industries=industries,
            tags=tags,
            authors=customers,
        )
        created: list[Company] = []
        done = 0
        while done < count:
            size = min(batch_size, count - done)
            created.extend(builder.batch(size))
            done += size
            progress(done, count)
        _attach_members(faker=faker, companies=created, employees=employees)
    company_search_reindex(company_ids=[company.pk for company in created])
    facet_cache_invalidate()
    return len(created)


class _Builder:
    def __init__(self, *, faker: Faker, competencies, industries, tags, authors) -> None:
        self.faker = faker
        self.random = faker.random
        self.competencies = competencies
        self.industries = industries
        self.tags = tags
        self.authors = [author.pk for author in authors]
        self.staff = User.objects.filter(is_staff=True).order_by("pk").first()
        self.slugs = set(Company.objects.values_list("slug", flat=True))
        self.named = [entry for entry in NAMED_COMPANIES if entry[1] not in self.slugs]
        self.company_type = ContentType.objects.get_for_model(Company)
        self.now = timezone.now()

    def _slug(self, name: str) -> str:
        base = slugify(name)[:180] or "partner"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def batch(self, size: int) -> list[Company]:
        rnd, faker, now = self.random, self.faker, self.now
        plans = []
        for _ in range(size):
            # Drawn for every company, so the rest of the demo data stays the same.
            name, hq = faker.company(), rnd.choice(COUNTRIES)
            slug = ""
            if self.named:
                name, slug, hq = self.named.pop(0)
            served = sorted(set(rnd.sample(COUNTRIES, rnd.randint(0, 4))) - {hq})
            claims = rnd.sample(self.competencies, rnd.randint(1, 5))
            inds = rnd.sample(self.industries, rnd.randint(1, 3))
            tags = rnd.sample(self.tags, rnd.randint(0, 5))
            offerings = [
                (kind, pattern.format(rnd.choice(claims).name))
                for kind, pattern in rnd.sample(OFFERING_PATTERNS, rnd.randint(0, 4))
            ]
            authors = (
                rnd.sample(self.authors, min(len(self.authors), rnd.choice([0, 0, 1, 2, 3, 5])))
                if self.authors
                else []
            )
            ratings = [rnd.choice(RATINGS) for _ in authors]
            languages = sorted({LANGUAGES.get(hq, "en"), "en"})
            description = (
                f"{faker.catch_phrase()}. {name} helps {inds[0].name.lower()} companies with "
                f"{' and '.join(claim.name for claim in claims[:2])}"
                f"{', from ' + faker.city() if rnd.random() < 0.7 else ''}."
            )
            company = Company(
                name=name,
                slug=self._slug(slug or name),
                description=description,
                website=f"https://www.{slugify(slug or name)[:50]}.example.com",
                hq_country=hq,
                hq_city=faker.city() if rnd.random() < 0.85 else "",
                size_band=rnd.choice(SIZES),
                founded=rnd.randint(1975, 2024),
                languages=languages,
                tier=rnd.choice(TIERS),
                details_visibility=rnd.choice([Visibility.PUBLIC] * 8 + [Visibility.MEMBERS] * 2),
                offerings_visibility=rnd.choice([Visibility.PUBLIC] * 9 + [Visibility.MEMBERS]),
                contacts_visibility=rnd.choice([Visibility.MEMBERS] * 8 + [Visibility.HIDDEN] * 2),
                reviews_visibility=Visibility.PUBLIC,
                rating_count=len(ratings),
                rating_average=(
                    Decimal(sum(ratings) / len(ratings)).quantize(
                        Decimal("0.01"), rounding=ROUND_HALF_UP
                    )
                    if ratings
                    else None
                ),
                created_at=now - timedelta(days=rnd.randint(0, 1500)),
            )
            company.profile_completeness = completeness_score(
                company=company,
                countries_served=len(served),
                industries=len(inds),
                competencies=len(claims),
                offerings=len(offerings),
            )
            plans.append((company, served, claims, inds, tags, offerings, authors, ratings))
        companies = Company.objects.bulk_create([plan[0] for plan in plans])
        self._related(plans)
        return companies

    def _related(self, plans) -> None:
        rnd, now = self.random, self.now
        countries, claims, industries, tagged, offerings, reviews = [], [], [], [], [], []
        through = Company.industries.through
        for company, served, comps, inds, tags, offers, authors, ratings in plans:
            countries.append(
                CompanyCountry(company=company, country=company.hq_country, is_headquarters=True)
            )
            countries.extend(CompanyCountry(company=company, country=code) for code in served)
            for competency in comps:
                claim = CompanyCompetency(
                    company=company, competency=competency, created_at=company.created_at
                )
                roll = rnd.random()
                if roll < 0.35 and self.staff is not None:
                    claim.status = CompanyCompetency.Status.VERIFIED
                    claim.verified_by = self.staff
                    claim.verified_at = now - timedelta(days=rnd.randint(1, 300))
                    claim.expires_at = claim.verified_at + timedelta(days=730)
                elif roll < 0.40 and self.staff is not None:
                    claim.status = CompanyCompetency.Status.EXPIRED
                    claim.verified_by = self.staff
                    claim.verified_at = now - timedelta(days=800)
                    claim.expires_at = now - timedelta(days=70)
                claims.append(claim)
            industries.extend(through(company_id=company.pk, industry_id=i.pk) for i in inds)
            tagged.extend(
                TaggedItem(content_type=self.company_type, object_id=company.pk, tag=tag)
                for tag in tags
            )
            offerings.extend(
                Offering(company=company, kind=kind, name=name, description="")
                for kind, name in offers
            )
            for author, rating in zip(authors, ratings, strict=True):
                reviews.append(
                    Review(
                        company=company,
                        author_id=author,
                        rating=rating,
                        title=rnd.choice(REVIEW_TITLES[rating]),
                        body=self.faker.paragraph(nb_sentences=3),
                        status=Review.Status.APPROVED,
                        moderated_by=self.staff,
                        moderated_at=now,
                        created_at=now - timedelta(days=rnd.randint(1, 700)),
                    )
                )
        CompanyCountry.objects.bulk_create(countries)
        CompanyCompetency.objects.bulk_create(claims)
        through.objects.bulk_create(industries)
        TaggedItem.objects.bulk_create(tagged)
        Offering.objects.bulk_create(offerings)
        Review.objects.bulk_create(reviews)


def _split_members(*, faker: Faker, members: list[User]) -> tuple[list[User], list[User]]:
    """Split members into future employees (about half of those without a company, always the
    demo member) and customers who write reviews, so nobody reviews their own company."""
    busy = set(
        CompanyMembership.objects.filter(
            status__in=[CompanyMembership.Status.REQUESTED, CompanyMembership.Status.APPROVED]
        ).values_list("user_id", flat=True)
    )
    employees, customers = [], []
    for member in members:
        free = member.pk not in busy
        if free and (member.email == DEMO_MEMBER_EMAIL or faker.random.random() < 0.5):
            employees.append(member)
        else:
            customers.append(member)
    return employees, customers


def _attach_members(*, faker: Faker, companies: list[Company], employees: list[User]) -> None:
    """Make the employees approved people of the new companies, about one in ten an admin;
    the demo member administers one so the demo shows editing."""
    if not companies:
        return
    rnd = faker.random
    # Spread people over a few companies so that demo profiles have colleagues to show.
    pool = companies[: max(1, min(len(companies), len(employees) // 3))]
    # The demo member's company: the first one not named in another script, so the demo reads
    # in the language of its visitor's default (the named ones are there to be found by search).
    named = {slug for _name, slug, _country in NAMED_COMPANIES}
    demo_company = next((c for c in companies if c.slug not in named), companies[0])
    rows = []
    for member in employees:
        demo = member.email == DEMO_MEMBER_EMAIL
        rows.append(
            CompanyMembership(
                company=demo_company if demo else rnd.choice(pool),
                user=member,
                status=CompanyMembership.Status.APPROVED,
                role=(
                    CompanyMembership.Role.ADMIN
                    if demo or rnd.random() < 0.1
                    else CompanyMembership.Role.MEMBER
                ),
                show_as_contact=demo or rnd.random() < 0.4,
                decided_at=timezone.now(),
            )
        )
    CompanyMembership.objects.bulk_create(rows)
