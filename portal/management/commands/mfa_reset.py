"""Reset a person's two-factor authentication when they lost their device (program staff)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.models import User
from portal.services import mfa_reset


class Command(BaseCommand):
    help = (
        "Remove every authenticator (app, security keys, recovery codes) of the account with "
        "this email, audited under the staff member named by --by and emailed to the account. "
        "Check who is asking before you run it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the account whose two-factor authentication to reset")
        parser.add_argument("--by", required=True, help="your own (program staff) email address")
        parser.add_argument("--reason", required=True, help="why, for the audit log")

    def handle(self, *args, email: str, by: str, reason: str, **options) -> None:
        user = _user(email)
        staff = _user(by)
        try:
            removed = mfa_reset(user=user, staff=staff, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Reset two-factor authentication of {user.email}: {removed} authenticator(s) "
                f"removed, audited under {staff.email}, and {user.email} was told by email."
            )
        )


def _user(email: str) -> User:
    try:
        return User.objects.get(email__iexact=email)
    except User.DoesNotExist:
        raise CommandError(f"No account with the email address {email}.") from None
