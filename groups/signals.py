"""What groups tells the apps above it. Groups never imports them (floors: moderation stands on
groups); an app that cares connects a receiver in its ``AppConfig.ready()``.

Each signal is sent inside the transaction of the service that sends it, and receivers run
synchronously there: what a receiver writes commits or rolls back with the post or membership,
and an exception in a receiver undoes the whole write.
"""

from django.dispatch import Signal

post_submitted = Signal()
"""A new thread or reply was saved as pending (``sender``: its model; ``post``).

Whoever reviews posts (moderation) screens it and publishes it or holds it for a moderator.
With no receiver connected there is nobody to review a post, so groups publishes it at once
rather than leave it pending where no one would ever pass it.
"""

post_resubmitted = Signal()
"""An author who does not moderate the group edited a published or pending post; the post is
now pending and needs review afresh (``sender``: its model; ``post``).

With no receiver connected an edit does not send a post back to review: it stays as it was.
"""

join_request_decided = Signal()
"""A moderator approved or declined a request to join (``sender``: GroupMembership; ``group``,
``membership`` (deleted when declined), ``approved``, ``moderator``).

Moderation records the decision in its audit log. With no receiver connected the decision
still stands; only the audit row is missing.
"""
