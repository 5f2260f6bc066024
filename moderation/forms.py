"""Forms for moderation: they validate what a moderator or member sends."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from groups.models import Flag

CHOOSE_ITEMS = gettext_noop("Choose at least one item.")


class MultipleIntegerField(forms.Field):
    """Several integers sent under one name (checkboxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError) as error:
            raise ValidationError(gettext(CHOOSE_ITEMS)) from error

    def validate(self, value) -> None:
        if not value:
            raise ValidationError(gettext(CHOOSE_ITEMS))


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Flag.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=300, label=_("Reason the author will see"), strip=True, required=True
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, strip=True)


class BulkDecisionForm(forms.Form):
    items = MultipleIntegerField()
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(max_length=300, required=False, strip=True)


class BanForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Reason for the ban"), strip=True)


class WatchedWordForm(forms.Form):
    phrase = forms.CharField(max_length=100, label=_("Word or phrase"), strip=True)
