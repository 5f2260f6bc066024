"""The facet triggers stand aside while a bulk writer says so (PostgreSQL only).

A bulk import writes each of its companies several times in one transaction (the company, its
countries, industries and claims, in batches): the statement-level triggers of migration 0004
would recompute the facet row of every company once per statement that touches it. A writer
that runs ``SET LOCAL portal.bulk_import = 'on'`` inside its transaction skips that and calls
``directory_search_facets_refresh`` itself, once for all the companies it wrote, before
committing. ``SET LOCAL`` ends with the transaction, so no other session or later transaction
is affected, and a rolled-back import leaves the facet rows as they were.
"""

from django.db import migrations

TOUCH = """
CREATE OR REPLACE FUNCTION directory_search_facets_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    {guard}
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
"""
# current_setting(..., true) is NULL, not an error, in a session that never set it.
GUARD = """IF current_setting('portal.bulk_import', true) = 'on' THEN
        RETURN NULL;  -- the bulk writer refreshes the facet rows itself, once
    END IF;"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_facets")]

    operations = [
        migrations.RunPython(
            _on_postgresql(TOUCH.replace("{guard}", GUARD)),
            _on_postgresql(TOUCH.replace("{guard}", "")),
        ),
    ]
