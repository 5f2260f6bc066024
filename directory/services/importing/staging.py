"""Saving checked partner rows on PostgreSQL: COPY as they are checked, then one statement a table.

Each valid row is written at once, in batches, by COPY into temporary tables (no row is held in
memory); when the last row is checked, a few set-based statements move them into the real
tables, refresh the facet rows of every company written, once, and recompute their search
vectors. The caller owns the transaction: a file with a bad row is rolled back whole, temporary
tables included. The rules are the portable writer's (``saving``): the file replaces countries,
industries, tags and offerings, adds and drops self-declared claims only, and claims its domains.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from taggit.models import Tag

from directory.models import Company, CompanyCompetency
from directory.services.companies import completeness_score
from directory.services.importing.checking import CheckedRow
from directory.services.importing.saving import IMPORTED_FIELDS
from directory.services.search_index import company_vectors_written, search_vectors_sql

BATCH = 5_000  # rows a COPY: a few MB of text, whatever the file's size
Step = Callable[[str], None]

_COMPANY_COLUMNS = ["id", "is_new", "slug", *IMPORTED_FIELDS]
# Temporary, dropped with the transaction; dropped first too, for a second import in one
# transaction (tests run in one), from pg_temp only, so no real table of that name is touched.
# The names in it are the model's, never input.
_STAGE = f"""
DROP TABLE IF EXISTS pg_temp.import_company, pg_temp.import_country, pg_temp.import_industry,
    pg_temp.import_tag, pg_temp.import_offering, pg_temp.import_competency, pg_temp.import_domain;
CREATE TEMP TABLE import_company ON COMMIT DROP AS
    SELECT id, true AS is_new, slug, {", ".join(IMPORTED_FIELDS)} FROM directory_company
    WITH NO DATA;
CREATE TEMP TABLE import_country (company_id bigint, country varchar(2), is_headquarters boolean)
    ON COMMIT DROP;
CREATE TEMP TABLE import_industry (company_id bigint, industry_id bigint) ON COMMIT DROP;
CREATE TEMP TABLE import_tag (company_id bigint, name text) ON COMMIT DROP;
CREATE TEMP TABLE import_offering (company_id bigint, kind text, name text, description text)
    ON COMMIT DROP;
