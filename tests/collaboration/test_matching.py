"""Matching a published request to companies that fit, and telling their admins once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from collaboration import selectors, services
from collaboration.models import MatchNotification
from collaboration.services import requests as request_services
from collaboration.tasks import request_notify_matches
from directory.models import CompanyCompetency
from groups.models import Group, PostStatus
from groups.services import post_publish
from tests.collaboration.factories import FindPartnerRequestFactory, person_of
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyCountryFactory,
    CompanyFactory,
    CompetencyFactory,
)
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def competency(db):
    return CompetencyFactory(name="Kubernetes", slug="kubernetes")


def fitting_company(competency, *, country="DE", **claim):
    company = CompanyFactory(hq_country=country)
    CompanyCompetencyFactory(company=company, competency=competency, **claim)
    return company


def new_request(competency, *, countries=("DE",), status=PostStatus.PUBLISHED, group=None):
    extra = {"thread__group": group} if group else {}
    return FindPartnerRequestFactory(
        competencies=[competency], countries=list(countries), thread__status=status, **extra
    )


def test_self_declared_and_verified_claims_both_fit(competency):
    declared = fitting_company(competency)
    verified = fitting_company(competency, verified=True)
    partner_request = new_request(competency)
    assert set(selectors.companies_matching_request(partner_request=partner_request)) == {
        declared,
        verified,
    }


def test_expired_claims_do_not_fit(competency):
    fitting_company(competency, status=CompanyCompetency.Status.EXPIRED)
    lapsed = fitting_company(
        competency, verified=True, expires_at=timezone.now() - timedelta(days=1)
    )
    assert lapsed
    partner_request = new_request(competency)
    assert not selectors.companies_matching_request(partner_request=partner_request).exists()


def test_company_must_operate_in_one_of_the_countries(competency):
    in_germany = fitting_company(competency, country="DE")
    serves_austria = fitting_company(competency, country="FR")
    CompanyCountryFactory(company=serves_austria, country="AT")
    fitting_company(competency, country="JP")
    partner_request = new_request(competency, countries=["AT", "DE"])
    assert set(selectors.companies_matching_request(partner_request=partner_request)) == {
        in_germany,
        serves_austria,
    }


def test_request_without_countries_fits_companies_anywhere(competency):
    anywhere = fitting_company(competency, country="JP")
    partner_request = new_request(competency, countries=[])
    assert list(selectors.companies_matching_request(partner_request=partner_request)) == [anywhere]


def test_company_without_the_competency_does_not_fit(competency):
    other = fitting_company(CompetencyFactory(name="Mainframes", slug="mainframes"))
    partner_request = new_request(competency)
    assert other not in selectors.companies_matching_request(partner_request=partner_request)


def test_the_asking_company_does_not_match_its_own_request(competency):
    partner_request = new_request(competency)
    CompanyCompetencyFactory(company=partner_request.company, competency=competency)
    assert not selectors.companies_matching_request(partner_request=partner_request).exists()


# Notifications -------------------------------------------------------------------------------


def test_publishing_a_request_emails_admins_of_fitting_companies_once(
    competency, mailoutbox, django_capture_on_commit_callbacks
):
    fitting = fitting_company(competency)
    admin = person_of(fitting, admin=True)
    person_of(fitting)  # an ordinary member is not mailed
    person_of(fitting_company(CompetencyFactory(name="SAP", slug="sap")), admin=True)
    partner_request = new_request(competency, status=PostStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        post_publish(post=partner_request.thread)

    assert [mail.to for mail in mailoutbox] == [[admin.email]]
    assert partner_request.thread.title in mailoutbox[0].subject
    assert mailoutbox[0].subject.startswith("[Partner Portal] ")
    assert "\n--\nPartner Portal · http://testserver/" in mailoutbox[0].body
    assert MatchNotification.objects.filter(request=partner_request, recipient=admin).exists()

    request_notify_matches.delay(thread_id=partner_request.thread_id)  # a retry, a re-save
    request_notify_matches.delay(thread_id=partner_request.thread_id)
    assert len(mailoutbox) == 1


def test_a_pending_request_notifies_nobody(competency, mailoutbox):
    person_of(fitting_company(competency), admin=True)
    partner_request = new_request(competency, status=PostStatus.PENDING)
    assert request_notify_matches(thread_id=partner_request.thread_id) == 0
    assert mailoutbox == []


def test_admins_who_cannot_read_the_private_group_are_not_told(competency, mailoutbox):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE)
    outsider_admin = person_of(fitting_company(competency), admin=True)
    insider_admin = person_of(fitting_company(competency), admin=True)
    MembershipFactory(group=private, user=insider_admin)
    partner_request = new_request(competency, group=private)

    request_notify_matches(thread_id=partner_request.thread_id)

    assert [mail.to for mail in mailoutbox] == [[insider_admin.email]]
    assert not MatchNotification.objects.filter(recipient=outsider_admin).exists()


def test_a_failed_send_leaves_no_record_so_a_retry_sends(competency, mailoutbox, monkeypatch):
    admin = person_of(fitting_company(competency), admin=True)
    partner_request = new_request(competency)

    def smtp_down(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(request_services, "send_mail", smtp_down)
    with pytest.raises(ConnectionError):
        services.request_notify_matches(partner_request=partner_request)
    assert not MatchNotification.objects.exists()

    monkeypatch.undo()
    assert services.request_notify_matches(partner_request=partner_request) == 1
    assert [mail.to for mail in mailoutbox] == [[admin.email]]


# The digest's selector -------------------------------------------------------------------------


def test_requests_matching_a_company_for_its_digest(competency, member):
    company = fitting_company(competency)
    fits = new_request(competency)
    new_request(competency, countries=["JP"])  # wrong country
    new_request(competency, status=PostStatus.PENDING)  # not yet published
    closed = new_request(competency)
    closed.status, closed.closed_at = "closed", timezone.now()
    closed.save()
    private = new_request(competency, group=GroupFactory(visibility=Group.Visibility.PRIVATE))

    found = list(selectors.requests_matching_company(viewer=member, company=company))

    assert found == [fits]
    assert private not in found
