"""Full-text search for the directory, written by hand: what the model state cannot say.

- The ``portal_search`` text search configuration is English stemming with ``unaccent`` in
  front, so "Zürich", "zurich" and "ZURICH" index and query alike
  (``directory.models.SEARCH_CONFIG`` names it).
- The rating sort index orders NULLS LAST, which SQLite cannot index: it exists on PostgreSQL
  only, while the model state knows it everywhere.
- A GIN index over the company name alone finds name matches when a search matches too many
  companies to rank them all (``directory.selectors.search.ordering``).
- The company–industry link table gets an index led by the industry (its unique index is led
  by the company), so an industry filter or facet reads the index alone.

PostgreSQL only, every one of them: the SQLite default searches with ``icontains``.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

CREATE_CONFIG = """
CREATE TEXT SEARCH CONFIGURATION portal_search (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION portal_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, english_stem;
"""
DROP_CONFIG = "DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_search;"

CREATE_NAME_INDEX = """
CREATE INDEX IF NOT EXISTS company_name_search_gin ON directory_company
USING gin ((to_tsvector('portal_search'::regconfig, COALESCE("name", ''))))
"""
DROP_NAME_INDEX = "DROP INDEX IF EXISTS company_name_search_gin"

CREATE_INDUSTRY_INDEX = (
    "CREATE INDEX IF NOT EXISTS company_industries_by_industry"
    " ON directory_company_industries (industry_id, company_id)"
)
DROP_INDUSTRY_INDEX = "DROP INDEX IF EXISTS company_industries_by_industry"

RATING_INDEX = models.Index(
    models.OrderBy(models.F("rating_average"), descending=True, nulls_last=True),
    models.F("name"),
    models.F("id"),
    name="company_sort_rating_idx",
    include=["tier", "hq_country", "details_visibility"],
)


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def add_rating_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("directory", "Company"), RATING_INDEX)


def remove_rating_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("directory", "Company"), RATING_INDEX)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(_on_postgresql(CREATE_CONFIG), _on_postgresql(DROP_CONFIG)),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="company", index=RATING_INDEX)],
            database_operations=[migrations.RunPython(add_rating_index, remove_rating_index)],
        ),
        migrations.RunPython(_on_postgresql(CREATE_NAME_INDEX), _on_postgresql(DROP_NAME_INDEX)),
        migrations.RunPython(
            _on_postgresql(CREATE_INDUSTRY_INDEX), _on_postgresql(DROP_INDUSTRY_INDEX)
        ),
    ]
