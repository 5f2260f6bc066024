# ruff: noqa: S608 - SQL of this migration's constants
"""Each company's industries and countries in sort order, one row per value (PostgreSQL only).

A search without words filtered by one industry or one country found its page among the
matches' facet rows: a few thousand matches touch most pages of that table (a row is ~600
bytes, most of it the search vector), so at 100,000 companies a country's page cost 15-20 ms
and an industry whose companies are all unrated, walked by rating in vain first, 17 ms.

``directory_search_facet_values`` holds (facet, value, company) with the company's sort keys,
in one btree whose order is the search's default (rating, then name and id): a page of one
value by rating is a range of that index read from its offset, its count the range's length,
and the other orders sort the range's index entries, with no table page read
(``directory.selectors.search.facet_sql``). A served country carries the least visibility
level that shows it (0 public, 1 members, 2 staff): the facet rows' three country arrays nest.

A trigger on the facet rows keeps it: the values of a company whose industries, countries or
sort keys changed are rewritten when its facet row is (a new search vector or claim rewrites
none). It follows the facet rows' own truncation.
"""

from importlib import import_module

from django.db import migrations

_on_postgresql = import_module("directory.migrations.0009_search_facets_sort_keys")._on_postgresql

CREATE = """
CREATE TABLE directory_search_facet_values (
    facet varchar(8) NOT NULL,
    value varchar(20) NOT NULL,
    level smallint NOT NULL,
    company_id bigint NOT NULL,
    rating_average numeric(3, 2),
    name varchar(200) NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX directory_search_facet_values_by_rating ON directory_search_facet_values
    (facet, value, rating_average DESC NULLS LAST, name, company_id) INCLUDE (level, created_at);
CREATE INDEX directory_search_facet_values_company ON directory_search_facet_values (company_id);
"""

# The values of the facet rows in ``rows`` (a table or transition table aliased f).
VALUES_OF = """
SELECT 'industry', x::text, 0, f.company_id, f.rating_average, f.name, f.created_at
FROM {rows}, unnest(f.industries) AS x
UNION ALL
SELECT 'country', x::text,
    CASE WHEN x = ANY(f.countries_public) THEN 0 WHEN x = ANY(f.countries_members) THEN 1
         ELSE 2 END,
    f.company_id, f.rating_average, f.name, f.created_at
FROM {rows}, unnest(f.countries_all) AS x
"""
COLUMNS = "(facet, value, level, company_id, rating_average, name, created_at)"
WATCHED = (
    "industries",
    "countries_public",
    "countries_members",
    "countries_all",
    "name",
    "rating_average",
    "created_at",
)


def _row(alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in WATCHED)


SYNC = f"""
CREATE FUNCTION directory_search_facet_values_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO directory_search_facet_values {COLUMNS}
        {VALUES_OF.format(rows="new_rows f")};
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM directory_search_facet_values v USING old_rows o
        WHERE v.company_id = o.company_id;
    ELSE
        WITH changed AS (
            SELECT n.company_id FROM new_rows n JOIN old_rows o ON o.company_id = n.company_id
            WHERE ({_row("n")}) IS DISTINCT FROM ({_row("o")})
        ), gone AS (
            DELETE FROM directory_search_facet_values v USING changed c
            WHERE v.company_id = c.company_id
        )
        INSERT INTO directory_search_facet_values {COLUMNS}
        {VALUES_OF.format(rows="new_rows f JOIN changed c ON c.company_id = f.company_id")};
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION directory_search_facet_values_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE directory_search_facet_values;
    RETURN NULL;
END
$$;
CREATE TRIGGER directory_search_facet_values_insert AFTER INSERT ON directory_search_facets
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facet_values_sync();
CREATE TRIGGER directory_search_facet_values_update AFTER UPDATE ON directory_search_facets
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facet_values_sync();
CREATE TRIGGER directory_search_facet_values_delete AFTER DELETE ON directory_search_facets
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facet_values_sync();
CREATE TRIGGER directory_search_facet_values_truncate AFTER TRUNCATE ON directory_search_facets
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_facet_values_truncate();
INSERT INTO directory_search_facet_values {COLUMNS}
{VALUES_OF.format(rows="directory_search_facets f")};
ANALYZE directory_search_facet_values;
"""

DROP = """
DROP TABLE IF EXISTS directory_search_facet_values;
DROP FUNCTION IF EXISTS directory_search_facet_values_sync() CASCADE;
DROP FUNCTION IF EXISTS directory_search_facet_values_truncate() CASCADE;
"""


class Migration(migrations.Migration):
    dependencies = [("directory", "0012_company_search_text")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE, SYNC), _on_postgresql(DROP)),
    ]
