from django.db import migrations, models

LISTING_STATUS = models.CharField(
    choices=[
        ("draft", "Draft, waiting for review by program staff"),
        ("curated", "Reviewed by program staff"),
    ],
    default="curated",
    max_length=8,
)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_search_sql"),
    ]

    operations = [
        # One ALTER TABLE on both databases: SQLite's AddField would rebuild the table and with
        # it the PostgreSQL-only NULLS LAST index of 0002, which SQLite refuses. Existing
        # companies count as reviewed.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="company", name="listing_status", field=LISTING_STATUS
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE directory_company ADD COLUMN listing_status varchar(8) "
                    "NOT NULL DEFAULT 'curated'",
                    "ALTER TABLE directory_company DROP COLUMN listing_status",
                ),
            ],
        ),
        migrations.AlterField(
            model_name="verificationlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("competency_verified", "Competency verified"),
                    ("competency_expired", "Competency expired"),
                    ("competency_revoked", "Verification revoked"),
                    ("tier_changed", "Tier changed"),
                    ("review_approved", "Review approved"),
                    ("review_rejected", "Review rejected"),
                    ("listing_curated", "Draft listing reviewed"),
                ],
                max_length=24,
            ),
        ),
    ]
