"""Build and send due digests now, with progress and a summary; reconcile attempts left in flight.

Without options it does what the hourly run does, in this process: every member whose digest is
due now (their local time, their frequency) and not yet recorded for the period. With
``--email`` it takes that one member regardless of the schedule and sends the digest of their
current period (this week, or today for daily digests); the sent record still holds, so a member
who already got this period's digest gets nothing more, and the scheduled run later skips them.
An empty digest is recorded as such for the period, as the scheduled run would.
``--dry-run`` builds the digests and reports what would be sent, writing and sending nothing.

Every run first reports the attempts stuck in flight: digests handed to the mail server by a
worker that was killed before it could record the outcome. The member may or may not have the
message, so nothing resends it on its own. Each digest's Message-ID is fixed per member and
period (``-v 2`` lists them), so the mail server's log tells which ones arrived.
``--give-up-stuck`` records them as given up, never to be sent (they arrived, or a missed
digest is preferred to a possible duplicate: the next digest covers the same news);
``--resend-stuck`` sends again those whose period is still current (they never arrived; a copy
that did arrive can be folded by its Message-ID) and gives up the others.
An attempt counts as stuck once it is older than ``--stuck-after`` minutes, by default the
Celery task time limit: no worker can still be sending it by then.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digests.selectors import (
    digest_attempts_stuck,
    digests_for_members,
    members_due,
    members_for_batch,
)
from digests.services import (
    BatchResult,
    TransientMailError,
    digest_attempts_give_up,
    digest_attempts_resend,
    digest_batch_send,
    digest_message_id,
)
from digests.tasks import batch_size, chunks
from portal.models import User


def stuck_after_default() -> int:
    """Minutes after which an in-flight attempt is stuck: the task time limit, rounded up."""
    return -(-int(settings.CELERY_TASK_TIME_LIMIT) // 60)


class Command(BaseCommand):
    help = (
        "Build and send due digests now (or one member's with --email), with a summary; "
        "report digests stuck in flight and give them up or resend them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Build, report, send nothing.")
        parser.add_argument(
            "--email", metavar="ADDRESS", help="Only this member, whatever the schedule."
        )
        stuck = parser.add_mutually_exclusive_group()
        stuck.add_argument(
            "--give-up-stuck",
            action="store_true",
            help="Record digests stuck in flight as given up; they are never sent again.",
        )
        stuck.add_argument(
            "--resend-stuck",
            action="store_true",
            help="Send digests stuck in flight again (those of a period that is over are given "
            "up). Use when the mail server's log shows they never arrived.",
        )
        parser.add_argument(
            "--stuck-after",
            type=int,
            metavar="MINUTES",
            default=stuck_after_default(),
            help="In flight for this long counts as stuck (default: the task time limit, "
            "%(default)s).",
        )

    def handle(
        self,
        *args,
        dry_run: bool = False,
        email: str | None = None,
        give_up_stuck: bool = False,
        resend_stuck: bool = False,
        stuck_after: int | None = None,
        **options,
    ) -> None:
        now = timezone.now()
        member = None
        if email:
            member = User.objects.filter(email__iexact=email).first()
            if member is None:
                raise CommandError(f"No member with the email address {email}.")
        if stuck_after is None:
            stuck_after = stuck_after_default()
        self.reconcile(
            now=now,
            member=member,
            older_than=timedelta(minutes=stuck_after),
            action="give up" if give_up_stuck else "resend" if resend_stuck else None,
            dry_run=dry_run,
            verbosity=options.get("verbosity", 1),
        )
        if member is not None:
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

    def reconcile(
        self,
        *,
        now,
        member: User | None,
        older_than: timedelta,
        action: str | None,
        dry_run: bool,
        verbosity: int,
    ) -> None:
        """Report the attempts stuck in flight, and give them up or resend them when asked."""
        stuck = digest_attempts_stuck(now=now, older_than=older_than)
        if member is not None:
            stuck = stuck.filter(member=member)
        attempts = list(stuck)
        minutes = int(older_than.total_seconds() // 60)
        self.stdout.write(
            f"Stuck in flight for over {minutes} minute(s), maybe delivered, not resent: "
            f"{len(attempts)}."
        )
        if not attempts:
            return
        if verbosity > 1 or action:
            for attempt in attempts:
                message_id = digest_message_id(
                    member_id=attempt.member_id, period_key=attempt.period_key
                )
                self.stdout.write(
                    f"  {attempt.member.email}: period {attempt.period_key}, {message_id}, "
                    f"handed to the mail server at {attempt.attempted_at:%Y-%m-%d %H:%M:%S %Z}"
                )
        if action is None:
            self.stdout.write(
                "  Look their Message-IDs up in the mail server's log (-v 2 lists them), then run "
                "again with --give-up-stuck (never send them) or --resend-stuck (send them again)."
            )
        elif dry_run:
            self.stdout.write(f"  Dry run: would {action} {len(attempts)}.")
        elif action == "give up":
            given_up = digest_attempts_give_up(attempts=attempts)
            self.stdout.write(f"  Gave up {given_up}.")
        else:
            try:
                resent, given_up = digest_attempts_resend(attempts=attempts, now=now)
            except TransientMailError as exc:
                self.stderr.write(f"Resend stopped by the mail server: {exc}")
                return
            self.stdout.write(
                f"  Resent {resent.sent}, gave up {given_up} (their period is over)"
                + (f", empty now {resent.empty}" if resent.empty else "")
                + (f", refused {resent.failed}" if resent.failed else "")
                + "."
            )
