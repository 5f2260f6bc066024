"""Why a post waits in the moderation queue, stored as a stable code with its parameters
(``{"code": "spam_wording", "params": {"count": 2}}``) and put into words only when shown, in
the language of whoever reads it."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext_lazy

Reason = dict

POLICY_ALL = "policy_all"
POLICY_NEW_MEMBERS = "policy_new_members"
EDITED_WHILE_WAITING = "edited_while_waiting"
JOB_WORDING = "job_wording"
SPAM_WORDING = "spam_wording"
LINK_DENSITY = "link_density"
WATCHED_WORDS = "watched_words"
CROSS_POSTED = "cross_posted"
NEW_ACCOUNT_LINKS = "new_account_links"
NEW_ACCOUNT = "new_account"
FLAGGED = "flagged"
WAITED_TOO_LONG = "waited_too_long"
WAITED_TOO_LONG_MINUTES = "waited_too_long_minutes"
HIDDEN_BY_FLAGS = "hidden_by_flags"

_SENTENCES = {
    POLICY_ALL: gettext_noop("This group reviews every post before it appears."),
    POLICY_NEW_MEMBERS: gettext_noop("This group reviews posts by new members before they appear."),
    EDITED_WHILE_WAITING: gettext_noop("Edited by the author while waiting for review."),
    WATCHED_WORDS: gettext_noop("Watched words: %(words)s"),
    CROSS_POSTED: gettext_noop("Same text posted in other groups"),
    NEW_ACCOUNT_LINKS: gettext_noop("Brand-new account posting links"),
    NEW_ACCOUNT: gettext_noop("Brand-new account"),
}

# Sentences with a number: the plural form follows the named parameter.
_COUNTED = {
    JOB_WORDING: ngettext_lazy(
        "Job-board wording (%(count)s signal)", "Job-board wording (%(count)s signals)", "count"
    ),
    SPAM_WORDING: ngettext_lazy(
        "Spam wording (%(count)s signal)", "Spam wording (%(count)s signals)", "count"
    ),
    LINK_DENSITY: ngettext_lazy(
        "Link density: %(links)s link in %(words)s words",
        "Link density: %(links)s links in %(words)s words",
        "links",
    ),
    WAITED_TOO_LONG: ngettext_lazy(
        "Waited longer than %(hours)s hour for a decision.",
        "Waited longer than %(hours)s hours for a decision.",
        "hours",
    ),
    WAITED_TOO_LONG_MINUTES: ngettext_lazy(
        "Waited longer than %(minutes)s minute for a decision.",
        "Waited longer than %(minutes)s minutes for a decision.",
        "minutes",
    ),
    HIDDEN_BY_FLAGS: ngettext_lazy(
        "Hidden after %(count)s member flagged it.",
        "Hidden after %(count)s members flagged it.",
        "count",
    ),
}

# One whole sentence per flag reason (groups.models.Flag.Reason values).
_FLAGGED_AS = {
    "spam": gettext_noop("Flagged as spam"),
    "job_posting": gettext_noop("Flagged as a job posting"),
    "off_topic": gettext_noop("Flagged as off-topic"),
    "abusive": gettext_noop("Flagged as abusive"),
}


def reason(code: str, **params) -> Reason:
    """A reason to store on a queue item."""
    if code not in _SENTENCES and code not in _COUNTED and code != FLAGGED:
        raise ValueError(f"unknown moderation reason {code!r}")
    return {"code": code, "params": params} if params else {"code": code}


def flagged_as(flag_reason: str) -> Reason:
    return reason(FLAGGED, flag=flag_reason)


def reason_text(entry: Reason | str) -> str:
    """The reason in the active language. Plain text (written before reasons had codes, or
    typed by a person) is shown as it is, translated when the catalog knows it."""
    if isinstance(entry, str):
        return gettext(entry) if entry else entry
    code = entry.get("code", "")
    params = entry.get("params", {})
    if code in _SENTENCES:
        return gettext(_SENTENCES[code]) % params
    if code in _COUNTED:
        return str(_COUNTED[code] % params)
    if code == FLAGGED:
        sentence = _FLAGGED_AS.get(params.get("flag", ""))
        return gettext(sentence) if sentence else gettext("Flagged by members")
    return code


def reasons_for_the_log(entries: list[Reason | str]) -> str:
    """The reasons as one line of the audit log, which is kept in the portal's default
    language whoever acted."""
    with translation.override(settings.LANGUAGE_CODE):
        return "; ".join(reason_text(entry) for entry in entries)
