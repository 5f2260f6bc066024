"""The /analytics/ filters (all in the URL, so a view can be bookmarked) and the rules form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from analytics.models import ScorecardRules
from collaboration.services import CURRENCIES
from directory.models import Competency, Tier
from groups.models import Group
from portal.forms import country_choices

PERIODS = [("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter"))]
BREAKDOWNS = [
    ("country", _("Country")),
    ("tier", _("Tier")),
    ("group", _("Group")),
    ("competency", _("Competency")),
]

DEFAULT_CURRENCY = "USD"
DEFAULT_DAYS = 180
MAX_DAYS = 3 * 366
RANGE_BACKWARDS = gettext_noop("The start date must be on or before the end date.")
RANGE_TOO_LONG = gettext_noop("Choose a range of at most three years.")


@dataclass(frozen=True)
class Filters:
    """Clean filter values, as the selectors take them."""

    period: str
    start: date
    end: date
    country: str = ""
    tier: str = ""
    group: Group | None = None
    competency: Competency | None = None
    breakdown: str = "country"
    currency: str = DEFAULT_CURRENCY

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (for the CSV links and chart captions)."""
        query = {
            "period": self.period,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "breakdown": self.breakdown,
            "currency": self.currency,
        }
        if self.country:
            query["country"] = self.country
        if self.tier:
            query["tier"] = self.tier
        if self.group is not None:
            query["group"] = self.group.slug
        if self.competency is not None:
            query["competency"] = self.competency.slug
        return query


class AnalyticsFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices(blank=_("Any country")), required=False
    )
    tier = forms.ChoiceField(
        label=_("Tier"), choices=[("", _("Any tier")), *Tier.choices], required=False
    )
    group = forms.ModelChoiceField(
        queryset=Group.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        label=_("Group"),
        empty_label=_("Any group"),
    )
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        label=_("Competency"),
        empty_label=_("Any competency"),
    )
    breakdown = forms.ChoiceField(label=_("Break down by"), choices=BREAKDOWNS, required=False)
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[(code, code) for code in CURRENCIES],
        required=False,
        help_text=_("Values in different currencies are never added up."),
    )

    def add_prefix(self, field_name: str) -> str:
        # "from" is a Python keyword: the URL's from/to are the start/end fields.
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise forms.ValidationError(gettext(RANGE_BACKWARDS))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(gettext(RANGE_TOO_LONG))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The clean filters (only after ``is_valid()``)."""
        data = self.cleaned_data
        return Filters(
            period=data.get("period") or "month",
            start=data["start"],
            end=data["end"],
            country=data.get("country") or "",
            tier=data.get("tier") or "",
            group=data.get("group"),
            competency=data.get("competency"),
            breakdown=data.get("breakdown") or "country",
            currency=data.get("currency") or settings.PROGRAM_CURRENCY,
        )


class ScorecardRulesForm(forms.ModelForm):
    class Meta:
        model = ScorecardRules
        fields = [
            "won_value_per_point",
            "approved_registration",
            "verified_competency",
            "review",
            "accepted_answer",
            "helpful_vote",
            "fast_response",
            "response_target_hours",
            "window_days",
            "certified_points",
            "gold_points",
        ]
        # The model's own names and help are English; staff read the form in their language.
        labels = {
            "won_value_per_point": _("Won value per point"),
            "approved_registration": _("Approved deal registration"),
            "verified_competency": _("Verified competency"),
            "review": _("Customer review"),
            "accepted_answer": _("Accepted answer"),
            "helpful_vote": _("Helpful vote"),
            "fast_response": _("Fast response"),
            "response_target_hours": _("Response target, in hours"),
            "window_days": _("Activity window, in days"),
            "certified_points": _("Points for Certified"),
            "gold_points": _("Points for Gold"),
        }
        help_texts = {
            "won_value_per_point": _(
                "Won value (referrals and registrations, at face value, in the program"
                " currency) that earns one point."
            ),
            "approved_registration": _("Points per approved deal registration."),
            "verified_competency": _("Points per verified, unexpired competency."),
            "review": _("Points per approved customer review."),
            "accepted_answer": _("Points per accepted answer given by the company's people."),
            "helpful_vote": _("Points per helpful vote on the company's posts."),
            "fast_response": _(
                "Points when the median time to answer matching requests is within the target."
            ),
            "response_target_hours": _("The median time to answer that earns the points above."),
            "window_days": _("Activity in this many days before the computation counts."),
            "certified_points": _("Points a company needs for the Certified tier."),
            "gold_points": _("Points a company needs for the Gold tier."),
        }

    def clean(self) -> dict:
        data = super().clean()
        certified, gold = data.get("certified_points"), data.get("gold_points")
        if certified is not None and gold is not None and gold <= certified:
            self.add_error("gold_points", _("Gold must need more points than Certified."))
        return data
