"""Bulk onboarding of partner companies from CSV, all rows or none (docs/import-format.md)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from directory.models import (
    ClaimedDomain,
    Company,
    CompanyCompetency,
    Competency,
    Industry,
    Offering,
    SizeBand,
    Tier,
    Visibility,
)
from directory.services.companies import (
    OfferingData,
    company_completeness_update,
    company_countries_set,
    company_index_refresh,
    company_offerings_set,
)
from portal.spreadsheets import looks_like_formula

REQUIRED_COLUMNS = ("slug", "name", "hq_country")
LIST_COLUMNS = (
    "languages",
    "countries_served",
    "competencies",
    "industries",
    "tags",
    "offerings",
    "claimed_domains",
)
PLAIN_COLUMNS = (
    "description",
    "website",
    "hq_region",
    "hq_city",
    "size_band",
    "founded",
    "tier",
    "details_visibility",
    "offerings_visibility",
    "contacts_visibility",
    "reviews_visibility",
)
ALL_COLUMNS = REQUIRED_COLUMNS + PLAIN_COLUMNS + LIST_COLUMNS

MISSING_COLUMNS = "The header lacks required columns: {}."
UNKNOWN_COLUMNS = "The header has unknown columns: {}."
EMPTY_FILE = "The file has no header row."
NOT_UTF8 = "The file is not UTF-8 encoded text."
REQUIRED_VALUE = "A value is required."
DUPLICATE_SLUG = "The slug {} already appeared in row {}."
UNKNOWN_COUNTRY = "Unknown country code: {}."
UNKNOWN_LANGUAGE = "Not a two-letter ISO 639-1 code: {}."
UNKNOWN_COMPETENCY = "Unknown competency: {}."
UNKNOWN_INDUSTRY = "Unknown industry: {}."
BAD_OFFERING = "Write offerings as product:Name or service:Name; got {}."
BAD_DOMAIN = "Not a domain name: {}."
DOMAIN_TAKEN = "The domain {} is claimed by another company."
DOMAIN_TWICE = "The domain {} already appeared in row {}."
NOT_A_NUMBER = "Not a whole number: {}."
BAD_CHOICE = "{} is not one of: {}."
NUL_CHARACTER = "The value contains a NUL character, which no text column can hold."
EXTRA_CELLS = "The row has {} more cell(s) than the header; is a comma missing its quotes?"
FORMULA_CELL = (
    "Starts like a spreadsheet formula ({}); imported as plain text, and neutralised in every "
    "CSV the portal exports."
)

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CHOICES = {
    "size_band": [value for value, _ in SizeBand.choices],
    "tier": [value for value, _ in Tier.choices],
    **{
        f"{group}_visibility": [value for value, _ in Visibility.choices]
        for group in ("details", "offerings", "contacts", "reviews")
    },
}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowError:
    row: int  # the line of the file, the header being row 1, as a spreadsheet numbers it
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, column {self.column or '-'}: {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Accepted but worth a look, such as cells that a spreadsheet would run as a formula.
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run


@dataclass
class _Row:
    number: int
    company: Company
    is_new: bool
    countries_served: list[str]
    competencies: list[Competency]
    industries: list[Industry]
    tags: list[str]
    offerings: list[OfferingData]
    domains: list[str]


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class _RowChecker:
    """Turns one CSV row into an unsaved company and its lists, collecting every problem."""

    def __init__(self) -> None:
        self.competencies = {c.slug: c for c in Competency.objects.all()}
        self.industries = {i.slug: i for i in Industry.objects.all()}
        self.existing = {}
        self.domains = dict(ClaimedDomain.objects.values_list("domain", "company__slug"))
        self.seen_slugs: dict[str, int] = {}
        self.seen_domains: dict[str, int] = {}

    def prefetch(self, slugs: Iterable[str]) -> None:
        self.existing = {c.slug: c for c in Company.objects.filter(slug__in=list(slugs))}

    def check(
        self, number: int, raw: dict[str | None, str | list[str]]
    ) -> tuple[_Row | None, list[RowError], list[RowError]]:
        errors: list[RowError] = []

        def fail(column: str, reason: str) -> None:
            errors.append(RowError(number, column, reason))

        extra_cells = raw.pop(None, None)  # csv.DictReader files surplus cells under None
        if extra_cells:
            fail("", EXTRA_CELLS.format(len(extra_cells)))
        for column, value in raw.items():
            if isinstance(value, str) and "\x00" in value:
                fail(column, NUL_CHARACTER)
        if errors:
            return None, errors, []
        values = {key: (raw.get(key) or "").strip() for key in ALL_COLUMNS}
        warnings = _formula_warnings(number, raw)
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                fail(column, REQUIRED_VALUE)
        slug = values["slug"].lower()
        if slug in self.seen_slugs:
            fail("slug", DUPLICATE_SLUG.format(slug, self.seen_slugs[slug]))
        elif slug:
            self.seen_slugs[slug] = number
        company = self.existing.get(slug)
        is_new = company is None
        if company is None:
            company = Company(slug=slug)
        company.name = values["name"]
        company.hq_country = values["hq_country"].upper()
        for column in ("description", "website", "hq_region", "hq_city"):
            setattr(company, column, values[column])
        for column, choices in _CHOICES.items():
            if values[column]:
                value = values[column].lower()
                if value not in choices:
                    fail(column, BAD_CHOICE.format(values[column], ", ".join(choices)))
                else:
                    setattr(company, column, value)
        company.founded = None
        if values["founded"]:
            if values["founded"].isdigit():
                company.founded = int(values["founded"])
            else:
                fail("founded", NOT_A_NUMBER.format(values["founded"]))
        languages = [code.lower() for code in _split(values["languages"])]
        for code in languages:
            if not re.fullmatch(r"[a-z]{2}", code):
                fail("languages", UNKNOWN_LANGUAGE.format(code))
        company.languages = list(dict.fromkeys(languages))
        served = [code.upper() for code in _split(values["countries_served"])]
        for code in served:
            if code not in countries:
                fail("countries_served", UNKNOWN_COUNTRY.format(code))
        competencies = []
        for slug_value in _split(values["competencies"]):
            if slug_value.lower() in self.competencies:
                competencies.append(self.competencies[slug_value.lower()])
            else:
                fail("competencies", UNKNOWN_COMPETENCY.format(slug_value))
        industries = []
        for slug_value in _split(values["industries"]):
            if slug_value.lower() in self.industries:
                industries.append(self.industries[slug_value.lower()])
            else:
                fail("industries", UNKNOWN_INDUSTRY.format(slug_value))
        offerings = []
        for item in _split(values["offerings"]):
            kind, _, name = item.partition(":")
            if kind.strip().lower() not in Offering.Kind.values or not name.strip():
                fail("offerings", BAD_OFFERING.format(item))
            else:
                offerings.append(OfferingData(kind=kind.strip().lower(), name=name.strip()[:200]))
        domains = [domain.lower() for domain in _split(values["claimed_domains"])]
        for domain in domains:
            if not _DOMAIN.match(domain):
                fail("claimed_domains", BAD_DOMAIN.format(domain))
            elif self.domains.get(domain, slug) != slug:
                fail("claimed_domains", DOMAIN_TAKEN.format(domain))
            elif domain in self.seen_domains:
                fail("claimed_domains", DOMAIN_TWICE.format(domain, self.seen_domains[domain]))
            else:
                self.seen_domains[domain] = number
        try:
            company.full_clean()
        except ValidationError as invalid:
            for column, messages in invalid.message_dict.items():
                if any(e.column == column for e in errors):
                    continue  # one reason per column is enough
                for message in messages:
                    fail(column, message)
        if errors:
            return None, errors, warnings
        return (
            _Row(
                number=number,
                company=company,
                is_new=is_new,
                countries_served=served,
                competencies=competencies,
                industries=industries,
                tags=list(dict.fromkeys(_split(values["tags"]))),
                offerings=offerings,
                domains=domains,
            ),
            [],
            warnings,
        )


def _formula_warnings(number: int, raw: dict[str | None, str | list[str]]) -> list[RowError]:
    """One warning per cell that a spreadsheet would evaluate, whole or as a list item."""
    warnings = []
    for column in ALL_COLUMNS:
        cell = raw.get(column) or ""
        parts = [cell, cell.strip()]
        if column in LIST_COLUMNS:
            parts += _split(cell)
        if column == "offerings":  # kind:Name keeps only the name
            parts += [item.partition(":")[2].strip() for item in _split(cell)]
        formula = next((part for part in parts if looks_like_formula(part)), None)
        if formula is not None:
            shown = formula.strip()[:30] or repr(formula[:1])
            warnings.append(RowError(number, column, FORMULA_CELL.format(shown)))
    return warnings


def _read(data: str, report: ImportReport) -> list[tuple[int, dict[str, str]]] | None:
    reader = csv.DictReader(io.StringIO(data))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        report.errors.append(RowError(0, "", EMPTY_FILE))
        return None
    reader.fieldnames = header
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in ALL_COLUMNS]
    if missing:
        report.errors.append(RowError(1, "", MISSING_COLUMNS.format(", ".join(missing))))
    if unknown:
        report.errors.append(RowError(1, "", UNKNOWN_COLUMNS.format(", ".join(unknown))))
    if missing or unknown:
        return None
    rows = []
    for raw in reader:
        if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
            continue  # blank lines are not rows
        rows.append((reader.line_num, raw))
    return rows


def _save(row: _Row) -> None:
    company = row.company
    company.save()
    company_countries_set(company=company, countries_served=row.countries_served)
    company.industries.set(row.industries)
    company.tags.set(row.tags, clear=True)
    company_offerings_set(company=company, offerings=row.offerings)
    wanted = {competency.pk for competency in row.competencies}
    # Staff verifications are kept even when a re-import leaves them out.
    company.competency_claims.filter(status=CompanyCompetency.Status.SELF_DECLARED).exclude(
        competency_id__in=wanted
    ).delete()
    have = set(company.competency_claims.values_list("competency_id", flat=True))
    CompanyCompetency.objects.bulk_create(
        [
            CompanyCompetency(company=company, competency=competency)
            for competency in row.competencies
            if competency.pk not in have
        ]
    )
    for domain in row.domains:
        ClaimedDomain.objects.get_or_create(domain=domain, defaults={"company": company})
    company_completeness_update(company=company)


def companies_import(
    *, data: bytes | str, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Validate every row of a partner CSV and, only if all are valid, save them in one
    transaction (created or updated by slug); a dry run validates and saves nothing."""
    report = ImportReport(dry_run=dry_run)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append(RowError(0, "", NOT_UTF8))
            return report
    rows = _read(data.lstrip("\ufeff"), report)
    if rows is None:
        return report
    report.rows = len(rows)
    checker = _RowChecker()
    checker.prefetch((raw.get("slug") or "").strip().lower() for _, raw in rows)
    checked: list[_Row] = []
    total = len(rows) * (1 if dry_run else 2)
    for done, (number, raw) in enumerate(rows, start=1):
        row, errors, warnings = checker.check(number, raw)
        report.errors.extend(errors)
        report.warnings.extend(warnings)
        if row is not None:
            checked.append(row)
        if progress:
            progress(done, total)
    if report.errors or dry_run:
        report.created = sum(row.is_new for row in checked) if not report.errors else 0
        report.updated = len(checked) - report.created if not report.errors else 0
        return report
    with transaction.atomic():
        for done, row in enumerate(checked, start=len(rows) + 1):
            _save(row)
            if progress:
                progress(done, total)
        company_index_refresh(company_ids=[row.company.pk for row in checked])
    report.created = sum(row.is_new for row in checked)
    report.updated = len(checked) - report.created
    return report
