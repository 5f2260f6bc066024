"""The directory's stored full-text vectors, recomputed in one set-based SQL statement."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Case, OuterRef, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Concat
from taggit.models import TaggedItem

from directory.facet_cache import facet_cache_invalidate
from directory.models import SEARCH_CONFIG, Company, CompanyCompetency, Offering, Visibility


def _words(rows: QuerySet, *, company: str, text) -> Subquery:
    """The ``text`` of these rows that belong to the company being indexed, joined by spaces."""
    return Subquery(
        rows.filter(**{company: OuterRef("pk")})
        .order_by()
        .values(company)
        .annotate(words=StringAgg(text, " "))
        .values("words"),
        output_field=TextField(),
    )


def _search_vector(*, company_type: ContentType) -> SearchVector:
    """What a company is found by. Weights: name A, competencies and tags B, public offerings C,
    description D. Only claims that count describe the company (a lapsed verification no longer
    does); offerings count only when their group is public, so a free-text match never reveals
    offerings that the viewer may not see."""
    competencies = _words(
        CompanyCompetency.objects.live(), company="company", text="competency__name"
    )
    tags = _words(
        TaggedItem.objects.filter(content_type=company_type), company="object_id", text="tag__name"
    )
    offerings = _words(
        Offering.objects.all(),
        company="company",
        text=Concat("name", Value(" "), "description", output_field=TextField()),
    )
    public_offerings = Case(
        When(offerings_visibility=Visibility.PUBLIC, then=offerings),
        default=Value(""),
        output_field=TextField(),
    )
    return (
        SearchVector("name", config=SEARCH_CONFIG, weight="A")
        + SearchVector(competencies, tags, config=SEARCH_CONFIG, weight="B")
        + SearchVector(public_offerings, config=SEARCH_CONFIG, weight="C")
        + SearchVector("description", config=SEARCH_CONFIG, weight="D")
    )


def company_search_reindex(*, company_ids: list[int] | None = None) -> int:
    """Recompute the stored search vector of the given companies (all when None); return rows.

    Contract for every writer: call this after the transaction that changes any indexed text of
    a company — its name or description, its competency claims (added, removed, expired), its
    tags, its offerings, or its ``offerings_visibility`` — passing the ids touched
    (``transaction.on_commit`` is not needed: it may run inside the writer's transaction). Bulk
    writers (seeding, CSV import) call it once with all ids, or with None after a full load.
    It also forgets the cached facet counts (what a text search counts has changed); writes that
    change no indexed text but what facets count (tier, industries, countries, verification,
    expiry) call ``directory.facet_cache.facet_cache_invalidate()`` themselves.
    On SQLite it only forgets the facets and returns 0: search there matches with ``icontains``.
    """
    # Now, for reads later in this transaction; after commit, because a concurrent search may
    # meanwhile have cached counts of the data as it was before the commit.
    facet_cache_invalidate()
    transaction.on_commit(facet_cache_invalidate)
    if connection.vendor != "postgresql":
        return 0
    companies = Company.objects.all()
    if company_ids is not None:
        if not company_ids:
            return 0
        companies = companies.filter(pk__in=list(company_ids))
    company_type = ContentType.objects.get_for_model(Company)
    updated = companies.update(search_vector=_search_vector(company_type=company_type))
    search_vocabulary_refresh(company_ids=company_ids)
    return updated


# The words of names, descriptions, vocabularies and tags, lower-case, unaccented, of three
# letters or more and not all digits; with how many companies use each (for ties).
_WORDS = """
    SELECT w, count(DISTINCT owner) FROM (
        SELECT c.id AS owner, regexp_split_to_table(lower(unaccent(c.name || ' ' || c.description)),
                                                  '[^[:alnum:]]+') AS w
        FROM directory_company c WHERE {companies}
        UNION ALL
        SELECT -1, regexp_split_to_table(lower(unaccent(name)), '[^[:alnum:]]+')
        FROM (SELECT name FROM directory_competency UNION ALL SELECT name FROM directory_industry
              UNION ALL SELECT name FROM taggit_tag) AS names
    ) AS words
    WHERE length(w) >= 3 AND w !~ '^[0-9]+$'
    GROUP BY w
"""


def search_vocabulary_refresh(*, company_ids: list[int] | None = None) -> None:
    """Add the words of these companies (all when None, which rebuilds the vocabulary) and of
    the competency, industry and tag names to the words "did you mean" may propose
    (``directory_search_word``, migration 0003). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if company_ids is None:
            cursor.execute("TRUNCATE directory_search_word")
            words, params = _WORDS.format(companies="true"), []
        else:
            words, params = _WORDS.format(companies="c.id = ANY(%s)"), [list(company_ids)]
        # A word a company drops stays until the next full rebuild: proposing a word that now
        # finds nothing is harmless, since a proposal is only followed when it finds something.
        cursor.execute(
            f"""INSERT INTO directory_search_word (word, companies) {words}
                ON CONFLICT (word) DO UPDATE
                SET companies = GREATEST(directory_search_word.companies, EXCLUDED.companies)""",  # noqa: S608
            params,
        )


def company_index_refresh(*, company_ids: Iterable[int]) -> None:
    """After commit, refresh what these companies feed to search: the entry point for writers.

    Set-based: one statement for all the ids, however many (pass every id a bulk import
    touched, once, rather than calling it per row). It recomputes the stored search vectors
    (names, descriptions, claims, tags, offerings) and forgets the cached facet counts. The
    facet rows (``directory_search_facets``, migration 0003) need no call: database triggers
    refresh them, set-based, in the statement that changes a company, its claims, industries or
    countries.
    """
    ids = sorted(set(company_ids))

    def refresh() -> None:
        company_search_reindex(company_ids=ids)

    transaction.on_commit(refresh)
