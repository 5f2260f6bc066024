"""Moderators and staff read the queue, its emails and why a post is held in their own language,
whoever or whatever caused them."""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from groups.models import PostStatus
from moderation import reasons as why
from moderation.models import ModerationItem
from moderation.notifications import items_escalate_overdue, moderators_notify
from tests.factories import UserFactory
from tests.groups.factories import ThreadFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)
SPAM_BODY = "Buy now, cheapest casino loans, click here: guaranteed!"


def _item(group, at, **kwargs) -> ModerationItem:
    thread = ThreadFactory(group=group, status=PostStatus.PENDING, published_at=None, **kwargs)
    return ModerationItem.objects.create(
        group=group,
        thread=thread,
        source=ModerationItem.Source.SCREENING,
        reasons=[why.reason(why.SPAM_WORDING, count=3)],
        created_at=at,
    )


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "body"),
    [
        (
            "de",
            "2 Beiträge warten in Ihrer Moderationswarteschlange",
            "Guten Tag Mo Derator,",
            "In den Gruppen, die Sie moderieren, warten 2 Beiträge auf eine Entscheidung.",
        ),
        (
            "ja",
            "モデレーション待ちの投稿が2件あります",
            "Mo Derator 様",
            "あなたがモデレーターを務めるグループで、2件の投稿が判断を待っています。",
        ),
    ],
)
def test_a_moderator_gets_the_queue_email_in_their_language(
    group, moderator, mailoutbox, language, subject, greeting, body
):
    moderator.language = language
    moderator.save(update_fields=["language"])
    _item(group, T0 - timedelta(minutes=2))
    _item(group, T0 - timedelta(minutes=1))

    with translation.override("en"):
        moderators_notify(now=T0)
        assert translation.get_language() == "en"

    (message,) = mailoutbox
    assert message.subject == f"[Partner Portal] {subject}"
    assert greeting in message.body
    assert body in message.body
    assert "Hello" not in message.body


def test_staff_of_each_language_get_the_escalation_in_their_own(group, mailoutbox):
    german = UserFactory(is_staff=True, language="de")
    japanese = UserFactory(is_staff=True, language="ja")
    english = UserFactory(is_staff=True, language="")
    _item(group, T0 - timedelta(days=2), title="Waited too long")

    with translation.override("fr"):
        items_escalate_overdue(now=T0)

    by_person = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 3
    german_mail = by_person[german.email]
    assert german_mail.subject == (
        "[Partner Portal] 1 Moderationsfall an das Programmteam eskaliert"
    )
    assert (
        "1 Moderationsfall wurde an das Programmteam eskaliert: "
        "Hat länger als 24 Stunden auf eine Entscheidung gewartet." in german_mail.body
    )
    assert "„Waited too long“ (wartet seit" in german_mail.body
    assert "1件のモデレーション案件" in by_person[japanese.email].subject
    assert "24時間以上判断を待っていました。" in by_person[japanese.email].body
    assert by_person[english.email].subject.endswith("1 moderation item escalated to program staff")
    assert "Waited longer than 24 hours for a decision." in by_person[english.email].body


def test_a_german_moderator_reads_screening_reasons_in_german(
    client, group, moderator, newcomer, submit
):
    thread = submit(group=group, author=newcomer, title="Angebot", body=SPAM_BODY)
    item = thread.moderation_items.get()
    # Stored as codes, not as anybody's sentences.
    assert {entry["code"] for entry in item.reasons} >= {why.POLICY_NEW_MEMBERS, why.SPAM_WORDING}
    moderator.language = "de"
    moderator.save(update_fields=["language"])
    client.force_login(moderator)

    page = client.get("/moderation/").content.decode()

    assert "Diese Gruppe prüft Beiträge neuer Mitglieder vor der Veröffentlichung." in page
    assert "Spam-typische Formulierungen (5 Hinweise)" in page
    assert "Spam wording" not in page


def test_reasons_read_naturally_in_every_language():
    reasons = [
        why.reason(why.JOB_WORDING, count=1),
        why.reason(why.LINK_DENSITY, links=4, words=30),
        why.reason(why.WATCHED_WORDS, words="acme leaks"),
        why.flagged_as("job_posting"),
    ]
    expected = {
        "en": [
            "Job-board wording (1 signal)",
            "Link density: 4 links in 30 words",
            "Watched words: acme leaks",
            "Flagged as a job posting",
        ],
        "de": [
            "Formulierungen wie in einer Stellenbörse (1 Hinweis)",
            "Linkdichte: 4 Links in 30 Wörtern",
            "Beobachtete Wörter: acme leaks",
            "Als Stellenanzeige gemeldet",
        ],
        "fr": [
            "Formulations d’offre d’emploi (1 indice)",
            "Densité de liens : 4 liens pour 30 mots",
            "Mots surveillés : acme leaks",
            "Signalé comme offre d’emploi",
        ],
        "ja": [
            "求人掲示板のような表現（シグナル1件）",
            "リンクの密度：30語中に4件のリンク",
            "監視ワード：acme leaks",
            "求人投稿として報告されました",
        ],
    }
    for language, sentences in expected.items():
        with translation.override(language):
            assert [why.reason_text(entry) for entry in reasons] == sentences


def test_reasons_stored_as_english_sentences_become_codes_shown_in_german():
    migration = importlib.import_module("moderation.migrations.0002_reasons_as_codes")
    stored = [
        "This group reviews posts by new members before they appear.",
        "Job-board wording (2 signals)",
        "Spam wording (1 signals)",
        "Link density: 5 links in 40 words",
        "Watched words: acme leaks, foo",
        "Same text posted in other groups",
        "Brand-new account posting links",
        "Flagged as job posting",
        "Something a person wrote",
    ]

    converted = [migration.as_code(text) for text in stored]

    assert converted[1] == {"code": why.JOB_WORDING, "params": {"count": 2}}
    assert converted[-1] == "Something a person wrote"  # unknown: kept, shown as written
    with translation.override("de"):
        assert [why.reason_text(entry) for entry in converted] == [
            "Diese Gruppe prüft Beiträge neuer Mitglieder vor der Veröffentlichung.",
            "Formulierungen wie in einer Stellenbörse (2 Hinweise)",
            "Spam-typische Formulierungen (1 Hinweis)",
            "Linkdichte: 5 Links in 40 Wörtern",
            "Beobachtete Wörter: acme leaks, foo",
            "Gleicher Text in anderen Gruppen gepostet",
            "Brandneues Konto, das Links postet",
            "Als Stellenanzeige gemeldet",
            "Something a person wrote",
        ]
    # And back, for a rollback.
    assert [migration.as_sentence(entry) for entry in converted][1:3] == [
        "Job-board wording (2 signals)",
        "Spam wording (1 signals)",
    ]
