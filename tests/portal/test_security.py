"""Security headers on every page, and anonymous browsing that writes nothing."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_strict_content_security_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_https_responses_carry_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/", secure=True)

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_templates_contain_no_inline_scripts_or_styles(client, path):
    html = client.get(path).content.decode()

    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


@pytest.mark.django_db
def test_anonymous_browsing_writes_no_session(client):
    for path in PAGES:
        client.get(path)
    client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "wrong"})

    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_admin_login_goes_through_the_rate_limited_portal_login(client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
