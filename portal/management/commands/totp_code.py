"""Print the current code of an authenticator-app key, as a phone app would show it.

For trying the demo (`make run`) without a phone: the two-factor set-up page shows the key;
``python manage.py totp_code KEY`` prints the code to type. It computes with allauth's own TOTP
functions and settings (period, digits), so the code is the one the portal expects.
"""

import binascii

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Print the current six-digit code for an authenticator-app key (the set-up page's key)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("key", help="the key the two-factor set-up page shows")

    def handle(self, *args, key: str, **options) -> None:
        secret = "".join(key.split()).upper()
        counter = int(timezone.now().timestamp()) // app_settings.TOTP_PERIOD
        try:
            code = format_hotp_value(hotp_value(secret, counter))
        except (binascii.Error, ValueError) as error:
            raise CommandError(
                "That is not an authenticator key: copy the letters and digits the set-up page "
                "shows under the QR code."
            ) from error
        self.stdout.write(code)
