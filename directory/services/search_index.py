"""The directory's stored full-text vectors, recomputed in one set-based SQL statement.

A bulk writer that inserts or updates companies itself can compute their vectors in the same
statement from ``search_vectors_sql`` (the CSV import does: a company written twice, once for
its columns and once for its vector, costs twice the row and index writes).
"""

from collections.abc import Iterable, Iterator, Sequence

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import StringAgg
from django.db import connection, transaction
from django.db.models import QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from taggit.models import TaggedItem

from directory.facet_cache import facet_cache_forget
from directory.models import SEARCH_CONFIG, Company, CompanyCompetency, Offering, Visibility
from directory.search_text import CJK_CHARACTER, search_text


def _words(rows: QuerySet, *, company: str, text) -> tuple[str, tuple]:
    """SQL of (company, words): the ``text`` of these rows, joined by spaces, per company."""
    words = rows.order_by().values(company).annotate(words=StringAgg(text, " "))
    return words.values(company, "words").query.sql_with_params()


def search_vectors_sql(*, companies: str, params: Sequence = ()) -> tuple[str, list]:
    """SQL selecting ``(id, search_vector)`` for the companies that ``companies`` selects (SQL
    of ``id, name, description, offerings_visibility``, with ``params``), set-based: the claims,
    tags and offerings of all of them are aggregated in one pass each, however many they are.

    What a company is found by. Weights: name A (with the endings of its CJK text, see
    ``CJK_CHARACTER``), competencies and tags B, public offerings C, description D. Only claims
    that count describe the company (a lapsed verification no longer does); offerings count
    only when their group is public, so a free-text match never reveals offerings that the
    viewer may not see.
    """
    # ``companies`` is the caller's SQL, never input; its values are parameters.
    ids = RawSQL(f"SELECT id FROM ({companies}) AS ids", params)  # noqa: S608, S611
    claims = _words(
        CompanyCompetency.objects.live().filter(company_id__in=ids),
        company="company_id",
        text="competency__name",
    )
    company_type = ContentType.objects.get_for_model(Company)
    tags = _words(
        TaggedItem.objects.filter(content_type=company_type, object_id__in=ids),
        company="object_id",
        text="tag__name",
    )
    offerings = _words(
        Offering.objects.filter(company_id__in=ids),
        company="company_id",
        text=Concat("name", Value(" "), "description", output_field=TextField()),
    )
    sql = f"""
        SELECT c.id,
            setweight(to_tsvector(%s::regconfig, COALESCE(c.name, '')), 'A')
            || CASE WHEN c.name ~ %s THEN setweight(to_tsvector(%s::regconfig, (
                SELECT COALESCE(string_agg(substr(c.name, i), ' '), '')
                FROM generate_series(2, char_length(c.name)) AS i
                WHERE substr(c.name, i, 1) ~ %s)), 'A') ELSE ''::tsvector END
            || setweight(to_tsvector(%s::regconfig,
                                     COALESCE(k.words, '') || ' ' || COALESCE(t.words, '')), 'B')
            || setweight(to_tsvector(%s::regconfig, CASE WHEN c.offerings_visibility = %s
                                     THEN COALESCE(o.words, '') ELSE '' END), 'C')
            || setweight(to_tsvector(%s::regconfig, COALESCE(c.description, '')), 'D')
            AS search_vector
        FROM ({companies}) AS c
        LEFT JOIN ({claims[0]}) AS k ON k.company_id = c.id
        LEFT JOIN ({tags[0]}) AS t ON t.object_id = c.id
        LEFT JOIN ({offerings[0]}) AS o ON o.company_id = c.id
    """  # noqa: S608
    config = SEARCH_CONFIG
    return sql, [
        *(config, CJK_CHARACTER, config, CJK_CHARACTER, config, config, Visibility.PUBLIC, config),
        *params,
        *claims[1],
        *tags[1],
        *offerings[1],
    ]


def company_search_reindex(*, company_ids: list[int] | None = None) -> int:
    """Recompute the stored search vector of the given companies (all when None); return how
    many of them changed.

    Contract for every writer: call this after the transaction that changes any indexed text of
    a company — its name or description, its competency claims (added, removed, expired), its
    tags, its offerings, or its ``offerings_visibility`` — passing the ids touched
    (``transaction.on_commit`` is not needed: it may run inside the writer's transaction). Bulk
    writers (seeding, CSV import) call it once with all ids, or with None after a full load.
    It also forgets the cached facet counts that the write changed (``_forget_changed``): those
    of searches with words when a vector changed, all of them when a facet row did.
    On SQLite it rewrites the companies' ``search_text`` instead (directory.search_text).
    """
    if connection.vendor != "postgresql":
        updated = _search_texts_write(company_ids)
        _forget_now_and_after_commit(facets=True, text=True)
        return updated
    updated = 0
    if company_ids is None or company_ids:
        companies = "SELECT id, name, description, offerings_visibility FROM directory_company"
        params: list = []
        if company_ids is not None:
            companies += " WHERE id = ANY(%s)"
            params = [sorted(set(company_ids))]
        vectors, params = search_vectors_sql(companies=companies, params=params)
        with connection.cursor() as cursor:
            # Only the vectors that differ: an edit of no indexed text (a logo, a rating)
            # writes no row and forgets no counts.
            cursor.execute(
                "UPDATE directory_company AS d SET search_vector = v.search_vector"  # noqa: S608
                f" FROM ({vectors}) AS v WHERE d.id = v.id"
                " AND d.search_vector IS DISTINCT FROM v.search_vector",
                params,
            )
            updated = cursor.rowcount
        if updated or company_ids is None:
            search_vocabulary_refresh(company_ids=company_ids)
    _forget_changed(text=bool(updated))
    return updated


