"""Forms for deal registration: they parse input, services decide."""

from django import forms
from django_countries import countries

from collaboration.services import CURRENCIES
from deals.models import DealStatus
from directory.models import Competency

STATUS_FILTER_CHOICES = [("", "Any status"), *DealStatus.choices]


class RegistrationForm(forms.Form):
    customer_name = forms.CharField(max_length=200, help_text="The customer's company name.")
    customer_domain = forms.CharField(
        label="Customer web domain",
        max_length=253,
        help_text="e.g. acme.com — subdomains count as the same customer.",
    )
    country = forms.ChoiceField(choices=[("", "Choose a country"), *countries])
    competencies = forms.ModelMultipleChoiceField(
        label="Products and competencies",
        queryset=Competency.objects.all(),
        help_text="What the customer is buying.",
    )
    value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(choices=[(code, code) for code in CURRENCIES])
    expected_close_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="Anything staff should know.",
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_FILTER_CHOICES, required=False)


class ReviewFilterForm(forms.Form):
    country = forms.MultipleChoiceField(choices=list(countries), required=False)
    competency = forms.ModelMultipleChoiceField(
        label="Product or competency",
        queryset=Competency.objects.all(),
        to_field_name="slug",
        required=False,
    )


class IdsField(forms.TypedMultipleChoiceField):
    """Ticked row ids; whether each may still be decided is the service's business."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit() and len(str(value)) < 19


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    registrations = IdsField(
        coerce=int, error_messages={"required": "Tick at least one registration."}
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text="Required to reject; the partner sees it.",
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(DealStatus.WON, "Won"), (DealStatus.LOST, "Lost")])
    reason = forms.CharField(required=False, max_length=2000, label="Note")


class ExtendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, initial=30)
    reason = forms.CharField(max_length=2000, help_text="The partner sees it.")
