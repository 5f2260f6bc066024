"""Uploaded files (company logos) served by the portal itself from the local file storage.

Mounted at MEDIA_URL whatever DEBUG is, but only when the default storage is the local
FileSystemStorage: S3 and other remote storages hand out their own URLs. Only image types on a
short list are served, each with its own type, never sniffed, never run as a document.
"""

import re
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

MEDIA_CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
# A stored file never changes: a new logo gets a new name (directory.logos.logo_normalize).
MEDIA_MAX_AGE = int(timedelta(days=365).total_seconds())
MEDIA_CSP = "default-src 'none'; sandbox"


def _media_file(name: str) -> Path:
    """The file under MEDIA_ROOT with this name; Http404 for anything else."""
    parts = PurePosixPath(name).parts
    content_type = MEDIA_CONTENT_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None or any(part.startswith(".") for part in parts):
        raise Http404
    root = Path(default_storage.location).resolve()
    try:
        # Storage.path refuses "..", absolute names and the like; resolving then catches a
        # symbolic link that leads out of MEDIA_ROOT.
        path = Path(default_storage.path(name)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise Http404
    except (SuspiciousFileOperation, ValueError, OSError) as error:
        raise Http404 from error
    return path


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse | HttpResponseNotModified:
    """One uploaded image, with long cache headers and a policy that forbids it any content."""
    file = _media_file(path)
    modified = file.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        return HttpResponseNotModified()
    response = FileResponse(
        file.open("rb"), content_type=MEDIA_CONTENT_TYPES[file.suffix.lower()], filename=file.name
    )
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


def media_urlpatterns() -> list[URLPattern]:
    """The media route when uploads live in the local file storage under a local MEDIA_URL."""
    local = isinstance(storages["default"], FileSystemStorage)
    if not local or not settings.MEDIA_URL.startswith("/"):
        return []
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<path>.+)$", media, name="media")]
