"""The directory's facet rows and typo tolerance, written by hand (PostgreSQL only).

- ``directory_search_facets``: one narrow row per company holding what the filters and facet
  counts read (tier, claimed and verified competency ids, industry ids, the countries each
  audience sees) as arrays, so one grouped statement counts every facet
  (``directory.selectors.search.facet_sql``). Statement-level triggers with transition tables
  keep it right, set-based, after any INSERT, UPDATE, DELETE or TRUNCATE of the tables it
  mirrors: no writer has to remember it, a bulk import refreshes each company once per
  statement, and a write touches only the rows of the companies it changed (no cache to drop).
  A verified claim can lapse without a write (``expires_at`` passes): the row keeps the earliest
  such expiry (``verified_until``) and readers recompute the claims of a row past it.
- ``pg_trgm``, trigram indexes on the names, and ``directory_search_word``, the vocabulary
  that "did you mean" and the fuzzy fallback draw on (``directory.selectors.search.fuzzy``).

The verified-claim rule below (verified and not past ``expires_at``) is the SQL twin of
``CompanyCompetency.objects.verified()``; the facet tests hold the two together.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FACET_TABLE = """
CREATE TABLE directory_search_facets (
    company_id bigint PRIMARY KEY,
    tier varchar(12) NOT NULL,
    claimed bigint[] NOT NULL DEFAULT '{}',
    verified bigint[] NOT NULL DEFAULT '{}',
    verified_until timestamptz,
    industries bigint[] NOT NULL DEFAULT '{}',
    -- Countries as each audience sees them: the headquarters always, the countries served
    -- where the details group is visible to it (public, members, staff).
    countries_public varchar(2)[] NOT NULL DEFAULT '{}',
    countries_members varchar(2)[] NOT NULL DEFAULT '{}',
    countries_all varchar(2)[] NOT NULL DEFAULT '{}'
);
CREATE INDEX directory_search_facets_claimed ON directory_search_facets USING gin (claimed);
CREATE INDEX directory_search_facets_verified ON directory_search_facets USING gin (verified);
CREATE INDEX directory_search_facets_industries ON directory_search_facets USING gin (industries);
CREATE INDEX directory_search_facets_countries_public ON directory_search_facets
    USING gin (countries_public);
CREATE INDEX directory_search_facets_countries_members ON directory_search_facets
    USING gin (countries_members);
CREATE INDEX directory_search_facets_countries_all ON directory_search_facets
    USING gin (countries_all);

CREATE FUNCTION directory_verified_now(company bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(array_agg(competency_id ORDER BY competency_id), '{}')
    FROM directory_companycompetency
    WHERE company_id = company AND status = 'verified'
      AND (expires_at IS NULL OR expires_at > now())
$$;

CREATE FUNCTION directory_search_facets_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM directory_search_facets f WHERE f.company_id = ANY(ids)
        AND NOT EXISTS (SELECT 1 FROM directory_company c WHERE c.id = f.company_id);
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
        countries_members = EXCLUDED.countries_members, countries_all = EXCLUDED.countries_all;
$$;

-- One function for every mirrored table: TG_ARGV[0] names the company column. Companies are
-- updated for many reasons (ratings, the search vector of every company at once): only those
-- whose mirrored columns changed are refreshed.
CREATE FUNCTION directory_search_facets_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', TG_ARGV[0]) INTO ids;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', TG_ARGV[0]) INTO ids;
    ELSIF TG_TABLE_NAME = 'directory_company' THEN
        SELECT array_agg(n.id) INTO ids FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.tier, n.details_visibility) IS DISTINCT FROM (o.tier, o.details_visibility);
    ELSE
        EXECUTE format(
            'SELECT array_agg(DISTINCT x) FROM (SELECT %1$I AS x FROM new_rows'
            ' UNION ALL SELECT %1$I FROM old_rows) s', TG_ARGV[0]) INTO ids;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM directory_search_facets_refresh(ids);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION directory_search_facets_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE directory_search_facets;
    RETURN NULL;
END
$$;

CREATE TRIGGER directory_search_facets_company_insert AFTER INSERT ON directory_company
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facets_touch('id');
CREATE TRIGGER directory_search_facets_company_update AFTER UPDATE ON directory_company
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facets_touch('id');
CREATE TRIGGER directory_search_facets_company_delete AFTER DELETE ON directory_company
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facets_touch('id');
CREATE TRIGGER directory_search_facets_company_truncate AFTER TRUNCATE ON directory_company
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facets_truncate();
"""

LINK_TABLES = ("directory_companycompetency", "directory_company_industries", "directory_companycountry")


def _link_triggers() -> str:
    statements = []
    for table in LINK_TABLES:
        for event, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            statements.append(
                f"CREATE TRIGGER directory_search_facets_{event.lower()} AFTER {event} ON {table}"
                f" REFERENCING {referencing} FOR EACH STATEMENT"
                " EXECUTE FUNCTION directory_search_facets_touch('company_id');"
            )
    return "\n".join(statements)


# Every word a company can be found by in its name, its description, its competencies,
# industries and tags, lower-case and without accents: what "did you mean" may propose.
VOCABULARY = """
CREATE TABLE directory_search_word (
    word text PRIMARY KEY,
    companies integer NOT NULL DEFAULT 0
);
CREATE INDEX directory_search_word_trgm ON directory_search_word USING gin (word gin_trgm_ops);
"""
DROP_VOCABULARY = "DROP TABLE IF EXISTS directory_search_word;"

FILL = "SELECT directory_search_facets_refresh(array(SELECT id FROM directory_company));"

DROP_FACETS = """
DROP TABLE IF EXISTS directory_search_facets;
DROP FUNCTION IF EXISTS directory_search_facets_touch() CASCADE;
DROP FUNCTION IF EXISTS directory_search_facets_truncate() CASCADE;
DROP FUNCTION IF EXISTS directory_search_facets_refresh(bigint[]);
DROP FUNCTION IF EXISTS directory_verified_now(bigint);
"""


def _on_postgresql(*statements: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_company_listing_status")]

    operations = [
        migrations.RunPython(
            _on_postgresql(FACET_TABLE, _link_triggers(), FILL), _on_postgresql(DROP_FACETS)
        ),
        TrigramExtension(),
        migrations.RunPython(_on_postgresql(VOCABULARY), _on_postgresql(DROP_VOCABULARY)),
    ]
