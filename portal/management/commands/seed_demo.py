from django.core.management.base import BaseCommand, CommandParser
from faker import Faker

from portal import seeding


class Command(BaseCommand):
    help = "Fill the portal with realistic demo data, showing progress and a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--companies", type=int, default=60, help="partner companies to create")
        parser.add_argument("--members", type=int, default=120, help="members to create")
        parser.add_argument("--threads", type=int, default=200, help="group threads to create")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed, for repeatable data"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when demo data already exists"
        )

    def handle(self, *args, **options) -> None:
        for name in ("companies", "members", "threads"):
            if options[name] < 0:
                self.stderr.write(self.style.ERROR(f"--{name} must be zero or more."))
                raise SystemExit(2)
        if options["if_empty"] and seeding.demo_data_exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        faker = Faker()
        Faker.seed(options["seed"])
        faker.seed_instance(options["seed"])

        members = seeding.seed_members(
            count=options["members"], faker=faker, progress=self._progress("members")
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Members: {len(members)}"))
        self.stdout.write(
            f"Sign in as {seeding.DEMO_MEMBER_EMAIL} (member) or {seeding.DEMO_STAFF_EMAIL} "
            f"(program staff), password {seeding.DEMO_PASSWORD}"
        )

    def _progress(self, label: str):
        def report(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            self.stdout.write(
                f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
            )
            self.stdout.flush()

        return report
