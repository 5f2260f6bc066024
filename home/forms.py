"""The onboarding form and the dashboard's "ask your first question" form."""

from django import forms
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory.models import Company
from groups.models import Group

COMPANY_JOIN = "join"
COMPANY_CREATE = "create"
COMPANY_LATER = "later"

PICK_A_COMPANY = gettext_noop("Choose your company from the search results, or create a listing.")
NAME_THE_COMPANY = gettext_noop(
    "Enter your company's name and headquarters country to create a listing."
)


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((country.code, country.name) for country in countries)]


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group: Group) -> str:
        values = {"name": group.name, "count": group.member_count}
        if group.join_policy == Group.JoinPolicy.OPEN:
            return (
                ngettext(
                    "%(name)s (%(count)s member; join now)",
                    "%(name)s (%(count)s members; join now)",
                    group.member_count,
                )
                % values
            )
        return (
            ngettext(
                "%(name)s (%(count)s member; ask the moderators)",
                "%(name)s (%(count)s members; ask the moderators)",
                group.member_count,
            )
            % values
        )


class OnboardingForm(forms.Form):
    """One submit: the company (when the user has none yet) and the first groups."""

    company_action = forms.ChoiceField(
        label=_("Your company"),
        choices=[
            (COMPANY_JOIN, _("Ask to join the company I chose above")),
            (COMPANY_CREATE, _("Not listed? Create a listing (program staff will review it)")),
            (COMPANY_LATER, _("Decide later")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    company = forms.ModelChoiceField(
        queryset=Company.objects.all(), required=False, widget=forms.HiddenInput
    )
    new_company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    new_company_country = forms.ChoiceField(
        label=_("Headquarters country"), choices=_country_choices, required=False
    )
    new_company_website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    groups = GroupChoiceField(
        label=_("Groups to join"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Suggested from your company's competencies and country. Untick any you don't want."
        ),
    )

    def __init__(self, *args, joinable_groups, suggested: list[Group], has_company: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_company = has_company
        # Only groups the user may join now are accepted, whatever ids a request carries.
        self.fields["groups"].queryset = joinable_groups
        self.fields["groups"].initial = [g.pk for g in suggested]
        self.fields["groups"].choices = [
            (g.pk, self.fields["groups"].label_from_instance(g)) for g in suggested
        ]
        if has_company:
            for name in (
                "company_action",
                "company",
                "new_company_name",
                "new_company_country",
                "new_company_website",
            ):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.has_company:
            return data
        action = data.get("company_action") or COMPANY_LATER
        data["company_action"] = action
        if action == COMPANY_JOIN and data.get("company") is None:
            self.add_error("company_action", gettext(PICK_A_COMPANY))
        if action == COMPANY_CREATE and not (
            data.get("new_company_name", "").strip() and data.get("new_company_country")
        ):
            self.add_error("new_company_name", gettext(NAME_THE_COMPANY))
        return data


class FirstQuestionForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Post in group"), queryset=Group.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Your question"), max_length=200)
    body_markdown = forms.CharField(
        label=_("Details"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown: **bold**, _italic_, [links](https://example.com), lists."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Enter your question."))
        return title
