"""Build and send due digests now, with progress and a summary.

Without options it does what the hourly run does, in this process: every member whose digest is
due now (their local time, their frequency) and not yet recorded for the period. With
``--email`` it takes that one member regardless of the schedule and sends the digest of their
current period (this week, or today for daily digests); the sent record still holds, so a member
who already got this period's digest gets nothing more, and the scheduled run later skips them.
An empty digest is recorded as such for the period, as the scheduled run would.
``--dry-run`` builds the digests and reports what would be sent, writing and sending nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digests.selectors import digests_for_members, members_due, members_for_batch
from digests.services import BatchResult, TransientMailError, digest_batch_send
from digests.tasks import batch_size, chunks
from portal.models import User


class Command(BaseCommand):
    help = "Build and send due digests now (or one member's with --email), with a summary."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Build, report, send nothing.")
        parser.add_argument(
            "--email", metavar="ADDRESS", help="Only this member, whatever the schedule."
        )

    def handle(self, *args, dry_run: bool = False, email: str | None = None, **options) -> None:
        now = timezone.now()
        if email:
            member = User.objects.filter(email__iexact=email).first()
            if member is None:
                raise CommandError(f"No member with the email address {email}.")
            ids = [member.pk]
            if not members_for_batch(member_ids=ids, now=now):
                self.stdout.write(
                    f"{member.email}: nothing to do (digests off, inactive, unverified email, "
                    "or this period's digest is already recorded)."
                )
                return
        else:
            ids = list(members_due(now=now).values_list("pk", flat=True))
        self.stdout.write(
            f"{len(ids)} member(s) due; {'dry run, ' if dry_run else ''}batches of {batch_size()}."
        )
        total = BatchResult()
        done = 0
        for chunk in chunks(ids, batch_size()):
            if dry_run:
                members = members_for_batch(member_ids=chunk, now=now)
                digests = digests_for_members(members=members, now=now)
                for digest in digests:
                    if digest.is_empty:
                        total.empty += 1
                    else:
                        total.sent += 1
                        if email:
                            self.stdout.write(
                                f"{digest.member.email}: {digest.item_count} item(s) "
                                f"for period {digest.period.key}"
                            )
            else:
                try:
                    total += digest_batch_send(member_ids=chunk, now=now)
                except TransientMailError as exc:
                    total.failed += len(chunk)
                    self.stderr.write(f"Batch stopped by the mail server: {exc}")
            done += len(chunk)
            self.stdout.write(f"  {done}/{len(ids)} processed")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {verb} {total.sent}, skipped empty {total.empty}, failed {total.failed}"
                + (f", already sent {total.already_recorded}" if total.already_recorded else "")
                + "."
            )
        )
