"""Forms for groups and threads: they validate input; services do the writing."""

import re

from django import forms
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Thread

MAX_TAGS = 5
TAG_MIN_LENGTH = 2
TAG_MAX_LENGTH = 30
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9 +#.-]*$")
# Messages with numbers: the template is translated, the English text is what tests assert.
TOO_MANY_TAGS_TEXT = gettext_noop("Use at most %(max)d tags.")
TAG_BAD_LENGTH_TEXT = gettext_noop("Each tag must be %(min)d to %(max)d characters long.")
TAG_LIMITS = {"min": TAG_MIN_LENGTH, "max": TAG_MAX_LENGTH}
TOO_MANY_TAGS = TOO_MANY_TAGS_TEXT % {"max": MAX_TAGS}
TAG_BAD_LENGTH = TAG_BAD_LENGTH_TEXT % TAG_LIMITS
TAG_BAD_CHARACTERS = gettext_noop(
    "Tags may contain only letters a to z, digits, spaces and + # . - and must start with a letter "
    "or digit."
)
SLUG_TAKEN = gettext_noop("A group with this address already exists.")
SLUG_RESERVED = gettext_noop("This address is reserved; choose another.")
RESERVED_SLUGS = {"new"}


def parse_tags(raw: str) -> list[str]:
    """Split comma-separated tags, lower-cased and de-duplicated; raise on bad ones."""
    tags: list[str] = []
    for part in raw.split(","):
        tag = " ".join(part.strip().lower().split())
        if not tag or tag in tags:
            continue
        if not TAG_MIN_LENGTH <= len(tag) <= TAG_MAX_LENGTH:
            raise forms.ValidationError(gettext(TAG_BAD_LENGTH_TEXT) % TAG_LIMITS)
        if not TAG_PATTERN.match(tag):
            raise forms.ValidationError(gettext(TAG_BAD_CHARACTERS))
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise forms.ValidationError(gettext(TOO_MANY_TAGS_TEXT) % {"max": MAX_TAGS})
    return tags


class TagsField(forms.CharField):
    """Comma-separated tags, validated for length and characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _("Up to {max} tags, separated by commas, e.g. “azure, migration”."), max=MAX_TAGS
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_tags(super().clean(value) or "")


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=120,
        required=False,
        help_text=_(
            "The group's address: /groups/<address>/. Left empty, it is made from the name."
        ),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Group.Visibility.choices)
    join_policy = forms.ChoiceField(choices=Group.JoinPolicy.choices, label=_("Who can join"))
    moderation_policy = forms.ChoiceField(
        choices=Group.ModerationPolicy.choices,
        initial=Group.ModerationPolicy.PREMODERATE_NEW,
        label=_("Moderation"),
    )
    tags = TagsField(label=_("Tags"))

    def clean(self):
        data = super().clean()
        if "name" in data:
            slug = data.get("slug") or slugify(data["name"])[:120]
            if slug in RESERVED_SLUGS:
                self.add_error("slug", gettext(SLUG_RESERVED))
            elif Group.objects.filter(slug=slug).exists():
                self.add_error("slug", gettext(SLUG_TAKEN))
            data["slug"] = slug
        return data


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of thread"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body_markdown = forms.CharField(
        label=_("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, _italic_, [links](https://example.com), lists, `code`."),
    )
    tags = TagsField(label=_("Tags"))

    def __init__(self, *args, can_announce: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [Thread.Kind.DISCUSSION, Thread.Kind.QUESTION]
        if can_announce:
            kinds.append(Thread.Kind.ANNOUNCEMENT)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.can_announce = can_announce

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(gettext("Enter a title."))
        return title


class ThreadEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body_markdown = ThreadForm.base_fields["body_markdown"]
    tags = TagsField(label=_("Tags"))


class ReplyForm(forms.Form):
    body_markdown = forms.CharField(
        label=_("Your reply"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is supported."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the portal member to invite"))
