"""The facet rows are rewritten only where they change, and say when they did (PostgreSQL only).

``directory_search_facets_refresh`` (migration 0004) rewrote every row it was asked about. Now
it skips rows whose values are unchanged, and when it did insert, change or delete a row it sets
the session setting ``portal.search_facets_changed`` to 'on'. A writer reads and clears that
setting after its transaction (``directory.services.search_index``) and forgets the cached facet
counts only then: a profile edit that changes no competency, industry, country, tier or
visibility keeps them. The setting is session-level (not ``SET LOCAL``), so it is still there
after the commit; a rolled-back transaction takes it back with its writes.
"""

from django.db import migrations

REFRESH = """
CREATE OR REPLACE FUNCTION directory_search_facets_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM directory_search_facets f WHERE f.company_id = ANY(ids)
            AND NOT EXISTS (SELECT 1 FROM directory_company c WHERE c.id = f.company_id)
        RETURNING 1
    ), written AS (
        INSERT INTO directory_search_facets AS f
        SELECT c.id, c.tier,
            COALESCE(k.claimed, '{}'), COALESCE(k.verified, '{}'), k.verified_until,
            COALESCE((SELECT array_agg(i.industry_id ORDER BY i.industry_id)
                      FROM directory_company_industries i WHERE i.company_id = c.id), '{}'),
            COALESCE(n.public, '{}'), COALESCE(n.members, '{}'), COALESCE(n.everyone, '{}')
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
            countries_members = EXCLUDED.countries_members, countries_all = EXCLUDED.countries_all
        {only_changed}
        RETURNING 1
    )
    SELECT {flag} WHERE EXISTS (SELECT 1 FROM gone) OR EXISTS (SELECT 1 FROM written);
$$;
"""
ONLY_CHANGED = """WHERE (f.tier, f.claimed, f.verified, f.verified_until, f.industries,
               f.countries_public, f.countries_members, f.countries_all)
            IS DISTINCT FROM (EXCLUDED.tier, EXCLUDED.claimed, EXCLUDED.verified,
               EXCLUDED.verified_until, EXCLUDED.industries, EXCLUDED.countries_public,
               EXCLUDED.countries_members, EXCLUDED.countries_all)"""
FLAG = "set_config('portal.search_facets_changed', 'on', false)"


def _refresh(*, only_changed: str, flag: str) -> str:
    return REFRESH.replace("{only_changed}", only_changed).replace("{flag}", flag)


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_search_facets_bulk_switch")]

    operations = [
        migrations.RunPython(
            _on_postgresql(_refresh(only_changed=ONLY_CHANGED, flag=FLAG)),
            _on_postgresql(_refresh(only_changed="", flag="1")),
        ),
    ]
