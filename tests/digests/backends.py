"""Mail backends that fail or stall on purpose, to prove what a digest run does when mail breaks."""

import os
import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend


class BreaksAfterBackend(EmailBackend):
    """Delivers ``allowed`` messages (into mail.outbox), then raises ``error`` for every other."""

    allowed = 0
    error: BaseException = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    delivered = 0
    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if type(self).delivered >= type(self).allowed:
            raise type(self).error
        type(self).delivered += len(messages)
        return super().send_messages(messages)


class StatusAtSendBackend(EmailBackend):
    """Notes the recorded status of each digest at the moment the message reaches the server."""

    seen: list[str] = []

    def send_messages(self, messages):
        from digests.models import DigestSent

        type(self).seen = [DigestSent.objects.get(member__email=m.to[0]).status for m in messages]
        return super().send_messages(messages)


class PausingSMTPBackend(SMTPBackend):
    """Real SMTP, then a pause once the server has taken each message.

    The pause holds open the window in which a killed worker leaves a digest delivered but not
    yet recorded, so that a test can kill a worker subprocess exactly there. Its length comes
    from the environment (``DIGEST_TEST_PAUSE_AFTER_SEND``, seconds).
    """

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        time.sleep(float(os.environ.get("DIGEST_TEST_PAUSE_AFTER_SEND", "0")))
        return sent
