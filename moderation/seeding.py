"""Demo moderation queue for ``seed_demo``: screening the posts the groups demo left pending."""

from django.db import transaction

from moderation.services import post_screen, posts_waiting_for_screening
from moderation.tasks import MODELS


@transaction.atomic
def screen_seeded_posts() -> int:
    """Screen at once the pending posts that never reached screening (the demo's job-board and
    spam posts), threads first, oldest first; returns how many screening held for review."""
    waiting = posts_waiting_for_screening(older_than_seconds=0)
    held = 0
    for kind, post_id in sorted(waiting, key=lambda entry: (entry[0] != "thread", entry[1])):
        post = MODELS[kind].objects.select_related("author").get(pk=post_id)
        if post_screen(post=post) is not None:
            held += 1
    return held
