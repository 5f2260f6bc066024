"""A GIN index over the company name alone, for ranking searches that match many companies.

``directory.selectors.search`` puts name matches first without ranking every match when a search
matches more than ``RANK_ALL_LIMIT`` companies; this index finds those name matches. PostgreSQL
only (SQLite search uses ``icontains``), so no model state changes.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS company_name_search_gin ON directory_company
USING gin ((to_tsvector('portal_search'::regconfig, COALESCE("name", ''))))
"""
DROP = "DROP INDEX IF EXISTS company_name_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_config")]

    operations = [migrations.RunPython(create_index, drop_index)]
