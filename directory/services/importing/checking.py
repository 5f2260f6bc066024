"""Reading and checking a partner CSV: every problem found per row, before anything is saved."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django_countries import countries

from directory.models import (
    ClaimedDomain,
    Company,
    Competency,
    Industry,
    Offering,
    SizeBand,
    Tier,
    Visibility,
)
from directory.services.companies import OfferingData
from portal.spreadsheets import FORMULA_PREFIXES, looks_like_formula

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

_MAYBE_FORMULA = re.compile("[" + re.escape("".join(FORMULA_PREFIXES)) + "]")
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
Source = bytes | str  # the file: UTF-8 bytes (a BOM is fine), or text
# Company fields that full_clean need not look at: checked above (choices, against the
# vocabularies: the model's choice validation walks every country for each row), or not set
# by an import at all (a deferred column would even be loaded, one query per row).
_CHECKED_HERE = [
    field.name
    for field in Company._meta.concrete_fields
    if field.name not in ("name", "slug", "description", "website", "hq_region", "hq_city")
    and field.name != "founded"
]
_KEPT_WHEN_EMPTY = tuple(_CHOICES)  # size_band, tier and the visibilities
_COUNTRY_CODES = frozenset(code for code, _name in countries)
_OFFERING_KINDS = frozenset(Offering.Kind.values)
_INVALID_CHOICE = Company._meta.get_field("hq_country").error_messages["invalid_choice"]
PREFETCH_CHUNK = 5_000


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


@dataclass(slots=True)
class CheckedRow:
    """One valid row: the company to save (new or updated, unsaved) and its lists."""

    number: int
    company: Company
    is_new: bool
    hq_country: str
    countries_served: list[str]
    competencies: list[Competency]
    industries: list[Industry]
    tags: list[str]
    offerings: list[OfferingData]
    domains: list[str]


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class RowChecker:
    """Turns one CSV row into an unsaved company and its lists, collecting every problem."""

    def __init__(self) -> None:
        self.competencies = {c.slug: c for c in Competency.objects.all()}
        self.industries = {i.slug: i for i in Industry.objects.all()}
        # slug -> (pk, logo, *_KEPT_WHEN_EMPTY) of each company the file updates: tuples, not
        # model instances, so that 100,000 of them stay small; a row builds its instance.
        self.existing: dict[str, tuple] = {}
        self.domains = dict(ClaimedDomain.objects.values_list("domain", "company__slug"))
        self.seen_slugs: dict[str, int] = {}
        self.seen_domains: dict[str, int] = {}

    def prefetch(self, slugs: Iterable[str]) -> None:
        """Load the companies the file updates, in a few queries whatever the file's size."""
        wanted = sorted(set(slugs))
        # Only what an update keeps when its cell is empty, and the logo for completeness:
        # the file sets every other column.
        existing = Company.objects.values_list("slug", "pk", "logo", *_KEPT_WHEN_EMPTY)
        for start in range(0, len(wanted), PREFETCH_CHUNK):
            chunk = wanted[start : start + PREFETCH_CHUNK]
            self.existing.update((row[0], row[1:]) for row in existing.filter(slug__in=chunk))

    def existing_ids(self) -> list[int]:
        """The ids of the companies the file updates (after ``prefetch``)."""
        return [known[0] for known in self.existing.values()]

    def _company(self, slug: str) -> tuple[Company, bool]:
        """The company a row describes, with what an update keeps, and whether it is new."""
        known = self.existing.get(slug)
        if known is None:
            return Company(slug=slug), True
        pk, logo, *kept = known
        kept_values = dict(zip(_KEPT_WHEN_EMPTY, kept, strict=True))
        return Company(pk=pk, slug=slug, logo=logo, **kept_values), False

    def check(
        self, number: int, raw: dict[str | None, str | list[str]]
    ) -> tuple[CheckedRow | None, list[RowError], list[RowError]]:
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
        company, is_new = self._company(slug)
        company.name = values["name"]
        # Kept as text: reading the field back builds a Country object per company.
        hq_country = company.hq_country = values["hq_country"].upper()
        if hq_country and hq_country not in _COUNTRY_CODES:
            fail("hq_country", _INVALID_CHOICE % {"value": hq_country})
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
            if code not in _COUNTRY_CODES:
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
            if kind.strip().lower() not in _OFFERING_KINDS or not name.strip():
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
            # Field by field, in memory: slugs are unique by the checks above and the company's
            # constraints concern columns the file does not set or field validators cover, so
            # no query per row is needed (unique and constraint checks cost one each).
            company.full_clean(
                exclude=_CHECKED_HERE, validate_unique=False, validate_constraints=False
            )
        except ValidationError as invalid:
            for column, messages in invalid.message_dict.items():
                if any(e.column == column for e in errors):
                    continue  # one reason per column is enough
                for message in messages:
                    fail(column, message)
        if errors:
            return None, errors, warnings
        return (
            CheckedRow(
                number=number,
                company=company,
                is_new=is_new,
                hq_country=hq_country,
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
        if not _MAYBE_FORMULA.search(cell):
            continue  # no part of the cell can start with a formula's first character
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


def rows_read(data: Source, report: ImportReport) -> Iterator[tuple[int, dict]] | None:
    """The file's data rows, one at a time, as (line, cells by column); None, with the
    problem reported, when the header is unusable. Rows are read lazily so that a large file
    is never held twice in memory (as text and as parsed rows)."""
    reader = csv.DictReader(_lines(data))
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
    return _data_rows(reader)


def _lines(data: Source) -> io.TextIOBase:
    """The file as text lines, decoded as they are read: a StringIO of a whole file would hold
    four bytes a character."""
    if isinstance(data, bytes):
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    return io.StringIO(data.lstrip("\ufeff"), newline="")


def _data_rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    for raw in reader:
        if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
            continue  # blank lines are not rows
        yield reader.line_num, raw


def slugs_read(data: Source) -> set[str]:
    """Every slug the file names (a quick first pass, so the companies it updates are loaded
    in a few queries before the rows are checked one by one)."""
    reader = csv.reader(_lines(data))
    header = [name.strip() for name in next(reader, [])]
    if "slug" not in header:
        return set()
    column = header.index("slug")
    return {row[column].strip().lower() for row in reader if len(row) > column}