# Companies whose search text is rebuilt together, in a handful of queries.
_TEXTS_BATCH = 500


def _search_texts_write(company_ids: list[int] | None) -> int:
    """Rebuild the ``search_text`` of these companies (all when None) from the fields their
    search vector is made of, on the embedded default; return how many changed. A few hundred
    companies at a time, each batch in a handful of queries (and within SQLite's limit of
    parameters a statement may bind)."""
    companies = Company.objects.only("name", "description", "offerings_visibility", "search_text")
    company_type = ContentType.objects.get_for_model(Company)
    if company_ids is None:
        batches = _batched(companies.order_by("pk").iterator(chunk_size=_TEXTS_BATCH))
    else:
        ids = sorted(set(company_ids))
        batches = (
            list(companies.filter(pk__in=ids[start : start + _TEXTS_BATCH]))
            for start in range(0, len(ids), _TEXTS_BATCH)
        )
    return sum(_search_texts_batch(batch, company_type) for batch in batches if batch)


def _batched(companies: Iterable[Company]) -> Iterator[list[Company]]:
    batch: list[Company] = []
    for company in companies:
        batch.append(company)
        if len(batch) == _TEXTS_BATCH:
            yield batch
            batch = []
    yield batch


def _search_texts_batch(companies: list[Company], company_type: ContentType) -> int:
    ids = [company.pk for company in companies]
    claims: dict[int, list[str]] = {pk: [] for pk in ids}
    offerings: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = CompanyCompetency.objects.live().filter(company_id__in=ids)
    for company_id, name in rows.values_list("company_id", "competency__name"):
        claims[company_id].append(name)
    tagged = TaggedItem.objects.filter(content_type=company_type, object_id__in=ids)
    for company_id, name in tagged.values_list("object_id", "tag__name"):
        claims[company_id].append(name)
    public = [c.pk for c in companies if c.offerings_visibility == Visibility.PUBLIC]
    listed = Offering.objects.filter(company_id__in=public).order_by("pk")
    for company_id, name, description in listed.values_list("company_id", "name", "description"):
        offerings[company_id] += [name, description]
    changed = []
    for company in companies:
        text = search_text(
            name=company.name,
            claims=sorted(claims[company.pk]),
            offerings=offerings[company.pk],
            description=company.description,
        )
        if text != company.search_text:
            company.search_text = text
            changed.append(company)
    Company.objects.bulk_update(changed, ["search_text"])
    return len(changed)


def _forget_changed(*, text: bool) -> None:
    """Forget the cached facet counts this session's writes changed: every count when a facet
    row changed (migration 0006 flags it in the session setting ``portal.search_facets_changed``,
    read and cleared here), those of searches with words when ``text`` says a vector did."""
    if connection.vendor != "postgresql":
        _forget_now_and_after_commit(facets=True, text=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('portal.search_facets_changed', true)")
        facets = cursor.fetchone()[0] == "on"
        if facets:
            cursor.execute("SELECT set_config('portal.search_facets_changed', 'off', false)")
    _forget_now_and_after_commit(facets=facets, text=text)


def _forget_now_and_after_commit(*, facets: bool, text: bool) -> None:
    # Now, for reads later in this transaction; after commit, because a concurrent search may
    # meanwhile have cached counts of the data as it was before the commit.
    if facets or text:
        facet_cache_forget(facets=facets, text=text)
        transaction.on_commit(lambda: facet_cache_forget(facets=facets, text=text))


def company_vectors_written(*, company_ids: list[int]) -> None:
    """What follows when a bulk writer has set these companies' search vectors itself (from
    ``search_vectors_sql``): their words join the vocabulary, cached facet counts are forgotten
    (now, and after commit): those of searches with words, and the others too when the facet
    rows changed."""
    _forget_changed(text=True)
    search_vocabulary_refresh(company_ids=company_ids)


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
    (names, descriptions, claims, tags, offerings) and forgets the cached facet counts that
    the write changed (none for a rating or a logo; those of searches with words for a
    description; all for a competency, industry, country, tier or visibility). The
    facet rows (``directory_search_facets``, migration 0003) need no call: database triggers
    refresh them, set-based, in the statement that changes a company, its claims, industries or
    countries.
    """
    ids = sorted(set(company_ids))

    def refresh() -> None:
        company_search_reindex(company_ids=ids)

    transaction.on_commit(refresh)
