"""Whether a user is one of a company's approved people, cached per user: the navigation asks it
on every signed-in page.

The cached answer is forgotten whenever one of the user's company memberships is saved or
deleted (at once and again when the transaction commits, in case a request cached the old row in
between), and expires after ``IN_COMPANY_TIMEOUT`` at the latest, for writes that send no model
signals (``bulk_create``, ``update``). A lost cache entry costs one query, never a wrong answer.
"""

from django.core.cache import cache
from django.db import transaction

from directory.models import CompanyMembership

IN_COMPANY_KEY = "directory:in-company:{user_id}"
IN_COMPANY_TIMEOUT = 10 * 60


def user_in_company(*, user) -> bool:
    """Whether the signed-in ``user`` has an approved company membership."""
    key = IN_COMPANY_KEY.format(user_id=user.pk)
    in_company = cache.get(key)
    if in_company is None:
        in_company = CompanyMembership.objects.filter(
            user=user, status=CompanyMembership.Status.APPROVED
        ).exists()
        cache.set(key, in_company, IN_COMPANY_TIMEOUT)
    return in_company


def forget_on_membership_change(sender, instance: CompanyMembership, **kwargs) -> None:
    """post_save / post_delete receiver (connected in ``DirectoryConfig.ready``)."""
    key = IN_COMPANY_KEY.format(user_id=instance.user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
