"""The directory's stored full-text vectors, recomputed in one set-based SQL statement."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from directory.models import Company, Visibility

# The text search configuration created by migration 0002: English stemming behind unaccent.
SEARCH_CONFIG = "portal_search"

# Weights: name A, competencies and tags B, public offerings C, description D. Expired claims do
# not describe the company any more; offerings count only when their group is public, so a
# free-text match never reveals offerings that the viewer may not see.
REINDEX_SQL = """
UPDATE directory_company AS c SET search_vector =
    setweight(to_tsvector('portal_search', coalesce(c.name, '')), 'A')
    || setweight(to_tsvector('portal_search',
        coalesce((
            SELECT string_agg(k.name, ' ')
            FROM directory_companycompetency cc
            JOIN directory_competency k ON k.id = cc.competency_id
            WHERE cc.company_id = c.id AND cc.status <> 'expired'
        ), '') || ' ' || coalesce((
            SELECT string_agg(t.name, ' ')
            FROM taggit_taggeditem ti
            JOIN taggit_tag t ON t.id = ti.tag_id
            WHERE ti.object_id = c.id AND ti.content_type_id = %(company_type)s
        ), '')), 'B')
    || setweight(to_tsvector('portal_search',
        CASE WHEN c.offerings_visibility = %(public)s THEN coalesce((
            SELECT string_agg(o.name || ' ' || o.description, ' ')
            FROM directory_offering o
            WHERE o.company_id = c.id
        ), '') ELSE '' END), 'C')
    || setweight(to_tsvector('portal_search', coalesce(c.description, '')), 'D')
"""


def company_search_reindex(*, company_ids: list[int] | None = None) -> int:
    """Recompute the stored search vector of the given companies (all when None); return rows.

    Contract for every writer: call this after the transaction that changes any indexed text of
    a company — its name or description, its competency claims (added, removed, expired), its
    tags, its offerings, or its ``offerings_visibility`` — passing the ids touched
    (``transaction.on_commit`` is not needed: it may run inside the writer's transaction). Bulk
    writers (seeding, CSV import) call it once with all ids, or with None after a full load.
    It also forgets the cached facet counts (what a text search counts has changed); writes that
    change no indexed text but what facets count (tier, industries, countries, verification,
    expiry) call ``directory.selectors.search.facet_cache_invalidate()`` themselves.
    On SQLite it only forgets the facets and returns 0: search there matches with ``icontains``.
    """
    from directory.selectors.search import facet_cache_invalidate

    # Now, for reads later in this transaction; after commit, because a concurrent search may
    # meanwhile have cached counts of the data as it was before the commit.
    facet_cache_invalidate()
    transaction.on_commit(facet_cache_invalidate)
    if connection.vendor != "postgresql":
        return 0
    params: dict = {
        "company_type": ContentType.objects.get_for_model(Company).pk,
        "public": Visibility.PUBLIC,
    }
    sql = REINDEX_SQL
    if company_ids is not None:
        if not company_ids:
            return 0
        sql += " WHERE c.id = ANY(%(ids)s)"
        params["ids"] = list(company_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
