"""The search vectors of companies with Chinese, Japanese or Korean names, recomputed so that
they hold the endings of those names (``directory.services.search_index.CJK_CHARACTER``): a
part of such a name then finds the company. PostgreSQL only; SQLite matches by substring."""

from django.db import migrations


def reindex_cjk_names(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from directory.services.search_index import CJK_CHARACTER, company_search_reindex

    Company = apps.get_model("directory", "Company")
    ids = list(Company.objects.filter(name__regex=CJK_CHARACTER).values_list("pk", flat=True))
    if ids:
        company_search_reindex(company_ids=ids)


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_search_facets_changed_flag")]

    operations = [migrations.RunPython(reindex_cjk_names, migrations.RunPython.noop)]
