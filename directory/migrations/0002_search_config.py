"""Full-text search for the directory: accent folding, a text search configuration, sort indexes.

The ``portal_search`` configuration is English stemming with ``unaccent`` in front, so "Zürich",
"zurich" and "ZURICH" index and query alike. ``directory.services.search_index`` fills the
stored vectors with it; ``directory.selectors.search`` queries with it.
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


def create_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIG)


def drop_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CONFIG)


RATING_INDEX = models.Index(
    models.OrderBy(models.F("rating_average"), descending=True, nulls_last=True),
    models.F("name"),
    models.F("id"),
    name="company_sort_rating_idx",
    include=["tier", "hq_country", "details_visibility"],
)


def add_rating_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("directory", "Company"), RATING_INDEX)


def remove_rating_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("directory", "Company"), RATING_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_config, drop_config),
        # SQLite cannot index NULLS LAST: the index exists on PostgreSQL only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="company",
                    index=RATING_INDEX,
                ),
            ],
            database_operations=[migrations.RunPython(add_rating_index, remove_rating_index)],
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(fields=["name", "id"], name="company_sort_name_idx", include=["tier", "hq_country", "details_visibility"]),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(fields=["-created_at", "-id"], name="company_sort_newest_idx", include=["tier", "hq_country", "details_visibility"]),
        ),
    ]
