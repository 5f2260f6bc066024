# ruff: noqa: S608 - SQL of this migration's constants
"""The facet rows carry the search vector too, with its index and samples (PostgreSQL only).

A search with words and facet filters matched the words on the company row and the filters on
the facet row, so the planner intersected them by probing one side once per match of the other
(at 1,000,000 companies, "clou" with two competencies in Mexico: 13,000 probes, 264 ms). With
the vector on the facet row too, the words' index and the arrays' indexes intersect before a
row is read, and a word's facets are counted without a probe per match.

- ``search_vector``, copied from the company by the refresh (migration 0009's, one column more)
  and, when a company's vector alone changes (a reindex), straight from the trigger's
  transition table, without recomputing the facets.
- Its GIN index, and samples of it: one company in 4, 16, 64 and 256, chosen by a hash of the
  id (ids follow the order companies were created in, which imports and seeding tie to what
  they hold). A word matching thousands of companies has its facets counted over the sample
  whose partial index finds it (``directory.selectors.search.facet_sql``): a word in 3,000
  companies of 100,000 reads about 190 of them in the sample of one in 16.
"""

from importlib import import_module

from django.db import migrations

SORT_KEYS = import_module("directory.migrations.0009_search_facets_sort_keys")

MODULI = (4, 16, 64, 256)  # powers of two: the hash's low bits

ADD_COLUMN = """
ALTER TABLE directory_search_facets ADD COLUMN search_vector tsvector;
UPDATE directory_search_facets f SET search_vector = c.search_vector
    FROM directory_company c WHERE c.id = f.company_id AND c.search_vector IS NOT NULL;
CREATE INDEX directory_search_facets_search ON directory_search_facets
    USING gin (search_vector);
"""
SAMPLES = [
    f"CREATE INDEX directory_search_facets_search_{modulus} ON directory_search_facets"
    f" USING gin (search_vector) WHERE (hashint8(company_id) & {modulus - 1}) = 0"
    for modulus in MODULI
]
DROP_COLUMN = "ALTER TABLE directory_search_facets DROP COLUMN search_vector"

REFRESH = SORT_KEYS.refresh((*SORT_KEYS.SORT_KEYS, "search_vector"))

# A company whose vector alone changed gets it copied; one whose facets or sort keys changed is
# refreshed (which copies the vector too).
VECTOR_COPY = """ELSIF TG_TABLE_NAME = 'directory_company' THEN
        UPDATE directory_search_facets f SET search_vector = n.search_vector
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE f.company_id = n.id AND n.search_vector IS DISTINCT FROM o.search_vector;
        SELECT array_agg(n.id)"""
TOUCH = SORT_KEYS.TOUCH.replace(
    "ELSIF TG_TABLE_NAME = 'directory_company' THEN\n        SELECT array_agg(n.id)", VECTOR_COPY
)
assert TOUCH != SORT_KEYS.TOUCH  # noqa: S101 - the company branch above is 0005's, verbatim


_on_postgresql = SORT_KEYS._on_postgresql


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_search_facets_sort_keys")]

    operations = [
        migrations.RunPython(
            _on_postgresql(ADD_COLUMN, *SAMPLES, REFRESH, TOUCH),
            _on_postgresql(SORT_KEYS.TOUCH, SORT_KEYS.REFRESH, DROP_COLUMN),
        ),
    ]
