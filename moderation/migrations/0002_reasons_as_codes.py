"""Queue items kept their reasons as English sentences; they become codes with parameters
(moderation.reasons), so each moderator reads them in their own language. A sentence this
migration does not recognise stays as it is (it is shown as written)."""

import re

from django.db import migrations, models

# The sentences as the code before this migration wrote them, frozen here.
FIXED = {
    "This group reviews every post before it appears.": "policy_all",
    "This group reviews posts by new members before they appear.": "policy_new_members",
    "Edited by the author while waiting for review.": "edited_while_waiting",
    "Same text posted in other groups": "cross_posted",
    "Brand-new account posting links": "new_account_links",
    "Brand-new account": "new_account",
}
FLAGGED = {
    "Flagged as spam": "spam",
    "Flagged as job posting": "job_posting",
    "Flagged as off-topic": "off_topic",
    "Flagged as abusive": "abusive",
}
PATTERNS = [
    (re.compile(r"Job-board wording \((\d+) signals?\)"), "job_wording", ("count",)),
    (re.compile(r"Spam wording \((\d+) signals?\)"), "spam_wording", ("count",)),
    (re.compile(r"Link density: (\d+) links? in (\d+) words"), "link_density", ("links", "words")),
]
WATCHED = "Watched words: "


def as_code(text):
    if not isinstance(text, str):
        return text
    if text in FIXED:
        return {"code": FIXED[text]}
    if text in FLAGGED:
        return {"code": "flagged", "params": {"flag": FLAGGED[text]}}
    if text.startswith(WATCHED):
        return {"code": "watched_words", "params": {"words": text.removeprefix(WATCHED)}}
    for pattern, code, names in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            params = {name: int(value) for name, value in zip(names, match.groups(), strict=True)}
            return {"code": code, "params": params}
    return text


def as_sentence(entry):
    if isinstance(entry, str):
        return entry
    code, params = entry.get("code"), entry.get("params", {})
    for text, fixed in FIXED.items():
        if code == fixed:
            return text
    if code == "flagged":
        for text, flag in FLAGGED.items():
            if flag == params.get("flag"):
                return text
    if code == "watched_words":
        return WATCHED + params["words"]
    if code == "job_wording":
        return f"Job-board wording ({params['count']} signals)"
    if code == "spam_wording":
        return f"Spam wording ({params['count']} signals)"
    if code == "link_density":
        return f"Link density: {params['links']} links in {params['words']} words"
    return code


def convert(apps, change):
    ModerationItem = apps.get_model("moderation", "ModerationItem")
    changed = []
    for item in ModerationItem.objects.exclude(reasons=[]).only("pk", "reasons").iterator():
        reasons = [change(entry) for entry in item.reasons]
        if reasons != item.reasons:
            item.reasons = reasons
            changed.append(item)
    ModerationItem.objects.bulk_update(changed, ["reasons"], batch_size=500)


def forwards(apps, schema_editor):
    convert(apps, as_code)


def backwards(apps, schema_editor):
    convert(apps, as_sentence)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderationitem",
            name="reasons",
            field=models.JSONField(
                default=list,
                help_text="Why the post is held, most important first: codes with their "
                "parameters (moderation.reasons), put into words in the reader's language.",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
