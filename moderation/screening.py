"""Automatic screening: scores a post for spam and job-board content, with reasons."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from groups.models import Reply, Thread
from moderation import reasons as why
from moderation.models import WatchedWord

HOLD_THRESHOLD = 1.0
NEW_ACCOUNT_AGE = timedelta(days=1)
CROSS_POST_WINDOW = timedelta(days=7)

# (pattern, weight): strong signals alone come close to the threshold; weak ones (words that
# also appear in technical talk: "cron job", "resume the sync") only count in company.
JOB_PATTERNS = [
    (
        r"\bwe(?:'re| are) (?:hiring|recruiting|looking for (?:a|an|two|three|\d+) \w+ "
        r"(?:developers?|consultants?|engineers?))\b",
        0.6,
    ),
    (r"\bhiring\b", 0.5),
    (r"\bjob (?:opening|offer|opportunit\w*|vacanc\w*)\b", 0.6),
    (r"\b(?:send|submit|email|dm) (?:me |us )?(?:your|us your) (?:cv|resume|résumé)\b", 0.6),
    (r"\bapply (?:now|today|here|via|at)\b", 0.6),
    (r"\bsalary\b|\b\d+k (?:per|a) (?:year|annum)\b", 0.6),
    (r"\brecruit(?:er|ers|ing|ment)\b", 0.5),
    (r"\bvacanc(?:y|ies)\b", 0.6),
    (r"\b(?:looking for|seeking) (?:a )?(?:new )?(?:job|work|employment|position)\b", 0.6),
    (r"\bopen to (?:work|new opportunities)\b|\bhire me\b", 0.6),
    (r"\bcv\b|\bresume\b", 0.25),
    (r"\bfull[- ]time\b|\bpart[- ]time\b|\bremote position\b", 0.3),
    (r"\bjobs?\b", 0.25),
]
SPAM_PATTERNS = [
    (r"\bbuy now\b", 0.6),
    (r"\bcheap(?:est)?\b", 0.5),
    (r"\bdiscount\w*\b", 0.4),
    (r"\bfree money\b|\bcasino\b|\bviagra\b|\bloans?\b", 0.8),
    (r"\bclick here\b", 0.6),
    (r"\bguaranteed\b", 0.4),
    (r"\bcrypto(?:currency)?\b|\bbitcoin\b|\bforex\b", 0.6),
    (r"\bseo services\b|\bbacklinks?\b", 0.8),
    (r"\bwhatsapp\b|\btelegram me\b", 0.6),
    (r"\bearn \$?\d+", 0.8),
    (r"\blimited (?:time )?offer\b|\bact now\b", 0.5),
]
LINK = re.compile(r"https?://", re.IGNORECASE)


@dataclass
class Screening:
    score: float = 0.0
    reasons: list[why.Reason] = field(default_factory=list)

    @property
    def hold(self) -> bool:
        return self.score >= HOLD_THRESHOLD

    def add(self, points: float, reason: why.Reason) -> None:
        self.score += points
        self.reasons.append(reason)


def _text_of(post: Thread | Reply) -> str:
    title = post.title if isinstance(post, Thread) else ""
    return f"{title}\n{post.body_markdown}"


def _matches(patterns: list[tuple[str, float]], text: str) -> tuple[int, float]:
    """How many of the patterns occur in the text, and their summed weight."""
    weights = [weight for pattern, weight in patterns if re.search(pattern, text, re.IGNORECASE)]
    return len(weights), sum(weights)


def _contains_phrase(phrase: str, lowered: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", lowered) is not None


def post_score(*, post: Thread | Reply) -> Screening:
    """Score a post; at or above HOLD_THRESHOLD it is held for a moderator."""
    text = _text_of(post)
    result = Screening()

    job_count, job_weight = _matches(JOB_PATTERNS, text)
    if job_count:
        result.add(job_weight, why.reason(why.JOB_WORDING, count=job_count))
    spam_count, spam_weight = _matches(SPAM_PATTERNS, text)
    if spam_count:
        result.add(spam_weight, why.reason(why.SPAM_WORDING, count=spam_count))

    words = max(len(text.split()), 1)
    links = len(LINK.findall(text))
    if links >= 3 and links / words > 0.05:
        result.add(0.4 * links, why.reason(why.LINK_DENSITY, links=links, words=words))

    lowered = text.lower()
    watched = [
        p
        for p in WatchedWord.objects.values_list("phrase", flat=True)
        if _contains_phrase(p, lowered)
    ]
    if watched:
        result.add(
            HOLD_THRESHOLD,
            why.reason(why.WATCHED_WORDS, words=", ".join(sorted(watched))),
        )

    if _is_cross_posted(post):
        result.add(HOLD_THRESHOLD, why.reason(why.CROSS_POSTED))

    if post.author.date_joined > timezone.now() - NEW_ACCOUNT_AGE:
        if links:
            result.add(0.6, why.reason(why.NEW_ACCOUNT_LINKS))
        elif result.score > 0:
            result.add(0.4, why.reason(why.NEW_ACCOUNT))
    return result


def _is_cross_posted(post: Thread | Reply) -> bool:
    since = timezone.now() - CROSS_POST_WINDOW
    if isinstance(post, Thread):
        return (
            Thread.objects.filter(
                author=post.author, body_markdown=post.body_markdown, created_at__gte=since
            )
            .exclude(pk=post.pk)
            .exclude(group=post.group_id)
            .exists()
        )
    return (
        Reply.objects.filter(
            author=post.author, body_markdown=post.body_markdown, created_at__gte=since
        )
        .exclude(pk=post.pk)
        .exclude(thread__group=post.thread.group_id)
        .exists()
    )
