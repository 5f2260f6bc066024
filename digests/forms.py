from django import forms
from django.utils.translation import gettext_lazy as _

from digests.models import Frequency
from groups.models import GroupMembership


class DigestPreferencesForm(forms.Form):
    """How often the digest comes, and which of the member's groups it covers."""

    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    groups = forms.TypedMultipleChoiceField(
        label=_("Groups in my digest"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Uncheck a group to leave its threads out of your digest."),
    )

    def __init__(self, *args, memberships: list[GroupMembership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(m.group_id, m.group.name) for m in memberships]
        if not memberships:
            del self.fields["groups"]
