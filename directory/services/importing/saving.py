"""Saving checked partner rows set-based: a few statements per table, whatever the row count.

The caller owns the transaction (all rows or none). Each step replaces what the file describes,
as a profile edit would: countries served, industries, tags, offerings and domains; competency
claims keep what staff verified (the file adds and drops self-declared claims only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from directory.models import (
    ClaimedDomain,
    Company,
    CompanyCompetency,
    CompanyCountry,
    Offering,
)
from directory.services.companies import company_index_refresh, completeness_score
from directory.services.importing.checking import PLAIN_COLUMNS, REQUIRED_COLUMNS, CheckedRow

BATCH = 2_000
# Every Company column a row sets; an update writes exactly these (and updated_at).
IMPORTED_FIELDS = [
    *(column for column in (*REQUIRED_COLUMNS, *PLAIN_COLUMNS) if column != "slug"),
    "languages",
    "profile_completeness",
]

Step = Callable[[str], None]


def _chunks(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
        _forget_logged_statements()


def _forget_logged_statements() -> None:
    """With DEBUG on, Django keeps the text of the last 9,000 statements; an import's are
    batches of thousands of rows, hundreds of MB in all. Forget them between batches, unless
    something (a test) is counting them."""
    if settings.DEBUG and not connection.force_debug_cursor:
        reset_queries()


def _delete_for(model, company_ids: list[int]) -> None:
    for chunk in _chunks(company_ids, 10_000):
        model.objects.filter(company_id__in=chunk).delete()


def _companies_save(rows: list[CheckedRow]) -> None:
    new = [row.company for row in rows if row.is_new]
    Company.objects.bulk_create(new, batch_size=BATCH)
    changed = [row.company for row in rows if not row.is_new]
    now = timezone.now()
    for company in changed:
        company.updated_at = now  # neither update below applies auto_now
    fields = [Company._meta.get_field(name) for name in (*IMPORTED_FIELDS, "updated_at")]
    if connection.vendor == "postgresql":
        _companies_update_from_values(changed, fields)
    else:
        Company.objects.bulk_update(changed, [field.name for field in fields], batch_size=BATCH)


def _companies_update_from_values(companies: list[Company], fields: list) -> None:
    """UPDATE ... FROM (VALUES ...), a batch a statement: bulk_update's CASE per column and row
    costs more to build and to plan than the rows cost to write."""
    table = connection.ops.quote_name(Company._meta.db_table)
    names = ["id", *(field.column for field in fields)]
    quoted = [connection.ops.quote_name(name) for name in names]
    assignments = ", ".join(
        f"{quote} = v.{quote}::{field.db_type(connection)}"
        for quote, field in zip(quoted[1:], fields, strict=True)
    )
    row_template = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for chunk in _chunks(companies, 1_000):
            params = []
            for company in chunk:
                params.append(company.pk)
                params += [
                    field.get_db_prep_save(getattr(company, field.attname), connection)
                    for field in fields
                ]
            values = ", ".join([row_template] * len(chunk))
            # Names and types come from the model's metadata; every value is a parameter.
            sql = (
                f"UPDATE {table} AS c SET {assignments} FROM (VALUES {values}) "  # noqa: S608
                f"AS v({', '.join(quoted)}) WHERE c.id = v.id::bigint"
            )
            cursor.execute(sql, params)


def _countries_replace(rows: list[CheckedRow], company_ids: list[int]) -> None:
    _delete_for(CompanyCountry, company_ids)
    for chunk in _chunks(rows):  # model instances a chunk at a time: memory stays flat
        links = []
        for row in chunk:
            hq = row.hq_country
            links.append(CompanyCountry(company=row.company, country=hq, is_headquarters=True))
            links += [
                CompanyCountry(company=row.company, country=code, is_headquarters=False)
                for code in sorted(set(row.countries_served) - {hq})
            ]
        CompanyCountry.objects.bulk_create(links)


def _industries_replace(rows: list[CheckedRow], company_ids: list[int]) -> None:
    link = Company.industries.through
    _delete_for(link, company_ids)
    for chunk in _chunks(rows):
        link.objects.bulk_create(
            [
                link(company_id=row.company.pk, industry_id=industry.pk)
                for row in chunk
                for industry in row.industries
            ]
        )


def _tags_replace(rows: list[CheckedRow], company_ids: list[int]) -> None:
    company_type = ContentType.objects.get_for_model(Company)
    names = sorted({name for row in rows for name in row.tags})
    tags = {}
    for chunk in _chunks(names, 10_000):
        tags.update((tag.name, tag) for tag in Tag.objects.filter(name__in=chunk))
    for name in names:
        if name not in tags:  # few: a file reuses its keywords; Tag.save makes a unique slug
            tags[name] = Tag.objects.create(name=name)
    for chunk in _chunks(company_ids, 10_000):
        TaggedItem.objects.filter(content_type=company_type, object_id__in=chunk).delete()
    for chunk in _chunks(rows):
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(content_type=company_type, object_id=row.company.pk, tag=tags[name])
                for row in chunk
                for name in row.tags
            ]
        )


def _offerings_replace(rows: list[CheckedRow], company_ids: list[int]) -> None:
    _delete_for(Offering, company_ids)
    for chunk in _chunks(rows):
        Offering.objects.bulk_create(
            [
                Offering(
                    company=row.company,
                    kind=item.kind,
                    name=item.name,
                    description=item.description,
                )
                for row in chunk
                for item in row.offerings
            ]
        )


def _claims_existing(rows: list[CheckedRow]) -> dict[int, dict[int, tuple[int, str]]]:
    """The claims of the companies the file updates: {company: {competency: (pk, status)}}."""
    have: dict[int, dict[int, tuple[int, str]]] = defaultdict(dict)
    ids = [row.company.pk for row in rows if not row.is_new]
    for chunk in _chunks(ids, 10_000):
        claims = CompanyCompetency.objects.filter(company_id__in=chunk).values_list(
            "pk", "company_id", "competency_id", "status"
        )
        for pk, company_id, competency_id, status in claims:
            have[company_id][competency_id] = (pk, status)
    return have


def _claims_kept(current: dict[int, tuple[int, str]], wanted: set[int]) -> set[int]:
    """Competencies a company keeps: the file's, and every one staff verified or expired."""
    return wanted | {
        competency_id
        for competency_id, (_pk, status) in current.items()
        if status != CompanyCompetency.Status.SELF_DECLARED
    }


