"""django-allauth hooks: what a signup stores, what a login remembers, where mail links point."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.emails import absolute_url, in_language_of
from portal.models import User

# Session flag: this login is the account's first, so the dashboard welcomes rather than
# welcomes back.
FIRST_VISIT_SESSION_KEY = "portal_first_visit"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user.display_name = form.cleaned_data.get("display_name", "")
        return super().save_user(request, user, form, commit=commit)

    def login(self, request: HttpRequest, user) -> None:
        first_visit = user.last_login is None
        super().login(request, user)
        request.session[FIRST_VISIT_SESSION_KEY] = first_visit

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # Where the confirmation link lands once it has signed the new member in.
        return resolve_url(settings.ONBOARDING_URL)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # An account's first sign-in (usually the confirmation link itself) goes on to the one
        # onboarding form: company, groups, done. A `next` parameter still wins.
        # Program staff belong to no partner company: their first stop is their own dashboard.
        if request.session.get(FIRST_VISIT_SESSION_KEY) and not request.user.is_staff:
            return resolve_url(settings.ONBOARDING_URL)
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Account emails speak the recipient's language, not that of the request that caused
        # them (a staff member's, or a browser's on a password reset).
        recipient = context.get("user")
        if not isinstance(recipient, User):
            recipient = User.objects.filter(email__iexact=email).first()
        with in_language_of(recipient):
            super().send_mail(template_prefix, email, context)

    def send_notification_mail(self, template_prefix: str, user, context=None, email=None):
        # allauth leaves the user out of a notification's context; the greeting names them.
        context = {"user": user, **(context or {})}
        return super().send_notification_mail(template_prefix, user, context, email)

    # Links in emails use SITE_URL, the portal's public address, never the Host header of
    # whatever request caused the email.

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's opaque key is "<uidb36>-<key>"; its URL pattern takes the two apart.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))
