"""Indexes that let the facet filters read link tables alone (index-only scans).

The claim index covers ``expires_at`` (verified, unexpired claims of a competency), and the
company–industry link table gets an index led by the industry (its unique index is led by the
company), so an industry filter or facet no longer visits the table's rows.
"""

from django.db import migrations, models

CREATE_INDUSTRY = (
    "CREATE INDEX IF NOT EXISTS company_industries_by_industry"
    " ON directory_company_industries (industry_id, company_id)"
)
DROP_INDUSTRY = "DROP INDEX IF EXISTS company_industries_by_industry"


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_country_index_covers_hq")]

    operations = [
        migrations.RemoveIndex(model_name="companycompetency", name="claim_lookup_idx"),
        migrations.AddIndex(
            model_name="companycompetency",
            index=models.Index(
                fields=["competency", "status", "company"],
                include=("expires_at",),
                name="claim_lookup_idx",
            ),
        ),
        migrations.RunSQL(CREATE_INDUSTRY, DROP_INDUSTRY),
    ]
