from collections.abc import Callable

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.cldr import time_zone_options
from portal.models import User


def country_choices(blank: str | Promise | None = None) -> Callable[[], list[tuple[str, str]]]:
    """A form field's choices of every country, named and sorted in the reader's language.

    A callable, since django-countries names countries when they are listed: a list made at
    import would stay in English. ``blank`` labels an empty first choice.
    """

    def choices() -> list[tuple[str, str]]:
        named = [(code, name) for code, name in countries]
        return named if blank is None else [("", blank), *named]

    return choices


DISPLAY_NAME_HELP = _("How other members see you, for example “Ada Lovelace”.")


class SignupForm(AllauthSignupForm):
    """allauth's signup (email and password) plus the name other members will see."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=DISPLAY_NAME_HELP,
        widget=forms.TextInput(attrs={"placeholder": _("Display name"), "autocomplete": "name"}),
    )
    field_order = ["email", "display_name", "password1", "password2"]

    def try_save(self, request):
        if self.account_already_exists:
            # Creating an account hashes the password, which is most of a signup's time. With
            # ACCOUNT_PREVENT_ENUMERATION allauth only sends a mail for a taken address, so it
            # would answer many times faster and tell that the address has an account. Pay the
            # same price, with the configured hasher, and throw the hash away.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "job_title", "time_zone", "language"]
        help_texts = {
            "display_name": _("How other members see you. Leave blank to use your email name."),
            "time_zone": _("Digests and dates are shown in this time zone."),
            "language": _(
                "The portal and its emails use this language. Leave blank to follow your browser."
            ),
        }
        labels = {
            "display_name": _("Display name"),
            "job_title": _("Job title"),
            "time_zone": _("Time zone"),
            "language": _("Language"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The zones named in the reader's language; a member's old alias name stays choosable.
        options = list(time_zone_options(get_language() or "en"))
        current = self.instance.time_zone if self.instance else ""
        listed = {zone for _group, zones in options for zone, _label in zones}
        if current and current not in listed:
            options.insert(0, (current, current.replace("_", " ")))
        self.fields["time_zone"].choices = options
