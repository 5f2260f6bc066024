"""Mail backends that fail on purpose, to prove what a digest run does when mail breaks."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


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
