import factory
from django.utils import timezone

from deals.models import DealRegistration
from tests.directory.factories import CompanyFactory


class DealRegistrationFactory(factory.django.DjangoModelFactory):
    """A draft registration; pass competencies=[...] to set them."""

    class Meta:
        model = DealRegistration
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    customer_name = factory.Sequence(lambda n: f"Customer {n} Ltd")
    customer_domain = factory.Sequence(lambda n: f"customer{n}.com")
    country = "DE"
    value = 100000
    currency = "EUR"
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def competencies(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.competencies.set(extracted)
