"""Company logos: limited in bytes and pixels, re-encoded small, the replaced file deleted."""

import os
import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from directory.logos import (
    LOGO_MAX_BYTES,
    LOGO_NOT_AN_IMAGE,
    LOGO_PIXELS_UNREADABLE,
    LOGO_TOO_LARGE,
    LOGO_TOO_MANY_PIXELS,
    LogoUploadHandler,
)
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.directory.test_profile import _edit_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def company():
    return CompanyFactory(slug="nimbus")


@pytest.fixture
def admin_client(client, company):
    client.force_login(CompanyMembershipFactory(company=company, admin=True).user)
    return client


def png(size: tuple[int, int], *, mode: str = "RGB", noise: bool = False, **save) -> bytes:
    if noise:  # random pixels do not compress: the file is about as large as the raw image
        image = Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))
    else:
        image = Image.new(mode, size, color=0 if mode == "1" else (200, 30, 30)[: len(mode)])
    out = BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width by height pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(client, company, content: bytes, name: str = "logo.png"):
    file = SimpleUploadedFile(name, content, content_type="image/png")
    return client.post(reverse("directory:edit", args=[company.slug]), _edit_payload(logo=file))


def stored_files(tmp_path) -> list[str]:
    return (
        sorted(p.name for p in (tmp_path / "logos").glob("*"))
        if (tmp_path / "logos").exists()
        else []
    )


def test_a_logo_over_two_megabytes_is_refused_with_a_clear_error(admin_client, company, tmp_path):
    content = png((1000, 1000), noise=True)
    assert len(content) > LOGO_MAX_BYTES

    response = upload(admin_client, company, content)

    assert response.status_code == 400
    assert LOGO_TOO_LARGE in response.content.decode()
    company.refresh_from_db()
    assert not company.logo
    assert stored_files(tmp_path) == []


def test_a_logo_over_2000_pixels_a_side_is_refused_with_a_clear_error(admin_client, company):
    response = upload(admin_client, company, png((9000, 9000), mode="1"))

    assert response.status_code == 400
    assert LOGO_TOO_MANY_PIXELS % {"width": 9000, "height": 9000} in response.content.decode()
    company.refresh_from_db()
    assert not company.logo


def test_one_side_over_the_limit_is_enough_to_refuse(admin_client, company):
    response = upload(admin_client, company, png((2001, 10)))

    assert LOGO_TOO_MANY_PIXELS % {"width": 2001, "height": 10} in response.content.decode()


def test_a_german_admin_reads_the_pixel_limit_in_german(client, company):
    admin = CompanyMembershipFactory(company=company, admin=True, user__language="de").user
    client.force_login(admin)

    response = upload(client, company, png((2001, 10)))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Das Logo hat 2001 × 10 Pixel; erlaubt sind höchstens 2000 × 2000 Pixel." in page


def test_a_decompression_bomb_is_refused_before_it_is_decoded(admin_client, company):
    response = upload(admin_client, company, png_declaring(50_000, 50_000))

    assert response.status_code == 400
    assert LOGO_PIXELS_UNREADABLE in response.content.decode()


def test_something_that_is_not_an_image_is_refused(admin_client, company):
    response = upload(admin_client, company, b"<svg onload=alert(1)>", name="logo.png")

    assert response.status_code == 400
    assert LOGO_NOT_AN_IMAGE in response.content.decode()


def test_the_kept_logo_is_a_small_png_without_metadata(admin_client, company, tmp_path):
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "shot at our secret office")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    big = png((1200, 800), pnginfo=text, exif=exif.tobytes())

    response = upload(admin_client, company, big)

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.logo.name.startswith("logos/nimbus-")
    assert company.logo.name.endswith(".png")
    with Image.open(company.logo.path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (512, 341)
        assert "Comment" not in stored.info
        assert "exif" not in stored.info
        assert not stored.getexif()


def test_a_new_logo_replaces_the_old_file_in_storage(
    admin_client, company, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, company, png((300, 300)))
    company.refresh_from_db()
    first = company.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, company, png((400, 200)))

    company.refresh_from_db()
    assert company.logo.name != first
    assert stored_files(tmp_path) == [company.logo.name.removeprefix("logos/")]
    assert not company.logo.storage.exists(first)


def test_clearing_the_logo_deletes_its_file(
    admin_client, company, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, company, png((300, 300)))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("directory:edit", args=[company.slug]), _edit_payload(**{"logo-clear": "on"})
        )

    company.refresh_from_db()
    assert not company.logo
    assert stored_files(tmp_path) == []


def test_saving_without_a_new_logo_keeps_the_file(
    admin_client, company, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, company, png((300, 300)))
    company.refresh_from_db()
    kept = company.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("directory:edit", args=[company.slug]), _edit_payload())

    company.refresh_from_db()
    assert company.logo.name == kept
    assert company.logo.storage.exists(kept)


def test_the_edit_page_keeps_no_more_of_an_upload_than_the_limit(admin_client, company):
    response = upload(admin_client, company, os.urandom(3 * LOGO_MAX_BYTES))

    received = response.wsgi_request.FILES["logo"]
    assert received.size == 3 * LOGO_MAX_BYTES
    assert received.bytes_kept == LOGO_MAX_BYTES + 1
    assert LOGO_TOO_LARGE in response.content.decode()


def test_upload_handler_counts_everything_and_keeps_only_the_limit():
    handler = LogoUploadHandler(max_bytes=10)
    handler.new_file("logo", "logo.png", "image/png", 0)
    for _ in range(4):
        assert handler.receive_data_chunk(b"x" * 8, 0) is None

    received = handler.file_complete(32)

    assert received.size == 32
    assert received.read() == b"x" * 11