CREATE TEMP TABLE import_competency (company_id bigint, competency_id bigint) ON COMMIT DROP;
CREATE TEMP TABLE import_domain (company_id bigint, domain text) ON COMMIT DROP;
"""  # noqa: S608
_TABLES = {
    "import_company": _COMPANY_COLUMNS,
    "import_country": ["company_id", "country", "is_headquarters"],
    "import_industry": ["company_id", "industry_id"],
    "import_tag": ["company_id", "name"],
    "import_offering": ["company_id", "kind", "name", "description"],
    "import_competency": ["company_id", "competency_id"],
    "import_domain": ["company_id", "domain"],
}
_UPDATED = "SELECT id FROM import_company WHERE NOT is_new"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)


class StagedWriter:
    """Takes checked rows one at a time and saves them all with ``finish``."""

    def __init__(self, *, updated_ids: Iterable[int]) -> None:
        self.cursor = connection.cursor()
        # The facet triggers stand aside until finish() refreshes the rows once (migration
        # 0005); SET LOCAL ends with the transaction, a rollback included.
        self.cursor.execute("SELECT set_config('portal.bulk_import', 'on', true)")
        self.cursor.execute(_STAGE)
        self.buffers = {table: io.StringIO() for table in _TABLES}
        self.pending = 0
        self.free_ids: list[int] = []
        self.company_ids: list[int] = []
        self.tag_names: set[str] = set()
        # Claims staff verified (or that expired) stay whatever the file says: they count
        # towards the completeness the file's rows are given.
        self.kept_claims: dict[int, set[int]] = {}
        ids = sorted(updated_ids)
        for start in range(0, len(ids), 10_000):
            claims = (
                CompanyCompetency.objects.filter(company_id__in=ids[start : start + 10_000])
                .exclude(status=CompanyCompetency.Status.SELF_DECLARED)
                .values_list("company_id", "competency_id")
            )
            for company_id, competency_id in claims:
                self.kept_claims.setdefault(company_id, set()).add(competency_id)

    def _next_id(self) -> int:
        if not self.free_ids:
            self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('directory_company', 'id'))"
                " FROM generate_series(1, %s)",
                [BATCH],
            )
            self.free_ids = [row[0] for row in self.cursor.fetchall()][::-1]
        return self.free_ids.pop()

    def _write(self, table: str, *values) -> None:
        self.buffers[table].write("\t".join(map(_cell, values)) + "\n")

    def add(self, row: CheckedRow) -> None:
        company = row.company
        if row.is_new:
            company.pk = self._next_id()
        pk = company.pk
        self.company_ids.append(pk)
        competencies = sorted({competency.pk for competency in row.competencies})
        served = sorted(set(row.countries_served) - {row.hq_country})
        company.profile_completeness = completeness_score(
            company=company,
            countries_served=len(served),
            industries=len(row.industries),
            competencies=len(set(competencies) | self.kept_claims.get(pk, set())),
            offerings=len(row.offerings),
        )
        values = vars(company)
        self._write(
            "import_company",
            pk,
            row.is_new,
            company.slug,
            *(
                row.hq_country
                if name == "hq_country"
                else json.dumps(company.languages)
                if name == "languages"
                else values[name]
                for name in IMPORTED_FIELDS
            ),
        )
        self._write("import_country", pk, row.hq_country, True)
        for code in served:
            self._write("import_country", pk, code, False)
        for industry_id in sorted({industry.pk for industry in row.industries}):
            self._write("import_industry", pk, industry_id)
        for name in row.tags:
            self._write("import_tag", pk, name)
        self.tag_names.update(row.tags)
        for item in row.offerings:
            self._write("import_offering", pk, item.kind, item.name, item.description)
        for competency_id in competencies:
            self._write("import_competency", pk, competency_id)
        for domain in dict.fromkeys(row.domains):
            self._write("import_domain", pk, domain)
        self.pending += 1
        if self.pending >= BATCH:
            self._flush()

    def _flush(self) -> None:
        for table, buffer in self.buffers.items():
            if buffer.tell():
                buffer.seek(0)
                columns = ", ".join(_TABLES[table])
                self.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
                self.buffers[table] = io.StringIO()
        self.pending = 0

    def finish(self, *, step: Step) -> None:
        """Write every staged row into the directory, with facet rows and search vectors."""
        self._flush()
        execute = self.cursor.execute
        execute("ANALYZE " + ", ".join(_TABLES))
        # The lists first, the companies last: each company row is then written once, search
        # vector included (the vector reads the lists). The foreign keys to the companies are
        # checked at commit (Django declares them DEFERRABLE INITIALLY DEFERRED).
        execute(f"DELETE FROM directory_companycountry WHERE company_id IN ({_UPDATED})")  # noqa: S608
        execute(
            "INSERT INTO directory_companycountry (company_id, country, is_headquarters)"
            " SELECT company_id, country, is_headquarters FROM import_country"
        )
        step("countries")
        industries = connection.ops.quote_name(Company.industries.through._meta.db_table)
        execute(f"DELETE FROM {industries} WHERE company_id IN ({_UPDATED})")  # noqa: S608
        execute(
            f"INSERT INTO {industries} (company_id, industry_id)"  # noqa: S608
            " SELECT company_id, industry_id FROM import_industry"
        )
        step("industries")
        self._tags_replace()
        step("tags")
        execute(f"DELETE FROM directory_offering WHERE company_id IN ({_UPDATED})")  # noqa: S608
        execute(
            "INSERT INTO directory_offering (company_id, kind, name, description)"
            " SELECT company_id, kind, name, description FROM import_offering"
        )
        step("offerings")
        # Self-declared claims the file leaves out go; staff verifications stay.
        execute(
            f"""DELETE FROM directory_companycompetency cc
            WHERE cc.company_id IN ({_UPDATED}) AND cc.status = %s
              AND NOT EXISTS (SELECT 1 FROM import_competency k
                              WHERE k.company_id = cc.company_id
                                AND k.competency_id = cc.competency_id)""",  # noqa: S608
            [CompanyCompetency.Status.SELF_DECLARED],
        )
        execute(
            """INSERT INTO directory_companycompetency
                (company_id, competency_id, status, created_at)
            SELECT company_id, competency_id, %s, now() FROM import_competency
            ON CONFLICT (company_id, competency_id) DO NOTHING""",
            [CompanyCompetency.Status.SELF_DECLARED],
        )
        step("competencies")
        # A domain the company already holds stays as it is.
        execute(
            "INSERT INTO directory_claimeddomain (company_id, domain)"
            " SELECT company_id, domain FROM import_domain ON CONFLICT (domain) DO NOTHING"
        )
        step("domains")
        execute(*_companies_insert())
        execute(*_companies_update())
        step("companies")
        execute("SELECT directory_search_facets_refresh(array(SELECT id FROM import_company))")
        execute("SELECT set_config('portal.bulk_import', 'off', true)")
        company_vectors_written(company_ids=self.company_ids)
        self.cursor.close()

    def _tags_replace(self) -> None:
        names = sorted(self.tag_names)
        known = set()
        for start in range(0, len(names), 10_000):
            chunk = names[start : start + 10_000]
            known.update(Tag.objects.filter(name__in=chunk).values_list("name", flat=True))
        for name in names:
            if name not in known:  # few: a file reuses its keywords; Tag.save makes a unique slug
                Tag.objects.create(name=name)
        company_type = ContentType.objects.get_for_model(Company).pk
        self.cursor.execute(
            "DELETE FROM taggit_taggeditem"  # noqa: S608
            f" WHERE content_type_id = %s AND object_id IN ({_UPDATED})",
            [company_type],
        )
        self.cursor.execute(
            """INSERT INTO taggit_taggeditem (tag_id, content_type_id, object_id)
            SELECT t.id, %s, s.company_id FROM import_tag s JOIN taggit_tag t ON t.name = s.name""",
            [company_type],
        )


_STAGED = "SELECT id, name, description, offerings_visibility FROM import_company WHERE "


def _companies_update() -> tuple[str, list]:
    """Updated companies: the file's columns, and the search vector from their lists."""
    vectors, params = search_vectors_sql(companies=_STAGED + "NOT is_new")
    assignments = ", ".join(f"{name} = s.{name}" for name in IMPORTED_FIELDS)
    sql = (
        f"UPDATE directory_company c SET {assignments}, updated_at = now(),"  # noqa: S608
        " search_vector = v.search_vector"
        f" FROM import_company s JOIN ({vectors}) v ON v.id = s.id"
        " WHERE c.id = s.id AND NOT s.is_new"
    )
    return sql, params


def _companies_insert() -> tuple[str, list]:
    """New companies: the file's columns, the search vector from their lists, and every other
    column's default."""
    staged = ["id", "slug", *IMPORTED_FIELDS]
    written = [*staged, "created_at", "updated_at", "search_vector"]
    others = [field for field in Company._meta.concrete_fields if field.attname not in written]
    columns = [*written, *(field.column for field in others)]
    vectors, params = search_vectors_sql(companies=_STAGED + "is_new")
    sql = (
        f"INSERT INTO directory_company ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(f's.{name}' for name in staged)}, now(), now(), v.search_vector"
        f"{''.join(', %s' for _ in others)}"
        f" FROM import_company s JOIN ({vectors}) v ON v.id = s.id WHERE s.is_new"
    )
    defaults = [field.get_db_prep_save(field.get_default(), connection) for field in others]
    return sql, [*defaults, *params]
