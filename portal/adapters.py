"""django-allauth hooks: what a signup stores and what a login remembers."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

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
