"""Samples of the search vector's index: one company in 4, 16, 64 and 256 (PostgreSQL only).

A word matching thousands of companies has its facets counted over a sample of its matches
(``directory.selectors.search.facet_sql``): those whose id hashes to 0 modulo the sample's
size. The hash, not the id itself: ids follow the order companies were created in, which
imports and seeding tie to what they hold. Each sample has its own partial GIN index, so the
sample is found through it and only its companies are read: a word in 3,000 companies of
100,000 reads about 190 of them in the sample of one in 16, where ``TABLESAMPLE`` read a share
of every company's page and tested its vector.
"""

from django.db import migrations

MODULI = (4, 16, 64, 256)  # powers of two: the hash's low bits


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for modulus in MODULI:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS company_search_sample_{modulus} ON directory_company"
            f" USING gin (search_vector) WHERE (hashint8(id) & {modulus - 1}) = 0",
            params=None,
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for modulus in MODULI:
        schema_editor.execute(f"DROP INDEX IF EXISTS company_search_sample_{modulus}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_search_facets_tier_index")]

    operations = [migrations.RunPython(_create, _drop)]
