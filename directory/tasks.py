from celery import shared_task

from directory.services.companies import competency_claims_expire_due


@shared_task(acks_late=True)
def competency_claims_expire() -> int:
    """Expire verified competency claims whose date has passed; safe to run any number of times."""
    return competency_claims_expire_due()
