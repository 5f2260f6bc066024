"""A real OpenID Connect provider for the SSO tests: tests/sso_provider (django-oauth-toolkit)
started as a subprocess on a free loopback port, with an RSA key made for this run and its own
SQLite database in a temporary directory. Nothing goes to the internet."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from directory.models import ClaimedDomain
from sso.models import IdentityProviderConnection
from sso.services import connection_approve, connection_request, connection_request_saml
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import UserFactory
from tests.sso.saml_idp import TestIdentityProvider, key_and_certificate
from tests.sso_provider.setup_provider import PASSWORD

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID = "partner-portal-test"
CLIENT_SECRET = "test-client-secret-never-shown"
# Variables of the portal's test run that the provider must not see.
_PORTAL_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL", "SITE_URL")


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(autouse=True)
def loopback_identity_providers(settings):
    """The identity providers these tests start listen on loopback, which production refuses."""
    settings.SSO_ALLOW_LOOPBACK_IDP = True


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Provider:
    """The running provider; waits until its discovery document answers (at most 60 s)."""
    workdir = tmp_path_factory.mktemp("sso_provider")
    env = {key: value for key, value in os.environ.items() if key not in _PORTAL_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.sso_provider.settings",
        SSO_PROVIDER_DB=str(workdir / "provider.sqlite3"),
        SSO_PROVIDER_RSA_KEY=_rsa_key_pem(),
        PYTHONPATH=str(REPO),
    )
    subprocess.run(
        [sys.executable, "-m", "tests.sso_provider.setup_provider", CLIENT_ID, CLIENT_SECRET],
        cwd=REPO,
        env=env,
        check=True,
    )
    port = _free_port()
    log = (workdir / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}/o"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = (workdir / "provider.log").read_text()
                raise RuntimeError(f"The test OIDC provider did not start: {output}")
            time.sleep(0.2)
        yield Provider(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def connect_company(
    *, issuer: str, domain: str = "acme.example", name: str = "Acme Corp", approve: bool = True
) -> IdentityProviderConnection:
    """A company claiming ``domain`` with an identity provider at ``issuer`` (approved)."""
    company = CompanyFactory(name=name)
    claimed = ClaimedDomain.objects.create(company=company, domain=domain)
    admin = CompanyMembershipFactory(company=company, admin=True).user
    connection = connection_request(
        company=company,
        admin=admin,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=[claimed],
    )
    if approve:
        connection = connection_approve(connection=connection, staff=UserFactory(is_staff=True))
    return connection


@pytest.fixture
def acme(oidc_provider, db) -> IdentityProviderConnection:
    return connect_company(issuer=oidc_provider.issuer)


def provider_sign_in(authorize_url: str, email: str) -> str:
    """A person at the provider: signs in with their password and is sent back to the portal.
    Returns the portal callback URL (with code and state) the provider redirects to."""
    session = requests.Session()
    parts = urlsplit(authorize_url)
    base = f"{parts.scheme}://{parts.netloc}"
    next_path = f"{parts.path}?{parts.query}"
    login_page = session.get(f"{base}/login/", params={"next": next_path}, timeout=10)
    login_page.raise_for_status()
    answer = session.post(
        f"{base}/login/",
        data={
            "username": email,
            "password": PASSWORD,
            "next": next_path,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    authorize = session.get(base + answer.headers["Location"], allow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    return authorize.headers["Location"]


def authorize_query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


SAML_ENTITY_ID = "https://idp.acme.example/saml/metadata"
SAML_SSO_URL = "https://idp.acme.example/saml/sso"


@pytest.fixture(scope="session")
def saml_idp() -> TestIdentityProvider:
    """The test SAML identity provider (tests/sso/saml_idp.py) with a key made for this run."""
    key_pem, certificate_pem = key_and_certificate("Acme test IdP")
    return TestIdentityProvider(
        entity_id=SAML_ENTITY_ID,
        sso_url=SAML_SSO_URL,
        key_pem=key_pem,
        certificate_pem=certificate_pem,
    )


def connect_company_saml(
    idp: TestIdentityProvider,
    *,
    domain: str = "acme.example",
    name: str = "Acme Corp",
    approve: bool = True,
) -> IdentityProviderConnection:
    """A company claiming ``domain`` whose SAML identity provider is ``idp`` (approved)."""
    company = CompanyFactory(name=name)
    claimed = ClaimedDomain.objects.create(company=company, domain=domain)
    admin = CompanyMembershipFactory(company=company, admin=True).user
    connection = connection_request_saml(
        company=company,
        admin=admin,
        entity_id=idp.entity_id,
        sso_url=idp.sso_url,
        x509cert=idp.certificate_pem,
        domains=[claimed],
    )
    if approve:
        connection = connection_approve(connection=connection, staff=UserFactory(is_staff=True))
    return connection
