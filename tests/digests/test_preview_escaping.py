"""The digest preview shows what members wrote as text, never as markup."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from digests.services import digest_message
from tests.digests.factories import (
    FindPartnerRequestFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
)
from tests.digests.helpers import digest_of
from tests.directory.factories import CompanyCompetencyFactory, CompanyFactory

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_REQUEST_TITLE = "<script>alert('request')</script>"
HOSTILE_BODY = "<iframe src=javascript:alert('body')></iframe>"
HOSTILE_GROUP = "<svg onload=alert('group')>"
HOSTILE_COMPANY = '<a href="javascript:alert(2)">Evil Corp</a>'
HOSTILE_NAME = "<b onmouseover=alert('name')>Mallory</b>"

SHOWN = [HOSTILE_TITLE, HOSTILE_REQUEST_TITLE, HOSTILE_GROUP, HOSTILE_COMPANY, HOSTILE_NAME]


@pytest.fixture
def hostile_digest(reader, cloud):
    """A digest for a reader named with markup, full of titles and names that are markup."""
    reader.display_name = HOSTILE_NAME
    reader.save(update_fields=["display_name"])
    group = GroupFactory(name=HOSTILE_GROUP)
    GroupMembershipFactory(group=group, user=reader)
    ThreadFactory(group=group, title=HOSTILE_TITLE, body_markdown=HOSTILE_BODY)
    FindPartnerRequestFactory(thread__title=HOSTILE_REQUEST_TITLE, needs=[cloud])
    newcomer = CompanyFactory(name=HOSTILE_COMPANY, slug="evil-corp")
    CompanyCompetencyFactory(company=newcomer, competency=cloud)
    return reader


def test_preview_page_shows_hostile_titles_and_names_as_text(client, hostile_digest):
    client.force_login(hostile_digest)

    page = client.get(reverse("digests:preview")).content.decode()

    for hostile in SHOWN:
        assert hostile not in page
        assert escape(hostile) in page
    assert HOSTILE_BODY not in page


def test_html_part_of_the_digest_escapes_hostile_titles_and_names(client, hostile_digest):
    client.force_login(hostile_digest)

    framed = client.get(reverse("digests:preview-email")).content.decode()
    sent_html = digest_message(digest=digest_of(hostile_digest)).alternatives[0][0]

    for html in (framed, sent_html):
        for hostile in SHOWN:
            assert hostile not in html
            assert escape(hostile) in html
        assert HOSTILE_BODY not in html


def test_text_part_of_the_email_stays_plain_text(hostile_digest):
    text = digest_message(digest=digest_of(hostile_digest)).body

    for hostile in SHOWN:
        assert hostile in text
        assert escape(hostile) not in text
