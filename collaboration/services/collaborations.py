"""Writes for private collaborations: the two-company conversations that answer a request.

Access is checked by the caller (see ``collaboration.selectors``); these functions assume it
passed and enforce the business rules, raising ``ValidationError`` with the messages below.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from collaboration.models import Collaboration, CollaborationMessage, FindPartnerRequest
from collaboration.selectors import user_belongs_to
from collaboration.services._common import NO_COMPANY, REQUEST_CLOSED
from directory.models import Company
from groups.markdown import render_markdown
from portal.emails import absolute_url, email_subject, in_language_of
from portal.queueing import enqueue_on_commit

OWN_REQUEST = gettext_noop("Your company asked for this; it cannot respond to its own request.")
EMPTY_MESSAGE = gettext_noop("Write a message.")
NOT_COMPANY_PERSON = gettext_noop("Only people of the two companies can be brought in.")
ALREADY_PARTICIPANT = gettext_noop("This person already follows the collaboration.")


def _notify(*, collaboration: Collaboration, event: str, recipients: Iterable[int], actor) -> None:
    # Imported here: collaboration.tasks imports these services (the app's one allowed loop).
    from collaboration.tasks import collaboration_notify as collaboration_notify_task

    recipient_ids = sorted(set(recipients) - {actor.pk})
    if not recipient_ids:
        return
    enqueue_on_commit(
        collaboration_notify_task,
        if_broker_down="no email for this event; the conversation itself is saved",
        collaboration_id=collaboration.pk,
        event=event,
        recipient_ids=recipient_ids,
        actor_id=actor.pk,
    )


def _message_add(*, collaboration: Collaboration, author, body: str) -> CollaborationMessage:
    if not body.strip():
        raise ValidationError({"body": [EMPTY_MESSAGE]})
    message = CollaborationMessage(
        collaboration=collaboration,
        author=author,
        body_markdown=body,
        body_html=render_markdown(body),
    )
    message.full_clean()
    message.save()
    Collaboration.objects.filter(pk=collaboration.pk).update(last_activity_at=message.created_at)
    return message


@transaction.atomic
def collaboration_open(
    *,
    partner_request: FindPartnerRequest,
    responder,
    responder_company: Company | None,
    body: str,
) -> Collaboration:
    """Answer a request privately: open (or continue) the collaboration between the companies."""
    if responder_company is None:
        raise ValidationError(NO_COMPANY)
    if partner_request.status != FindPartnerRequest.Status.OPEN:
        raise ValidationError(REQUEST_CLOSED)
    if partner_request.company_id is None or partner_request.company_id == responder_company.pk:
        raise ValidationError(OWN_REQUEST)
    if not body.strip():
        raise ValidationError({"body": [EMPTY_MESSAGE]})
    collaboration, created = Collaboration.objects.get_or_create(
        request=partner_request,
        responding_company=responder_company,
        defaults={
            "requesting_company_id": partner_request.company_id,
            "subject": partner_request.thread.title[:200],
            "created_by": responder,
        },
    )
    _message_add(collaboration=collaboration, author=responder, body=body)
    followers = [responder.pk]
    author = partner_request.thread.author
    if user_belongs_to(user=author, companies=[collaboration.requesting_company]):
        followers.append(author.pk)
    collaboration.participants.add(*followers)
    _notify(
        collaboration=collaboration,
        event="opened" if created else "message",
        recipients=collaboration.participants.values_list("pk", flat=True),
        actor=responder,
    )
    return collaboration


@transaction.atomic
def collaboration_message_post(
    *, collaboration: Collaboration, author, body: str
) -> CollaborationMessage:
    """Post a message in a collaboration; its followers get an email."""
    message = _message_add(collaboration=collaboration, author=author, body=body)
    collaboration.participants.add(author)
    _notify(
        collaboration=collaboration,
        event="message",
        recipients=collaboration.participants.values_list("pk", flat=True),
        actor=author,
    )
    return message


@transaction.atomic
def collaboration_participant_add(*, collaboration: Collaboration, user, added_by) -> None:
    """Bring a colleague from either company into a collaboration; they get an email."""
    companies = [collaboration.requesting_company, collaboration.responding_company]
    if not user_belongs_to(user=user, companies=companies):
        raise ValidationError({"user": [NOT_COMPANY_PERSON]})
    if collaboration.participants.filter(pk=user.pk).exists():
        raise ValidationError({"user": [ALREADY_PARTICIPANT]})
    collaboration.participants.add(user)
    _notify(collaboration=collaboration, event="added", recipients=[user.pk], actor=added_by)


COLLABORATION_SUBJECTS = {
    "opened": gettext_noop("%(name)s answered your request privately: %(subject)s"),
    "message": gettext_noop("New message in %(subject)s"),
    "added": gettext_noop("%(name)s brought you into %(subject)s"),
}


def collaboration_notify_send(
    *, collaboration: Collaboration, event: str, recipients: Iterable, actor
) -> int:
    """Email followers about a collaboration event, if they may still see it."""
    companies = [collaboration.requesting_company, collaboration.responding_company]
    url = absolute_url(
        reverse("collaboration:detail", kwargs={"collaboration_id": collaboration.pk})
    )
    names = {"name": actor.name, "subject": collaboration.subject}
    sent = 0
    for recipient in recipients:
        if not user_belongs_to(user=recipient, companies=companies):
            continue  # left the company meanwhile: the conversation is no longer theirs
        context = {"recipient": recipient, "actor": actor, "collaboration": collaboration}
        with in_language_of(recipient):
            subject = gettext(COLLABORATION_SUBJECTS[event]) % names
            body = render_to_string(
                "collaboration/email/collaboration_event.txt",
                {**context, "event": event, "url": url},
            )
        send_mail(
            subject=email_subject(subject[:150]),
            message=body,
            from_email=None,
            recipient_list=[recipient.email],
        )
        sent += 1
    return sent
