# ruff: noqa: S608 - SQL of this migration's constants
"""The facet rows carry the sort keys: name, rating and creation time (PostgreSQL only).

A search without words whose facet filters leave a few thousand companies finds its page among
them on the facet rows (``directory.selectors.search.ordering.collected_page_ids``). With the
sort keys beside the arrays the page is sorted there; before, every match's company was fetched
by primary key to be sorted (at 100,000 companies, pages 20-150 of one country: 3,300 companies
fetched for 20).

The refresh keeps the keys with the rest, and the company trigger now also fires when a name,
rating or creation time changes. The ``portal.search_facets_changed`` flag (migration 0006)
still says whether a *facet* changed, comparing the row before and after: a new rating rewrites
the row and forgets no cached facet counts.
"""

from importlib import import_module

from django.db import migrations

CHANGED_FLAG = import_module("directory.migrations.0006_search_facets_changed_flag")
BULK_SWITCH = import_module("directory.migrations.0005_search_facets_bulk_switch")

FACETS = (
    "{t}.tier, {t}.claimed, {t}.verified, {t}.verified_until, {t}.industries,"
    " {t}.countries_public, {t}.countries_members, {t}.countries_all"
)
SORT_KEYS = ("name", "rating_average", "created_at")

ADD_COLUMNS = """
ALTER TABLE directory_search_facets
    ADD COLUMN name varchar(200),
    ADD COLUMN rating_average numeric(3, 2),
    ADD COLUMN created_at timestamptz;
UPDATE directory_search_facets f
    SET name = c.name, rating_average = c.rating_average, created_at = c.created_at
    FROM directory_company c WHERE c.id = f.company_id;
ALTER TABLE directory_search_facets
    ALTER COLUMN name SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL;
"""
DROP_COLUMNS = """
ALTER TABLE directory_search_facets
    DROP COLUMN name, DROP COLUMN rating_average, DROP COLUMN created_at;
"""

def refresh(copied: tuple[str, ...]) -> str:
    """The refresh function, copying these company columns to the facet row as they are
    besides the facets it computes; only the facets count as a change for the flag."""
    facets_f, facets_new = FACETS.format(t="f"), FACETS.format(t="EXCLUDED")
    columns = ", ".join(copied)
    from_company = ", ".join(f"c.{name}" for name in copied)
    copied_f = ", ".join(f"f.{name}" for name in copied)
    copied_new = ", ".join(f"EXCLUDED.{name}" for name in copied)
    copy_set = ", ".join(f"{name} = EXCLUDED.{name}" for name in copied)
    return f"""
CREATE OR REPLACE FUNCTION directory_search_facets_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    WITH before AS (
        -- Every part of a statement sees the rows as they were before it.
        SELECT f.company_id, ROW({facets_f})::text AS facets
        FROM directory_search_facets f WHERE f.company_id = ANY(ids)
    ), gone AS (
        DELETE FROM directory_search_facets f WHERE f.company_id = ANY(ids)
            AND NOT EXISTS (SELECT 1 FROM directory_company c WHERE c.id = f.company_id)
        RETURNING 1
    ), written AS (
        INSERT INTO directory_search_facets AS f (
            company_id, {facets_f.replace("f.", "")}, {columns})
        SELECT c.id, c.tier,
            COALESCE(k.claimed, '{{}}'), COALESCE(k.verified, '{{}}'), k.verified_until,
            COALESCE((SELECT array_agg(i.industry_id ORDER BY i.industry_id)
                      FROM directory_company_industries i WHERE i.company_id = c.id), '{{}}'),
            COALESCE(n.public, '{{}}'), COALESCE(n.members, '{{}}'), COALESCE(n.everyone, '{{}}'),
            {from_company}
        FROM directory_company c
        LEFT JOIN LATERAL (
            SELECT
                array_agg(n.country ORDER BY n.country) FILTER (
                    WHERE n.is_headquarters OR c.details_visibility = 'public') AS public,
                array_agg(n.country ORDER BY n.country) FILTER (
                    WHERE n.is_headquarters OR c.details_visibility IN ('public', 'members'))
                    AS members,
                array_agg(n.country ORDER BY n.country) AS everyone
            FROM directory_companycountry n WHERE n.company_id = c.id
        ) n ON true
        LEFT JOIN LATERAL (
            SELECT
                array_agg(cc.competency_id ORDER BY cc.competency_id) AS claimed,
                array_agg(cc.competency_id ORDER BY cc.competency_id) FILTER (
                    WHERE cc.status = 'verified'
                          AND (cc.expires_at IS NULL OR cc.expires_at > now())) AS verified,
                min(cc.expires_at) FILTER (
                    WHERE cc.status = 'verified' AND cc.expires_at > now()) AS verified_until
            FROM directory_companycompetency cc WHERE cc.company_id = c.id
        ) k ON true
        WHERE c.id = ANY(ids)
        ON CONFLICT (company_id) DO UPDATE SET
            tier = EXCLUDED.tier,
            claimed = EXCLUDED.claimed, verified = EXCLUDED.verified,
            verified_until = EXCLUDED.verified_until, industries = EXCLUDED.industries,
            countries_public = EXCLUDED.countries_public,
            countries_members = EXCLUDED.countries_members, countries_all = EXCLUDED.countries_all,
            {copy_set}
        WHERE ({facets_f}, {copied_f}) IS DISTINCT FROM ({facets_new}, {copied_new})
        RETURNING f.company_id, ROW({facets_f})::text AS facets
    )
    SELECT set_config('portal.search_facets_changed', 'on', false)
    WHERE EXISTS (SELECT 1 FROM gone) OR EXISTS (
        SELECT 1 FROM written w LEFT JOIN before b ON b.company_id = w.company_id
        WHERE b.facets IS DISTINCT FROM w.facets);
$$;
"""


REFRESH = refresh(SORT_KEYS)

COMPANY_CHANGES_BEFORE = (
    "WHERE (n.tier, n.details_visibility) IS DISTINCT FROM (o.tier, o.details_visibility);"
)
COMPANY_CHANGES = (
    "WHERE (n.tier, n.details_visibility, n.name, n.rating_average, n.created_at)\n"
    "            IS DISTINCT FROM (o.tier, o.details_visibility, o.name, o.rating_average,"
    " o.created_at);"
)
TOUCH_BEFORE = BULK_SWITCH.TOUCH.replace("{guard}", BULK_SWITCH.GUARD)
TOUCH = TOUCH_BEFORE.replace(COMPANY_CHANGES_BEFORE, COMPANY_CHANGES)
assert TOUCH != TOUCH_BEFORE  # noqa: S101 - the company condition above is 0005's, verbatim


def _on_postgresql(*statements: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_search_facets_tier_index")]

    operations = [
        migrations.RunPython(
            _on_postgresql(ADD_COLUMNS, REFRESH, TOUCH),
            _on_postgresql(
                TOUCH_BEFORE,
                CHANGED_FLAG._refresh(
                    only_changed=CHANGED_FLAG.ONLY_CHANGED, flag=CHANGED_FLAG.FLAG
                ),
                DROP_COLUMNS,
            ),
        ),
    ]
