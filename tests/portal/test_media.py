"""Uploaded logos are served by the portal in the production shape (DEBUG off), safely."""

import importlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches
from PIL import Image

import portal.urls
from directory.services.companies import company_update
from portal.media import MEDIA_CSP, media_urlpatterns
from tests.directory.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 20)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    return tmp_path / "media"


@pytest.fixture
def production(settings, media_root):
    """DEBUG off, and the URL conf built again as a production process would build it."""
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()


def test_an_uploaded_logo_is_served_with_debug_off(client, production):
    company = CompanyFactory(slug="nimbus")
    company_update(company=company, fields={"logo": SimpleUploadedFile("l.png", png_bytes())})

    response = client.get(company.logo.url)

    assert company.logo.url.startswith("/media/logos/nimbus-")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_CSP
    assert response["Content-Disposition"].startswith("inline")
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    with Image.open(BytesIO(b"".join(response.streaming_content))) as served:
        assert served.format == "PNG"


def test_each_known_image_type_gets_its_own_content_type(client, production, media_root):
    for name, content_type in [("a.jpg", "image/jpeg"), ("b.webp", "image/webp")]:
        (media_root / "logos" / name).write_bytes(b"image bytes")

        response = client.get(f"/media/logos/{name}")

        assert response["Content-Type"] == content_type


def test_an_unchanged_logo_answers_304(client, production, media_root):
    (media_root / "logos" / "a.png").write_bytes(png_bytes())
    first = client.get("/media/logos/a.png")

    again = client.get("/media/logos/a.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/media/../secret.png",
        "/media/logos/../../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/logos/..%2f..%2fsecret.png",
        "/media/..%5csecret.png",
        "/media//etc/secret.png",
    ],
)
def test_paths_out_of_media_root_answer_404(client, production, media_root, url):
    (media_root.parent / "secret.png").write_bytes(png_bytes())

    assert client.get(url).status_code == 404


def test_a_symbolic_link_out_of_media_root_answers_404(client, production, media_root):
    (media_root.parent / "secret.png").write_bytes(png_bytes())
    (media_root / "logos" / "link.png").symlink_to(media_root.parent / "secret.png")

    assert client.get("/media/logos/link.png").status_code == 404


@pytest.mark.parametrize(
    "name", ["logos/missing.png", "logos/page.html", "logos/image.svg", "logos/.hidden.png"]
)
def test_unknown_files_and_types_off_the_list_answer_404(client, production, media_root, name):
    for existing in ("page.html", "image.svg", ".hidden.png"):
        (media_root / "logos" / existing).write_text("<script>alert(1)</script>")

    assert client.get(f"/media/{name}").status_code == 404


def test_with_a_remote_storage_media_url_is_not_routed(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }

    assert media_urlpatterns() == []
