"""A NUL byte anywhere in a request is refused with a 400 page saying why, before any view or
the session reads it (PostgreSQL refuses NUL in strings: it used to be a 500)."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpResponse

from directory.search_forms import ERROR_QUERY_TOO_LONG, MAX_QUERY_LENGTH
from portal.middleware import NUL_REFUSED, RefuseNulMiddleware
from portal.models import User

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_query_parameter_answers_400_with_the_reason(client):
    response = client.get("/groups/", {"tag": "\x00"})

    assert response.status_code == 400
    assert NUL_REFUSED in response.text
    assert "Content-Security-Policy" in response.headers


def test_a_nul_in_a_parameter_name_answers_400(client):
    assert client.get("/directory/?q%00=cloud").status_code == 400


def test_a_nul_in_posted_form_data_answers_400_and_changes_nothing(member_client, member):
    response = member_client.post(
        "/accounts/profile/",
        urlencode({"display_name": "Renamed", "job_title": "CTO\x00"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert NUL_REFUSED in response.text
    assert User.objects.get(pk=member.pk).display_name == member.display_name


def test_a_nul_in_the_path_answers_400_with_the_reason(client):
    response = client.get("/digest/unsubscribe/abc%00def/")

    assert response.status_code == 400
    assert NUL_REFUSED in response.text


def test_a_forged_session_cookie_with_nul_answers_400_not_a_server_error(client):
    # Python's cookie parser turns the octal escape \000 of a quoted value into a NUL byte.
    response = client.get("/", HTTP_COOKIE='sessionid="\\000\\000\\000\\000\\000\\000\\000\\000"')

    assert response.status_code == 400


def test_a_multipart_upload_is_left_to_the_view_which_may_still_choose_its_upload_handlers(rf):
    logo = SimpleUploadedFile("logo.png", b"\x89PNG not really", content_type="image/png")
    request = rf.post("/directory/nimbus/edit/", {"name": "Nimbus", "logo": logo})

    def view(request):
        request.upload_handlers.insert(0, MemoryFileUploadHandler(request))
        return HttpResponse(request.FILES["logo"].name)

    response = RefuseNulMiddleware(view)(request)

    assert response.content == b"logo.png"


def test_search_text_over_the_limit_answers_400_with_the_limit(client):
    long_text = "cloud " * 2_000

    page = client.get("/directory/", {"q": long_text})
    api = client.get("/api/v1/partners/", {"q": long_text})

    assert page.status_code == api.status_code == 400
    assert str(MAX_QUERY_LENGTH) in ERROR_QUERY_TOO_LONG
    assert ERROR_QUERY_TOO_LONG in page.text
    assert api.json()["errors"] == {"q": [ERROR_QUERY_TOO_LONG]}
