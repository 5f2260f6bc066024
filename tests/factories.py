import hashlib
import os

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

from portal.models import User

TEST_PASSWORD = "correct horse battery staple"


def mfa_enrol(user: User) -> str:
    """Give ``user`` an authenticator app, as if they had set it up; returns its TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def mfa_add_recovery_codes(user: User) -> list[str]:
    """Give ``user`` a set of recovery codes; returns them."""
    return RecoveryCodes.activate(user).generate_codes()


def mfa_add_security_key(user: User, *, name: str = "Security key", host: str = "testserver"):
    """Register a security key for ``user`` as a browser would after a WebAuthn ceremony
    (a "none" attestation of a new P-256 key, made with fido2); returns its Authenticator."""
    credential_id = os.urandom(16)
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    auth_data = AuthenticatorData.create(
        hashlib.sha256(host.encode()).digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(Aaguid.NONE, credential_id, public_key),
    )
    client_data = CollectedClientData.create(
        type="webauthn.create", challenge=os.urandom(32), origin=f"http://{host}"
    )
    credential = {
        "type": "public-key",
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "response": {
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "attestationObject": websafe_encode(
                bytes(AttestationObject.create("none", auth_data, {}))
            ),
        },
        "clientExtensionResults": {"credProps": {"rk": False}},
    }
    return WebAuthn.add(user, name, credential).instance


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
