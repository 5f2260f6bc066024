import factory

from collaboration.models import (
    Collaboration,
    CollaborationMessage,
    FindPartnerRequest,
    Referral,
    ValueRange,
)
from groups.markdown import render_markdown
from groups.models import Thread
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import UserFactory
from tests.groups.factories import ThreadFactory


def person_of(company, *, admin: bool = False, **user_fields):
    """An approved person of the company (its admin with admin=True)."""
    if user_fields:
        user = UserFactory(**user_fields)
        return CompanyMembershipFactory(company=company, user=user, admin=admin).user
    return CompanyMembershipFactory(company=company, admin=admin).user


class FindPartnerRequestFactory(factory.django.DjangoModelFactory):
    """An open request on a published request thread; pass competencies=[...] to set them."""

    class Meta:
        model = FindPartnerRequest
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    thread = factory.SubFactory(
        ThreadFactory,
        kind=Thread.Kind.REQUEST,
        author_company=factory.SelfAttribute("..company"),
        title=factory.Sequence(lambda n: f"Looking for a data platform partner {n}"),
    )
    countries = []

    @factory.post_generation
    def competencies(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.competencies.set(extracted)


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaboration

    request = factory.SubFactory(FindPartnerRequestFactory)
    requesting_company = factory.LazyAttribute(lambda o: o.request.company)
    responding_company = factory.SubFactory(CompanyFactory)
    subject = factory.LazyAttribute(lambda o: o.request.thread.title)


class CollaborationMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollaborationMessage

    collaboration = factory.SubFactory(CollaborationFactory)
    body_markdown = "We have done **three** of these this year."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body_markdown))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    collaboration = factory.SubFactory(CollaborationFactory)
    request = factory.LazyAttribute(lambda o: o.collaboration.request)
    from_company = factory.LazyAttribute(lambda o: o.collaboration.responding_company)
    to_company = factory.LazyAttribute(lambda o: o.collaboration.requesting_company)
    title = factory.Sequence(lambda n: f"Retail customer migration {n}")
    use_case = "Move a retailer's reporting warehouse to the cloud"
    country = "DE"
    size_band = "201-1000"
    value = 50000
    value_range = factory.LazyAttribute(lambda o: ValueRange.for_value(o.value))
    currency = "EUR"
    customer_name = "Globex Retail GmbH"
    customer_contact_name = "Hank Scorpio"
    customer_contact_email = "hank@globex.example"
    customer_contact_phone = "+49 30 1234567"
