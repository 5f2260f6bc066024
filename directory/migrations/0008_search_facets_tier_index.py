"""The facet rows' tier, indexed (PostgreSQL only).

A search without words whose facet filters leave few companies finds and counts them on the
facet rows (``directory.selectors.search.ordering.collected_page_ids`` and the capped count of
``facet_sql``). With the tier indexed beside the arrays' GIN indexes, the bitmaps of every
filter intersect before any row is read: at 1,000,000 companies "Azure or Kubernetes, in
Germany, gold" reads the 1,006 pages of its 1,018 rows instead of the 5,599 pages of the 6,134
in Germany with either competency.
"""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS directory_search_facets_tier ON directory_search_facets (tier)"
DROP = "DROP INDEX IF EXISTS directory_search_facets_tier"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_search_cjk_name_endings")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
