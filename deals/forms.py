"""Forms for deal registration: they parse input, services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.services import CURRENCIES
from deals.models import DealStatus
from directory.models import Competency
from portal.forms import country_choices

STATUS_FILTER_CHOICES = [("", _("Any status")), *DealStatus.choices]


class RegistrationForm(forms.Form):
    customer_name = forms.CharField(
        max_length=200, label=_("Customer name"), help_text=_("The customer's company name.")
    )
    customer_domain = forms.CharField(
        label=_("Customer web domain"),
        max_length=253,
        help_text=_("e.g. acme.com — subdomains count as the same customer."),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices(blank=_("Choose a country"))
    )
    competencies = forms.ModelMultipleChoiceField(
        label=_("Products and competencies"),
        queryset=Competency.objects.all(),
        help_text=_("What the customer is buying."),
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=[(code, code) for code in CURRENCIES])
    expected_close_date = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        widget=forms.Textarea,
        label=_("Description"),
        required=False,
        max_length=5000,
        help_text=_("Anything staff should know."),
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)


class ReviewFilterForm(forms.Form):
    country = forms.MultipleChoiceField(
        label=_("Country"), choices=country_choices(), required=False
    )
    competency = forms.ModelMultipleChoiceField(
        label=_("Product or competency"),
        queryset=Competency.objects.all(),
        to_field_name="slug",
        required=False,
    )


class IdsField(forms.TypedMultipleChoiceField):
    """Ticked row ids; whether each may still be decided is the service's business."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit() and len(str(value)) < 19


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    registrations = IdsField(
        coerce=int, error_messages={"required": _("Tick at least one registration.")}
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label=_("Reason"),
        help_text=_("Required to reject; the partner sees it."),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(DealStatus.WON, _("Won")), (DealStatus.LOST, _("Lost"))]
    )
    reason = forms.CharField(required=False, max_length=2000, label=_("Note"))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, initial=30)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, help_text=_("The partner sees it.")
    )
