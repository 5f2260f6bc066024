"""Forms of the company profile pages: editing, curation, reviews."""

import re

from django import forms
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory.logos import LogoField
from directory.models import (
    Company,
    CompanyCompetency,
    Competency,
    Industry,
    Offering,
    Review,
    Tier,
)

LANGUAGE_CODES_INVALID = gettext_noop(
    "Use two-letter ISO 639-1 codes separated by commas, like “en, de”."
)
TAGS_TOO_LONG = gettext_noop("A tag can be at most 100 characters long.")


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value or "") if part.strip()]


class CompanyProfileForm(forms.ModelForm):
    """What a company admin edits; related lists are cleaned into plain values for the service."""

    logo = LogoField(
        required=False,
        label=_("Logo"),
        help_text=_(
            "PNG, JPEG, WebP or GIF; at most 2 MB and 2000 × 2000 pixels. "
            "It is shown at up to 512 pixels."
        ),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. en, de, fr."),
    )
    countries_served = forms.MultipleChoiceField(
        label=_("Countries served"),
        choices=list(countries),
        required=False,
        help_text=_("Besides the headquarters country."),
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries"), queryset=Industry.objects.all(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Free-form keywords separated by commas.")
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "description",
            "logo",
            "website",
            "hq_country",
            "hq_region",
            "hq_city",
            "size_band",
            "founded",
            "details_visibility",
            "offerings_visibility",
            "contacts_visibility",
            "reviews_visibility",
        ]
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "hq_country": _("Headquarters country"),
            "hq_region": _("Headquarters region"),
            "hq_city": _("Headquarters city"),
            "size_band": _("Size band"),
            "founded": _("Founded"),
            "details_visibility": _(
                "Who sees the details (size, founding year, languages, "
                "region, city, countries served, website)"
            ),
            "offerings_visibility": _("Who sees the products and services"),
            "contacts_visibility": _("Who sees the contact people"),
            "reviews_visibility": _("Who sees the reviews"),
        }
        help_texts = {
            "details_visibility": _(
                "Size, founding year, languages, region and city, countries served, website."
            ),
        }

    def __init__(self, *args, countries_served=None, tags=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages or [])
            self.initial["countries_served"] = countries_served or []
            self.initial["tags"] = ", ".join(tags or [])
            if self.instance.pk:
                self.initial["industries"] = list(self.instance.industries.all())

    def clean_languages(self) -> list[str]:
        codes = [code.lower() for code in _split(self.cleaned_data["languages"])]
        if any(not re.fullmatch(r"[a-z]{2}", code) for code in codes):
            raise forms.ValidationError(gettext(LANGUAGE_CODES_INVALID))
        return list(dict.fromkeys(codes))

    def clean_tags(self) -> list[str]:
        tags = list(dict.fromkeys(_split(self.cleaned_data["tags"])))
        if any(len(tag) > 100 for tag in tags):
            raise forms.ValidationError(gettext(TAGS_TOO_LONG))
        return tags


class OfferingForm(forms.ModelForm):
    class Meta:
        model = Offering
        fields = ["kind", "name", "description"]
        labels = {"kind": _("Kind"), "name": _("Name"), "description": _("Description")}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


OfferingFormSet = forms.formset_factory(OfferingForm, extra=2, can_delete=True)


class ClaimAddForm(forms.Form):
    competency = forms.ModelChoiceField(queryset=Competency.objects.all(), label=_("Competency"))


class ClaimChoiceForm(forms.Form):
    """Picks one claim of the given company (so an id of another company's claim is refused)."""

    claim = forms.ModelChoiceField(queryset=CompanyCompetency.objects.none())

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claim"].queryset = company.competency_claims.select_related("competency")


class VerifyForm(ClaimChoiceForm):
    expires_at = forms.DateField(
        required=False,
        label=_("Verified until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a verification that does not expire."),
    )


class TierForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(label=_("Rating"), choices=[], coerce=int)

    class Meta:
        model = Review
        fields = ["rating", "title", "body"]
        labels = {"title": _("Title"), "body": _("Your review")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so that the labels are in the language of the request.
        self.fields["rating"].choices = [
            (n, ngettext("%(count)d star", "%(count)d stars", n) % {"count": n})
            for n in range(5, 0, -1)
        ]


class ReviewDecisionForm(forms.Form):
    review = forms.ModelChoiceField(queryset=Review.objects.filter(status=Review.Status.PENDING))
    reason = forms.CharField(required=False, max_length=250, label=_("Reason (when rejecting)"))


class MembershipDecisionForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Company.objects.none())

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = company.memberships.select_related("user")
