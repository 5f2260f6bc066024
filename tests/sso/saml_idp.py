"""A SAML 2.0 identity provider for the tests: it reads the portal's AuthnRequest from the
redirect, and answers with a Response signed by python3-saml's own signing (xmlsec) with a key
and self-signed certificate made for the test run. It is what a browser carries between the
portal and the IdP: the test client follows the redirect to it and POSTs its answer back to the
portal's ACS URL."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
NAME_ATTRIBUTE = "http://schemas.microsoft.com/identity/claims/displayname"


def key_and_certificate(
    common_name: str = "Test IdP", *, valid_days: int = 30, expired: bool = False
) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    start = now - timedelta(days=60 if expired else 1)
    end = now - timedelta(days=1) if expired else now + timedelta(days=valid_days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class AuthnRequest:
    """What the IdP reads from the portal's redirect."""

    id: str
    issuer: str
    acs_url: str
    relay_state: str | None


def _instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TestIdentityProvider:
    entity_id: str
    sso_url: str
    key_pem: str
    certificate_pem: str

    __test__ = False  # not a test class, whatever its name

    def metadata(self) -> str:
        """The IdP's metadata XML, as Entra ID, Okta or Google Workspace offer it."""
        certificate = OneLogin_Saml2_Utils.format_cert(self.certificate_pem, heads=False)
        return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID={quoteattr(self.entity_id)}>
  <md:IDPSSODescriptor protocolSupportEnumeration="{SAMLP}">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{certificate}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location={quoteattr(self.sso_url)}/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""

    def read_request(self, location: str) -> AuthnRequest:
        """The AuthnRequest in the portal's redirect to this IdP (HTTP-Redirect binding)."""
        assert location.startswith(self.sso_url), location
        query = parse_qs(urlsplit(location).query)
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(query["SAMLRequest"][0])
        request = etree.fromstring(xml)
        return AuthnRequest(
            id=request.get("ID"),
            issuer=request.find(f"{{{SAML}}}Issuer").text,
            acs_url=request.get("AssertionConsumerServiceURL"),
            relay_state=query.get("RelayState", [None])[0],
        )

    def response_xml(
        self,
        request: AuthnRequest | None,
        *,
        email: str,
        name: str = "",
        acs_url: str | None = None,
        audience: str | None = None,
    ) -> str:
        """An unsigned Response for ``request`` (None: unsolicited) saying ``email`` signed in."""
        now = datetime.now(UTC)
        acs_url = acs_url or request.acs_url
        audience = audience or request.issuer
        in_response_to = f" InResponseTo={quoteattr(request.id)}" if request else ""
        attributes = f"""<saml:Attribute Name="{EMAIL_ATTRIBUTE}">
          <saml:AttributeValue>{escape(email)}</saml:AttributeValue></saml:Attribute>"""
        if name:
            attributes += f"""<saml:Attribute Name="{NAME_ATTRIBUTE}">
          <saml:AttributeValue>{escape(name)}</saml:AttributeValue></saml:Attribute>"""
        return f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"
    ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}"
    Destination={quoteattr(acs_url)}{in_response_to}>
  <saml:Issuer>{escape(self.entity_id)}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="{SUCCESS}"/></samlp:Status>
  <saml:Assertion ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}">
    <saml:Issuer>{escape(self.entity_id)}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="{EMAIL_FORMAT}">{escape(email)}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData{in_response_to} Recipient={quoteattr(acs_url)}
            NotOnOrAfter="{_instant(now + timedelta(minutes=5))}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{_instant(now - timedelta(minutes=1))}"
        NotOnOrAfter="{_instant(now + timedelta(minutes=5))}">
      <saml:AudienceRestriction>
        <saml:Audience>{escape(audience)}</saml:Audience>
      </saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_{uuid.uuid4().hex}">
      <saml:AuthnContext>
        <saml:AuthnContextClassRef>{PASSWORD_CONTEXT}</saml:AuthnContextClassRef>
      </saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>{attributes}</saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"""

    def sign(self, xml: str, *, key_pem: str | None = None, certificate_pem: str | None = None):
        """The Response signed (enveloped XML signature, RSA-SHA256) by python3-saml/xmlsec."""
        signed = OneLogin_Saml2_Utils.add_sign(
            xml,
            key_pem or self.key_pem,
            certificate_pem or self.certificate_pem,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
        return signed.decode() if isinstance(signed, bytes) else signed


def encode(xml: str) -> str:
    """The SAMLResponse form field of the HTTP-POST binding."""
    return base64.b64encode(xml.encode()).decode()
