from datetime import datetime

from django.utils import timezone

from digests.selectors import Digest, digests_for_members, members_for_batch


def digest_of(member, now: datetime | None = None) -> Digest:
    """The digest the member would get now (their period, their last digest)."""
    now = now or timezone.now()
    (digest,) = digests_for_members(
        members=members_for_batch(member_ids=[member.pk], now=now), now=now
    )
    return digest
