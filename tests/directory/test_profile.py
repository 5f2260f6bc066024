"""The company profile page and the edit page of its admins."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Company, CompanyCompetency, CompanyCountry, Offering, Visibility
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.companies import company_update
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CompetencyFactory,
    IndustryFactory,
    OfferingFactory,
    ReviewFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def profile_url(company) -> str:
    return reverse("directory:profile", args=[company.slug])


def edit_url(company) -> str:
    return reverse("directory:edit", args=[company.slug])


def test_unknown_company_is_404(client):
    assert client.get("/directory/no-such-partner/").status_code == 404
    assert client.get("/api/v1/partners/no-such-partner/").status_code == 404


def test_verified_and_self_declared_competencies_are_told_apart(client):
    company = CompanyFactory()
    CompanyCompetencyFactory(company=company, competency__name="Azure Migration", verified=True)
    CompanyCompetencyFactory(company=company, competency__name="Kubernetes")
    html = client.get(profile_url(company)).content.decode()
    assert 'badge-verified">✓ Verified</span> Azure Migration' in html
    assert 'badge-pending">Self-declared</span> Kubernetes' in html


def test_a_verification_past_its_expiry_no_longer_shows_as_verified(client):
    company = CompanyFactory()
    CompanyCompetencyFactory(
        company=company,
        competency__name="Data Lakes",
        verified=True,
        expires_at=timezone.now() - timedelta(days=1),
    )
    html = client.get(profile_url(company)).content.decode()
    assert "Verification expired</span> Data Lakes" in html


def test_profile_lists_offerings_and_the_average_of_approved_reviews(client):
    company = CompanyFactory(rating_average="4.50", rating_count=2)
    OfferingFactory(company=company, name="Landing Zone Kit", kind=Offering.Kind.PRODUCT)
    ReviewFactory(company=company, title="Great", rating=5, status="approved")
    ReviewFactory(company=company, title="Good", rating=4, status="approved")
    ReviewFactory(company=company, title="Unmoderated rant", rating=1)
    html = client.get(profile_url(company)).content.decode()
    assert "Landing Zone Kit" in html
    assert "4.5 out of 5" in html
    assert "Great" in html and "Good" in html
    assert "Unmoderated rant" not in html


def test_only_people_who_chose_to_be_shown_are_contacts(member_client, member):
    company = CompanyFactory(contacts_visibility=Visibility.MEMBERS)
    CompanyMembershipFactory(company=company, user__display_name="Shown Sam", show_as_contact=True)
    CompanyMembershipFactory(company=company, user__display_name="Quiet Quinn")
    html = member_client.get(profile_url(company)).content.decode()
    assert "Shown Sam" in html
    assert "Quiet Quinn" not in html


def test_user_content_is_escaped(client):
    company = CompanyFactory(description="<script>alert(1)</script>")
    html = client.get(profile_url(company)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_join_button_is_offered_to_signed_in_people_without_a_company(member_client):
    company = CompanyFactory()
    assert "Join this company" in member_client.get(profile_url(company)).content.decode()


def test_join_button_is_not_offered_to_visitors_or_people_with_a_company(client):
    company = CompanyFactory()
    assert "Join this company" not in client.get(profile_url(company)).content.decode()
    client.force_login(CompanyMembershipFactory().user)
    assert "Join this company" not in client.get(profile_url(company)).content.decode()


def _fill(company, *, offerings: int, reviews: int, contacts: int) -> None:
    for i in range(offerings):
        OfferingFactory(company=company, name=f"Offering {i}")
    for i in range(reviews):
        ReviewFactory(company=company, title=f"Review {i}", status="approved")
    for _ in range(contacts):
        CompanyMembershipFactory(company=company, show_as_contact=True)
    for _ in range(min(offerings, 5)):
        CompanyCompetencyFactory(company=company)
    company.industries.add(IndustryFactory())
    company.tags.add("cloud", "security")


@pytest.mark.parametrize("size", [1, 50])
def test_profile_page_runs_a_constant_number_of_queries(
    member_client, django_assert_max_num_queries, size
):
    company = CompanyFactory(contacts_visibility=Visibility.PUBLIC)
    _fill(company, offerings=size, reviews=size, contacts=size)
    # A cold cache: the count includes the navigation's two per-member answers.
    with django_assert_max_num_queries(15):
        response = member_client.get(profile_url(company))
    assert response.content.decode().count("Offering ") >= size


@pytest.mark.parametrize("size", [1, 50])
def test_detail_api_runs_a_constant_number_of_queries(
    member_client, django_assert_max_num_queries, size
):
    company = CompanyFactory(contacts_visibility=Visibility.PUBLIC)
    _fill(company, offerings=size, reviews=size, contacts=size)
    # Includes the one query of the two-factor check every signed-in request makes (portal/mfa.py).
    with django_assert_max_num_queries(13):
        data = member_client.get(reverse("api-partner-detail", args=[company.slug])).json()
    assert len(data["offerings"]) == size
    assert len(data["reviews"]) == size


# Editing -------------------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in_before_editing(client):
    company = CompanyFactory()
    response = client.get(edit_url(company))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "plain colleague", "admin elsewhere"])
def test_only_the_company_admin_may_open_the_edit_page(client, who):
    company = CompanyFactory()
    if who == "member":
        user = UserFactory()
    elif who == "plain colleague":
        user = CompanyMembershipFactory(company=company).user
    else:
        user = CompanyMembershipFactory(admin=True).user
    client.force_login(user)
    assert client.get(edit_url(company)).status_code == 403
    assert client.post(edit_url(company), {"action": "save", "name": "Taken"}).status_code == 403
    assert Company.objects.get(pk=company.pk).name == company.name


def test_edit_page_of_an_unknown_company_is_404(member_client):
    assert member_client.get("/directory/nope/edit/").status_code == 404


def _admin_client(client, company):
    client.force_login(CompanyMembershipFactory(company=company, admin=True).user)
    return client


def _edit_payload(**overrides) -> dict:
    data = {
        "action": "save",
        "name": "Nimbus Cloud Partners",
        "description": "We migrate workloads to the cloud and keep them running well.",
        "website": "https://nimbus.example.com",
        "hq_country": "FR",
        "hq_region": "Île-de-France",
        "hq_city": "Paris",
        "size_band": "11-50",
        "founded": "2012",
        "languages": "fr, EN",
        "countries_served": ["BE", "CH"],
        "tags": "finops, landing zones",
        "details_visibility": "members",
        "offerings_visibility": "public",
        "contacts_visibility": "hidden",
        "reviews_visibility": "public",
        "offerings-TOTAL_FORMS": "2",
        "offerings-INITIAL_FORMS": "0",
        "offerings-MIN_NUM_FORMS": "0",
        "offerings-MAX_NUM_FORMS": "1000",
        "offerings-0-kind": "service",
        "offerings-0-name": "FinOps review",
        "offerings-0-description": "Two weeks, fixed price.",
        "offerings-1-kind": "",
        "offerings-1-name": "",
        "offerings-1-description": "",
    }
    data.update(overrides)
    return data


def test_company_admin_edits_profile_fields_lists_and_visibility(client):
    company = CompanyFactory(hq_country="DE")
    industry = IndustryFactory(name="Retail")
    _admin_client(client, company)
    response = client.post(edit_url(company), _edit_payload(industries=[industry.pk]))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Nimbus Cloud Partners"
    assert company.languages == ["fr", "en"]
    assert company.details_visibility == "members"
    assert company.contacts_visibility == "hidden"
    assert sorted(company.tags.names()) == ["finops", "landing zones"]
    assert list(company.industries.all()) == [industry]
    assert list(company.offerings.values_list("name", flat=True)) == ["FinOps review"]
    rows = set(
        CompanyCountry.objects.filter(company=company).values_list("country", "is_headquarters")
    )
    assert rows == {("FR", True), ("BE", False), ("CH", False)}
    assert company.profile_completeness > 0


def test_edit_form_shows_its_errors_with_400(client):
    company = CompanyFactory()
    _admin_client(client, company)
    response = client.post(edit_url(company), _edit_payload(languages="english", founded="1492"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Use two-letter ISO 639-1 codes separated by commas" in html
    company.refresh_from_db()
    assert company.languages == []


def test_admin_cannot_set_the_tier_through_the_service():
    company = CompanyFactory()
    with pytest.raises(ValueError, match="tier"):
        company_update(company=company, fields={"tier": "gold"})


def test_profile_completeness_grows_as_the_profile_fills(client):
    company = CompanyFactory(description="")
    company_update(company=company, fields={"description": ""})
    before = Company.objects.get(pk=company.pk).profile_completeness
    company_update(
        company=company,
        fields={"description": "A long enough description of what this partner does well."},
    )
    assert Company.objects.get(pk=company.pk).profile_completeness > before


def test_company_admin_claims_and_withdraws_competencies(client):
    company = CompanyFactory()
    competency = CompetencyFactory(name="Zero Trust")
    _admin_client(client, company)
    client.post(edit_url(company), {"action": "claim_add", "competency": competency.pk})
    claim = CompanyCompetency.objects.get(company=company)
    assert claim.status == CompanyCompetency.Status.SELF_DECLARED
    client.post(edit_url(company), {"action": "claim_remove", "claim": claim.pk})
    assert not CompanyCompetency.objects.filter(company=company).exists()


def test_company_admin_cannot_remove_another_companys_claim(client):
    company = CompanyFactory()
    other_claim = CompanyCompetencyFactory()
    _admin_client(client, company)
    client.post(edit_url(company), {"action": "claim_remove", "claim": other_claim.pk})
    assert CompanyCompetency.objects.filter(pk=other_claim.pk).exists()


def test_edits_refresh_the_search_index_after_commit(django_capture_on_commit_callbacks):
    company = CompanyFactory(name="Old Name")
    with django_capture_on_commit_callbacks(execute=True):
        company_update(company=company, fields={"name": "Stratocumulus Analytics"})
    found = company_search(viewer=None, params=search_params_clean({"q": "stratocumulus"}))
    assert [c.pk for c in found.companies] == [company.pk]
