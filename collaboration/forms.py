"""Forms for requests, collaborations and referrals: they parse input, services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.models import FindPartnerRequest, Referral
from collaboration.services import CURRENCIES
from directory.models import Competency, Industry, SizeBand
from portal.forms import country_choices

STATUS_FILTER_CHOICES = [("", _("Any status")), *FindPartnerRequest.Status.choices]


class RequestForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=None, label=_("Group"), help_text=_("Where the request is posted.")
    )
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        widget=forms.Textarea,
        max_length=20000,
        label=_("Description"),
        help_text=_("Markdown. What the project needs."),
    )
    competencies = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.all(),
        label=_("Competencies"),
        help_text=_("From the directory's vocabulary; companies claiming them are told."),
    )
    countries = forms.MultipleChoiceField(
        choices=country_choices(),
        required=False,
        label=_("Countries"),
        help_text=_("Leave empty for anywhere."),
    )
    deadline = forms.DateField(
        required=False, label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class RespondForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea,
        max_length=20000,
        help_text=_("Markdown. Only the people of the two companies (and program staff) see it."),
    )


class MessageForm(RespondForm):
    pass


class ParticipantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label=_("Colleague"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class CloseForm(forms.Form):
    awarded_to = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Who did it go to?"),
        empty_label=_("Nobody (closed without a partner)"),
    )

    def __init__(self, *args, responders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarded_to"].queryset = responders


class ReferralForm(forms.Form):
    """Two parts: what the other company sees at once, and what it sees once it accepts."""

    use_case = forms.CharField(
        max_length=300,
        label=_("Use case"),
        help_text=_(
            "What the customer needs, without naming them. Shown to the other company now."
        ),
    )
    industry = forms.ModelChoiceField(
        queryset=Industry.objects.all(),
        required=False,
        label=_("Industry"),
        empty_label=_("Not given"),
    )
    country = forms.ChoiceField(
        choices=country_choices(blank=_("Not given")), required=False, label=_("Customer's country")
    )
    size_band = forms.ChoiceField(
        choices=[("", _("Not given")), *SizeBand.choices], required=False, label=_("Customer size")
    )
    value = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        label=_("Value"),
        help_text=_("Expected value. The other company sees only its range until it accepts."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(code, code) for code in CURRENCIES], initial="USD"
    )
    customer_name = forms.CharField(
        max_length=200,
        label=_("Customer name"),
        help_text=_("Shown to the other company once it accepts."),
    )
    customer_contact_name = forms.CharField(
        max_length=200, required=False, label=_("Contact name"), help_text=_("Shown once accepted.")
    )
    customer_contact_email = forms.EmailField(
        required=False, label=_("Contact email"), help_text=_("Shown once accepted.")
    )
    customer_contact_phone = forms.CharField(
        max_length=40, required=False, label=_("Contact phone"), help_text=_("Shown once accepted.")
    )


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Referral.Status.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label=_("Reason for declining"),
        help_text=_("Required to decline. The referring company sees it."),
    )


class RequestFilterForm(forms.Form):
    competency = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Competency"),
    )
    country = forms.MultipleChoiceField(
        choices=country_choices(), required=False, label=_("Country")
    )
    status = forms.ChoiceField(choices=STATUS_FILTER_CHOICES, required=False, label=_("Status"))
    matches = forms.BooleanField(required=False, label=_("Only requests that fit my company"))
