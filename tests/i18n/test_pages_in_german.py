"""The main pages, read by a German member, show none of the portal's English sentences.

Every English msgid of three words or more that the German catalog translates differently is
looked for in the text a reader sees (text and the attributes read aloud), so a string
rendered without gettext, or translated in the wrong language, is caught on any page below.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.collaboration.factories import person_of
from tests.directory.factories import CompanyFactory
from tests.groups.factories import MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "label", "value"}
PLACEHOLDER_OR_MARKUP = re.compile(r"%|\{|<|\n")


class _ReaderText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        self._in_code += tag in ("script", "style")
        if tag in ("input", "option") and dict(attrs).get("type") == "hidden":
            return
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._in_code -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._in_code:
            self.parts.append(data)


def reader_text(html: str) -> str:
    parser = _ReaderText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def _english_sentences() -> list[str]:
    catalog = polib.pofile(str(Path(settings.LOCALE_PATHS[0], "de", "LC_MESSAGES", "django.po")))
    return [
        " ".join(entry.msgid.split())
        for entry in catalog.translated_entries()
        if not entry.msgid_plural
        and entry.msgstr != entry.msgid
        and len(entry.msgid.split()) >= 3
        and not PLACEHOLDER_OR_MARKUP.search(entry.msgid)
    ]


ENGLISH = _english_sentences()


@pytest.fixture
def world(db):
    company = CompanyFactory(name="Zuverlässig GmbH", slug="zuverlaessig")
    member = person_of(company, display_name="Anna Weber", language="de")
    thread = ThreadFactory(title="Erfahrungen mit Snowflake")
    MembershipFactory(group=thread.group, user=member)
    ReplyFactory(thread=thread)
    return {"member": member, "company": company, "thread": thread}


def _pages(world) -> list[str]:
    thread = world["thread"]
    return [
        "/",
        "/directory/",
        world["company"].get_absolute_url(),
        "/groups/",
        thread.group.get_absolute_url(),
        thread.get_absolute_url(),
        f"/groups/{thread.group.slug}/threads/new/",
        "/collaborate/",
        "/collaborate/requests/new/",
        "/deals/",
        "/digest/preferences/",
        "/accounts/profile/",
        "/accounts/2fa/",
        "/accounts/password/change/",
    ]


def test_the_check_knows_enough_english_to_mean_something():
    assert len(ENGLISH) > 300
    assert "Skip to main content" in ENGLISH
    assert reader_text('<p>Skip to <b>main</b>\n content</p><script>let a = "x y z";</script>') == (
        "Skip to main content"
    )


def test_the_main_pages_show_no_english_sentence_to_a_german_member(client, world):
    client.force_login(world["member"])
    left_in_english = {}
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = reader_text(response.content.decode())
        assert "Zum Hauptinhalt springen" in text, url
        found = [sentence for sentence in ENGLISH if sentence in text]
        if found:
            left_in_english[url] = found

    assert left_in_english == {}


def test_a_visitor_reading_german_sees_no_english_sentence(client, world):
    for url in ("/", "/directory/", "/accounts/login/", "/accounts/signup/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 200, url
        text = reader_text(response.content.decode())

        assert [sentence for sentence in ENGLISH if sentence in text] == [], url
