# ruff: noqa: S608 - SQL of this migration's constants
"""The facet rows carry the profile completeness too (PostgreSQL only).

With it, every input of the ranking rules is on the facet row (the search vector, tier, rating,
verified competencies and now completeness): a search with words is ranked on the facet rows
alone (``directory.selectors.search.ordering.ranked_facet_rows_page``), where it
fetched each match's company row and probed its claims (at 1,000,000 companies, "sec" with a
competency and a country: 4,944 matches, 14,000 buffers read for the join and the probes).

The refresh copies it with the sort keys; the company trigger also fires when it changes.
"""

from importlib import import_module

from django.db import migrations

SORT_KEYS = import_module("directory.migrations.0009_search_facets_sort_keys")
VECTOR = import_module("directory.migrations.0010_search_facets_vector")

ADD_COLUMN = """
ALTER TABLE directory_search_facets ADD COLUMN profile_completeness smallint NOT NULL DEFAULT 0;
UPDATE directory_search_facets f SET profile_completeness = c.profile_completeness
    FROM directory_company c WHERE c.id = f.company_id AND c.profile_completeness <> 0;
"""
DROP_COLUMN = "ALTER TABLE directory_search_facets DROP COLUMN profile_completeness"

REFRESH = SORT_KEYS.refresh((*SORT_KEYS.SORT_KEYS, "search_vector", "profile_completeness"))

COMPANY_CHANGES = (
    "WHERE (n.tier, n.details_visibility, n.name, n.rating_average, n.created_at,"
    " n.profile_completeness)\n"
    "            IS DISTINCT FROM (o.tier, o.details_visibility, o.name, o.rating_average,"
    " o.created_at, o.profile_completeness);"
)
TOUCH = VECTOR.TOUCH.replace(SORT_KEYS.COMPANY_CHANGES, COMPANY_CHANGES)
assert TOUCH != VECTOR.TOUCH  # noqa: S101 - the company condition above is 0009's, verbatim


class Migration(migrations.Migration):
    dependencies = [("directory", "0010_search_facets_vector")]

    operations = [
        migrations.RunPython(
            SORT_KEYS._on_postgresql(ADD_COLUMN, REFRESH, TOUCH),
            SORT_KEYS._on_postgresql(VECTOR.TOUCH, VECTOR.REFRESH, DROP_COLUMN),
        ),
    ]
