"""Cross-app hook: when groups publishes a request thread, collaboration matches it.

Publishing belongs to groups/moderation, which know nothing about requests; this receiver is
the decoupled bridge. Matching itself is idempotent, so a repeated save is harmless.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from collaboration.services import request_thread_published
from groups.models import PostStatus, Thread


@receiver(post_save, sender=Thread, dispatch_uid="collaboration_request_published")
def request_thread_saved(sender, instance: Thread, created: bool, update_fields=None, **kwargs):
    if instance.kind != Thread.Kind.REQUEST or instance.status != PostStatus.PUBLISHED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    request_thread_published(thread=instance)
