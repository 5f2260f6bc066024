"""A member's dates and times are in their profile's time zone and their language's format, and
the time-zone chooser names the zones in that language."""

import datetime as dt
import re

import pytest
from django.test import Client

from groups.models import Reply
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ReplyFactory

pytestmark = pytest.mark.django_db
PROFILE = "/accounts/profile/"


def _option(page: str, zone: str) -> str:
    match = re.search(rf'<option value="{re.escape(zone)}"[^>]*>([^<]*)</option>', page)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("language", "tokyo", "berlin", "group"),
    [
        ("en", "Japan – Tokyo", "Germany – Berlin", "By country"),
        ("de", "Japan – Tokio", "Deutschland – Berlin", "Nach Land"),
        ("fr", "Japon – Tokyo", "Allemagne – Berlin", "Par pays"),
        ("ja", "日本 – 東京", "ドイツ – ベルリン", "国別"),
    ],
)
def test_the_time_zone_chooser_names_zones_in_the_members_language(
    client, language, tokyo, berlin, group
):
    client.force_login(UserFactory(language=language))

    page = client.get(PROFILE).content.decode()

    assert _option(page, "Asia/Tokyo") == tokyo
    assert _option(page, "Europe/Berlin") == berlin
    assert f'<optgroup label="{group}">' in page
    assert _option(page, "US/Eastern") == ""  # an old alias of America/New_York, not listed twice


def test_a_member_saves_a_zone_and_keeps_an_old_alias_they_had(client):
    member = UserFactory(language="ja", time_zone="US/Eastern")
    client.force_login(member)

    assert 'value="US/Eastern" selected' in client.get(PROFILE).content.decode()
    response = client.post(
        PROFILE,
        {"display_name": "Aoi", "job_title": "", "time_zone": "Asia/Tokyo", "language": "ja"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.time_zone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("language", "zone", "shown"),
    [
        ("ja", "Asia/Tokyo", "2026年3月2日8:30"),
        ("de", "Europe/Berlin", "2. März 2026 00:30"),
        ("en", "America/New_York", "1 Mar 2026, 18:30"),
    ],
)
def test_a_reply_is_dated_in_the_members_time_zone_and_format(language, zone, shown):
    group = GroupFactory()
    reply = ReplyFactory(thread__group=group)
    Reply.objects.filter(pk=reply.pk).update(
        created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    )
    member = MembershipFactory(
        group=group, user=UserFactory(language=language, time_zone=zone)
    ).user
    client = Client()
    client.force_login(member)

    page = client.get(reply.thread.get_absolute_url()).content.decode()

    assert shown in page
