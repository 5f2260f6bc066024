from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.services.importing import companies_import


class Command(BaseCommand):
    help = (
        "Create or update partner companies from a CSV file (format: docs/import-format.md). "
        "All rows are saved or none; every rejected row is reported with its column and reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file, UTF-8, with a header row")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, save nothing"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        report = companies_import(data=data, dry_run=options["dry_run"], progress=self._progress)
        self.stdout.write("")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} problem(s) in {report.rows} row(s); nothing was saved."
            )
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} row(s) valid: {report.created} compan(ies) {verb} created, "
                f"{report.updated} {verb} updated."
                + (f" {len(report.warnings)} cell(s) flagged." if report.warnings else "")
                + (" Dry run: nothing was saved." if report.dry_run else "")
            )
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        self.stdout.write(
            f"\rimporting  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
        )
        self.stdout.flush()
