"""Cross-app hooks: allauth tells the directory when someone proves an email address."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from directory.services.memberships import membership_request_for_email


@receiver(email_confirmed, dispatch_uid="directory_join_by_confirmed_email")
def join_by_confirmed_email(sender, request, email_address: EmailAddress, **kwargs) -> None:
    membership_request_for_email(user=email_address.user, email=email_address.email)


@receiver(user_logged_in, dispatch_uid="directory_join_by_verified_email_on_login")
def join_by_verified_email_on_login(sender, request, user, **kwargs) -> None:
    # Domains claimed after a person confirmed their address still catch them at next sign-in.
    for address in EmailAddress.objects.filter(user=user, verified=True).order_by("-primary"):
        if membership_request_for_email(user=user, email=address.email) is not None:
            break
