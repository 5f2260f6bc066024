"""A tier change reaches each admin of the company in their own language."""

import pytest
from django.utils import timezone, translation

from analytics import services
from analytics.models import TierProposal
from directory.models import Tier
from tests.collaboration.factories import person_of
from tests.directory.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_each_admin_hears_of_the_new_tier_in_their_language(mailoutbox):
    company = CompanyFactory(name="Alpha Partners", tier=Tier.GOLD)
    german = person_of(company, admin=True, display_name="Anna", language="de")
    japanese = person_of(company, admin=True, display_name="Kenji", language="ja")
    proposal = TierProposal.objects.create(
        company=company,
        from_tier=Tier.CERTIFIED,
        to_tier=Tier.GOLD,
        status=TierProposal.Status.APPLIED,
        decided_at=timezone.now(),
    )

    with translation.override("en"):
        assert services.tier_change_notify(proposal=proposal) == 2

    by_person = {message.to[0]: message for message in mailoutbox}
    de, ja = by_person[german.email], by_person[japanese.email]
    assert de.subject == "[Partner Portal] Alpha Partners hat jetzt die Partnerstufe Gold"
    assert "Guten Tag Anna," in de.body
    assert "von der Partnerstufe Zertifiziert in die Partnerstufe Gold eingestuft." in de.body
    assert ja.subject == "[Partner Portal] Alpha Partnersのティアがゴールドになりました"
    assert "Kenji 様" in ja.body
    assert "認定からゴールドに変更しました。" in ja.body
