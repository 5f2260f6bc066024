import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt

from portal.models import User

TEST_PASSWORD = "correct horse battery staple"


def mfa_enrol(user: User) -> str:
    """Give ``user`` an authenticator app, as if they had set it up; returns its TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def mfa_secret(user: User) -> str:
    """The TOTP secret of ``user``'s authenticator app."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Faker("name")
    job_title = "Partner Manager"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def mfa_enrolled(self, create: bool, extracted: bool | None, **kwargs) -> None:
        # Program staff must use two-factor authentication (settings.MFA_REQUIRED_ROLES), so a
        # staff account comes with an authenticator app, as a real one would have, unless the
        # test asks for one that has not enrolled yet (mfa_enrolled=False).
        if create and (extracted or (extracted is None and self.is_staff)):
            mfa_enrol(self)
