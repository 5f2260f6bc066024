"""SAML 2.0 details a company admin gives (certificate, IdP metadata) and the portal's own
service-provider details to copy into the identity provider. All XML and signature work is
python3-saml's; this module only reads and checks what people paste."""

from __future__ import annotations

import binascii
import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.metadata import OneLogin_Saml2_Metadata
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from portal.emails import absolute_url

NOT_A_CERTIFICATE = gettext_noop(
    "This is not an X.509 certificate. Paste the identity provider's signing certificate in "
    "PEM form (from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----) or as base64."
)
CERTIFICATE_EXPIRED = gettext_noop(
    "This certificate expired on {date}. Paste the identity provider's current signing certificate."
)
METADATA_UNREADABLE = gettext_noop(
    "This is not SAML metadata of an identity provider (no IDPSSODescriptor was found)."
)
METADATA_INCOMPLETE = gettext_noop(
    "The metadata names no {missing}. Fill in the fields below by hand instead."
)
METADATA_NOT_FETCHED = gettext_noop(
    "The portal could not read metadata from {url}. Check the address, or paste the metadata "
    "XML instead."
)
# Where a SAML sign-in does not seem to come from the identity provider: the IdP did not answer
# to the portal's request, or its answer was unsigned, tampered with or expired.
RESPONSE_REFUSED = gettext_noop(
    "The portal could not verify the answer of your identity provider, so it did not sign you "
    "in. Start again from the portal's sign-in page; if it keeps failing, tell your company's IT "
    "that the SAML response was refused."
)

# A certificate's text is a few kilobytes; anything longer is not one.
MAX_CERTIFICATE_LENGTH = 10_000


@dataclass(frozen=True)
class CertificateSummary:
    """What staff compare with the company's IT before approving: fingerprint and validity."""

    subject: str
    sha256_fingerprint: str
    not_valid_after: datetime


def _load(text: str) -> x509.Certificate:
    body = "".join(
        line for line in text.strip().splitlines() if line.strip() and not line.startswith("-----")
    )
    try:
        der = binascii.a2b_base64("".join(body.split()))
        return x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(gettext(NOT_A_CERTIFICATE), code="invalid") from error


def certificate_clean(text: str) -> str:
    """The certificate as python3-saml stores it (base64 on one line, no header); a
    ValidationError saying what is wrong when it is no certificate or has expired."""
    if not text.strip() or len(text) > MAX_CERTIFICATE_LENGTH:
        raise ValidationError(gettext(NOT_A_CERTIFICATE), code="invalid")
    certificate = _load(text)
    expires = certificate.not_valid_after_utc
    if expires < datetime.now(UTC):
        raise ValidationError(
            gettext(CERTIFICATE_EXPIRED).format(date=expires.date().isoformat()), code="expired"
        )
    return OneLogin_Saml2_Utils.format_cert(text, heads=False)


def certificate_summary(text: str) -> CertificateSummary | None:
    """Fingerprint, subject and expiry of a stored certificate (None when unreadable)."""
    try:
        certificate = _load(text)
    except ValidationError:
        return None
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return CertificateSummary(
        subject=certificate.subject.rfc4514_string(),
        sha256_fingerprint=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        not_valid_after=certificate.not_valid_after_utc,
    )


@dataclass(frozen=True)
class IdentityProviderDetails:
    entity_id: str
    sso_url: str
    x509cert: str


def metadata_parse(xml: str) -> IdentityProviderDetails:
    """The entity ID, single sign-on URL (HTTP-Redirect binding) and signing certificate an
    identity provider's metadata names; a ValidationError saying what is missing."""
    try:
        idp = OneLogin_Saml2_IdPMetadataParser.parse(xml).get("idp", {})
    except Exception as error:  # lxml's or python3-saml's own complaint about the XML
        raise ValidationError(gettext(METADATA_UNREADABLE), code="invalid") from error
    if not idp:
        raise ValidationError(gettext(METADATA_UNREADABLE), code="invalid")
    certificate = idp.get("x509cert") or next(
        iter(idp.get("x509certMulti", {}).get("signing", [])), ""
    )
    entity_id = idp.get("entityId", "")
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    missing = [
        gettext(name)
        for name, value in (
            (gettext_noop("entity ID"), entity_id),
            (gettext_noop("single sign-on URL (HTTP-Redirect binding)"), sso_url),
            (gettext_noop("signing certificate"), certificate),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            gettext(METADATA_INCOMPLETE).format(missing=", ".join(missing)), code="incomplete"
        )
    return IdentityProviderDetails(
        entity_id=entity_id, sso_url=sso_url, x509cert=certificate_clean(certificate)
    )


METADATA_FETCH_TIMEOUT = 5
METADATA_MAX_BYTES = 1_000_000
METADATA_ADDRESS_PRIVATE = gettext_noop(
    "This address is on a private or local network, which the portal does not fetch from. "
    "Give the identity provider's public metadata URL, or paste its metadata XML."
)


def address_is_public(url: str) -> bool:
    """Whether every address ``url``'s host resolves to is on the public internet (loopback too
    where ``SSO_ALLOW_LOOPBACK_IDP`` allows a test or development identity provider).

    A company admin names the URL and the portal fetches it: without this, it would read its
    own network (a cloud's metadata service, a database's port) for them.
    """
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return True  # nothing to reach: the fetch says so
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if address.is_loopback and settings.SSO_ALLOW_LOOPBACK_IDP:
            continue
        if not address.is_global:
            return False
    return True


def metadata_fetch(url: str) -> str:
    """The identity provider's metadata XML at ``url``: a public address, no redirects
    followed, at most ``METADATA_MAX_BYTES``; a ValidationError otherwise."""
    if not address_is_public(url):
        raise ValidationError(gettext(METADATA_ADDRESS_PRIVATE), code="private")
    try:
        with requests.get(
            url, timeout=METADATA_FETCH_TIMEOUT, allow_redirects=False, stream=True
        ) as response:
            if response.status_code != 200:
                raise ValueError(f"answered {response.status_code}")
            body = response.raw.read(METADATA_MAX_BYTES + 1, decode_content=True)
        if len(body) > METADATA_MAX_BYTES:
            raise ValueError("larger than METADATA_MAX_BYTES")
    except (requests.RequestException, ValueError) as error:
        raise ValidationError(
            gettext(METADATA_NOT_FETCHED).format(url=url), code="unreachable"
        ) from error
    return body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class ServiceProvider:
    """The portal's side of a SAML connection, to copy into the identity provider."""

    entity_id: str
    acs_url: str
    metadata_url: str


def service_provider(provider_id: str) -> ServiceProvider:
    """The portal's entity ID and ACS URL for the connection ``provider_id`` (public URLs from
    SITE_URL; allauth's SAML URLs are keyed by the app's client_id, which is the provider_id)."""
    metadata_url = absolute_url(reverse("saml_metadata", args=[provider_id]))
    return ServiceProvider(
        entity_id=metadata_url,
        acs_url=absolute_url(reverse("saml_acs", args=[provider_id])),
        metadata_url=metadata_url,
    )


def service_provider_metadata(provider_id: str) -> str:
    """The portal's SP metadata XML for one connection (entity ID and ACS URL)."""
    sp = service_provider(provider_id)
    return OneLogin_Saml2_Metadata.builder(
        {
            "entityId": sp.entity_id,
            "assertionConsumerService": {
                "url": sp.acs_url,
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
            },
            "NameIDFormat": OneLogin_Saml2_Constants.NAMEID_EMAIL_ADDRESS,
        }
    )