def _claims_merge(rows: list[CheckedRow], have: dict[int, dict[int, tuple[int, str]]]) -> None:
    """Add the file's self-declared claims, drop the self-declared ones it leaves out, keep
    every staff verification."""
    dropped = [
        pk
        for row in rows
        for competency_id, (pk, status) in have.get(row.company.pk, {}).items()
        if status == CompanyCompetency.Status.SELF_DECLARED
        and competency_id not in {competency.pk for competency in row.competencies}
    ]
    for chunk in _chunks(dropped, 10_000):
        CompanyCompetency.objects.filter(pk__in=chunk).delete()
    for chunk in _chunks(rows):
        added = []
        for row in chunk:
            current = have.get(row.company.pk, {})
            added += [
                CompanyCompetency(company_id=row.company.pk, competency_id=competency.pk)
                for competency in sorted(row.competencies, key=lambda c: c.pk)
                if competency.pk not in current
            ]
        CompanyCompetency.objects.bulk_create(added)


def _domains_add(rows: list[CheckedRow]) -> None:
    """Claim the file's domains; one the company already holds stays as it is."""
    for chunk in _chunks(rows):
        ClaimedDomain.objects.bulk_create(
            [
                ClaimedDomain(company=row.company, domain=domain)
                for row in chunk
                for domain in row.domains
            ],
            ignore_conflicts=True,
        )


def _completeness_set(rows: list[CheckedRow], have: dict[int, dict]) -> None:
    """Each company's profile completeness, from what the file gives it (before saving)."""
    for row in rows:
        company = row.company
        wanted = {competency.pk for competency in row.competencies}
        company.profile_completeness = completeness_score(
            company=company,
            countries_served=len(set(row.countries_served) - {row.hq_country}),
            industries=len(row.industries),
            competencies=len(_claims_kept(have.get(company.pk, {}), wanted)),
            offerings=len(row.offerings),
        )


def rows_save(rows: list[CheckedRow], *, step: Step | None = None) -> None:
    """Save every checked row set-based, inside the caller's transaction, naming each step
    done; the search index and facet counts are refreshed once, after commit."""
    done = step or (lambda name: None)
    existing_claims = _claims_existing(rows)
    _completeness_set(rows, existing_claims)
    _companies_save(rows)
    done("companies")
    company_ids = [row.company.pk for row in rows]
    _countries_replace(rows, company_ids)
    done("countries")
    _industries_replace(rows, company_ids)
    done("industries")
    _tags_replace(rows, company_ids)
    done("tags")
    _offerings_replace(rows, company_ids)
    done("offerings")
    _claims_merge(rows, existing_claims)
    done("competencies")
    _domains_add(rows)
    done("domains")
    company_index_refresh(company_ids=company_ids)
