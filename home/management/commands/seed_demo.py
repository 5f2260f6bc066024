from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser
from faker import Faker

from analytics.seeding import seed_analytics
from collaboration.seeding import seed_collaboration
from deals.seeding import seed_deals
from directory.seeding import seed_companies
from groups.seeding import seed_groups
from moderation.seeding import screen_seeded_posts
from portal import seeding
from sso.seeding import seed_identity_provider


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
                raise CommandError(f"--{name} must be zero or more.")
        if options["if_empty"] and seeding.demo_data_exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        faker = Faker()
        Faker.seed(options["seed"])
        faker.seed_instance(options["seed"])

        members = seeding.seed_members(
            count=options["members"], faker=faker, progress=self._progress("members")
        )
        self._summary(f"Members: {len(members)}")
        companies = seed_companies(
            count=options["companies"],
            faker=faker,
            progress=self._progress("companies"),
            members=members,
        )
        self._summary(f"Companies: {companies}")
        groups = seed_groups(
            count_threads=options["threads"],
            faker=faker,
            progress=self._progress("threads"),
            members=members,
        )
        held = screen_seeded_posts()
        self._summary(
            f"Groups: {groups['groups']}  Threads: {groups['threads']}  "
            f"Replies: {groups['replies']}  Held for review: {held}"
        )
        collaboration = seed_collaboration(faker=faker, progress=self._progress("requests"))
        self._summary(
            f"Requests: {collaboration['requests']}  Collaborations: "
            f"{collaboration['collaborations']}  Referrals: {collaboration['referrals']}"
        )
        deals = seed_deals(faker=faker, progress=self._progress("deals"))
        self._summary(
            f"Deal registrations: {deals['registrations']} (approved {deals['approved']}, won "
            f"{deals['won']}, lost {deals['lost']}, expired {deals['expired']}, rejected "
            f"{deals['rejected']}, waiting {deals['submitted']}, conflicts {deals['conflicts']})"
        )
        analytics = seed_analytics()
        self._summary(
            f"Analytics: deal rollup of {analytics['rollup_rows']} rows, "
            f"{analytics['scorecards']} scorecards, {analytics['proposals']} tier proposals"
        )
        connection = seed_identity_provider()
        if connection is not None:
            self._summary(f"Identity providers: 1 ({connection.company.name}, placeholder issuer)")
        self.stdout.write(
            f"Sign in as {seeding.DEMO_MEMBER_EMAIL} (member, company admin) or "
            f"{seeding.DEMO_STAFF_EMAIL} (program staff), password {seeding.DEMO_PASSWORD}"
        )

    def _summary(self, line: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(line))

    def _progress(self, label: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            bar = "#" * filled + "." * (width - filled)
            self.stdout.write(f"\r{label:<10} [{bar}] {done}/{total}", ending="")
            self.stdout.flush()

        return report
