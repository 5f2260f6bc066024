"""Cross-app hook: a sign-in through a company's identity provider puts the person in it."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from directory.services.memberships import membership_join_through_identity_provider
from sso.selectors import policy_for_provider_id


@receiver(user_logged_in, dispatch_uid="sso_join_company_of_identity_provider")
def join_company_of_identity_provider(sender, request, user, **kwargs) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    policy = policy_for_provider_id(sociallogin.account.provider)
    if policy is None or policy.company is None:
        return
    for address in sociallogin.email_addresses:
        if policy.covers(address.email):
            membership_join_through_identity_provider(
                user=user, company=policy.company, email=address.email
            )
            return
