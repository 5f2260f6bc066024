import factory
from allauth.mfa.models import Authenticator
from django.utils import timezone
from django.utils.text import slugify

from directory.models import (
    Company,
    CompanyCompetency,
    CompanyCountry,
    CompanyMembership,
    Competency,
    Industry,
    Offering,
    Review,
)
from tests.factories import UserFactory, mfa_enrol


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Competency {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CompanyFactory(factory.django.DjangoModelFactory):
    """A company whose headquarters country row exists, as the services keep it."""

    class Meta:
        model = Company
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner Company {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Cloud migrations and managed services."
    hq_country = "DE"
    website = "https://partner.example.com"

    @factory.post_generation
    def headquarters_row(self, create: bool, extracted, **kwargs) -> None:
        if create:
            CompanyCountry.objects.get_or_create(
                company=self, country=self.hq_country, defaults={"is_headquarters": True}
            )


class CompanyCountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyCountry

    company = factory.SubFactory(CompanyFactory)
    country = "FR"


class CompanyCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyCompetency

    company = factory.SubFactory(CompanyFactory)
    competency = factory.SubFactory(CompetencyFactory)

    class Params:
        verified = factory.Trait(
            status=CompanyCompetency.Status.VERIFIED,
            verified_at=factory.LazyFunction(timezone.now),
        )


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    company = factory.SubFactory(CompanyFactory)
    kind = Offering.Kind.SERVICE
    name = factory.Sequence(lambda n: f"Offering {n}")


class CompanyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    status = CompanyMembership.Status.APPROVED
    role = CompanyMembership.Role.MEMBER

    class Params:
        admin = factory.Trait(role=CompanyMembership.Role.ADMIN)

    @factory.post_generation
    def admin_mfa_enrolled(self, create: bool, extracted: bool | None, **kwargs) -> None:
        # Company admins must use two-factor authentication (settings.MFA_REQUIRED_ROLES): an
        # approved admin has an authenticator app unless the test says admin_mfa_enrolled=False.
        if (
            create
            and extracted is not False
            and self.role == CompanyMembership.Role.ADMIN
            and self.status == CompanyMembership.Status.APPROVED
            and not Authenticator.objects.filter(user=self.user).exists()
        ):
            mfa_enrol(self.user)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    company = factory.SubFactory(CompanyFactory)
    author = factory.SubFactory(UserFactory)
    rating = 4
    title = "Reliable partner"
    body = "Delivered on time and on budget."
