"""``Company.search_text``: the words the embedded default (SQLite) searches, tagged by field
(``directory.search_text``), filled here for the companies an existing SQLite database holds.
Empty on PostgreSQL, which searches ``search_vector``.

The column is added by hand: on SQLite Django would rebuild the table for a NOT NULL column,
and with it every index of the model's state, including the NULLS LAST sort index that SQLite
cannot create (migration 0002 creates it on PostgreSQL only). Its database default lets the
statements that insert companies themselves (the CSV import, the benchmark's seeding) leave it
out."""

from django.db import migrations, models


def fill_search_texts(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        return
    if not apps.get_model("directory", "Company").objects.exists():
        return
    from directory.services.search_index import company_search_reindex

    company_search_reindex()


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_search_facets_completeness")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE directory_company ADD COLUMN search_text text NOT NULL DEFAULT ''",
                    "ALTER TABLE directory_company DROP COLUMN search_text",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="company",
                    name="search_text",
                    field=models.TextField(blank=True, db_default="", default="", editable=False),
                )
            ],
        ),
        migrations.RunPython(fill_search_texts, migrations.RunPython.noop),
    ]
