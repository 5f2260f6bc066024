"""Company logos: how big an upload may be, how it is checked, and what is kept of it.

An upload is limited three times: the upload handler keeps at most LOGO_MAX_BYTES (+1) of it
while the request is read, the form refuses it by size and then by the pixel size its header
declares (before anything is decoded), and what passes is decoded once, shrunk to at most
LOGO_STORED_SIDE pixels and re-encoded as a PNG without any of the original's metadata.
"""

import secrets
import tempfile
import warnings
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext, gettext_noop
from PIL import Image, ImageOps

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 2000  # pixels, width and height each
LOGO_STORED_SIDE = 512
# Only the decoders a logo needs; Pillow would otherwise try dozens of rarer formats.
LOGO_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")

LOGO_TOO_LARGE = gettext_noop("The logo is larger than 2 MB. Please upload a smaller file.")
LOGO_TOO_MANY_PIXELS = gettext_noop(
    "The logo is %(width)s × %(height)s pixels; it can be at most 2000 × 2000 pixels."
)
LOGO_PIXELS_UNREADABLE = gettext_noop(
    "The logo declares an enormous size; it can be at most 2000 × 2000 pixels."
)
LOGO_NOT_AN_IMAGE = gettext_noop("Upload a PNG, JPEG, WebP or GIF image.")


class LogoField(forms.ImageField):
    """An image field that checks bytes and pixels before Django decodes the upload."""

    def to_python(self, data):
        if data in self.empty_values:
            return super().to_python(data)
        if data.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(gettext(LOGO_TOO_LARGE), code="file_too_large")
        _check_pixels(data)
        return super().to_python(data)


def _check_pixels(upload) -> None:
    """Refuse an image whose header declares more than LOGO_MAX_SIDE pixels a side; reads the
    header only, so a decompression bomb is refused before it is decoded."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=LOGO_FORMATS) as image:
                width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise forms.ValidationError(
            gettext(LOGO_PIXELS_UNREADABLE), code="too_many_pixels"
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise forms.ValidationError(gettext(LOGO_NOT_AN_IMAGE), code="invalid_image") from error
    finally:
        upload.seek(0)
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise forms.ValidationError(
            gettext(LOGO_TOO_MANY_PIXELS) % {"width": width, "height": height},
            code="too_many_pixels",
        )


def logo_normalize(*, upload, slug: str) -> ContentFile:
    """The logo as it is stored: at most LOGO_STORED_SIDE pixels a side, upright, PNG, with no
    metadata (EXIF, text chunks, colour profile), under a new name each time it changes."""
    upload.seek(0)
    with Image.open(upload, formats=LOGO_FORMATS) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((LOGO_STORED_SIDE, LOGO_STORED_SIDE))
        image = image.convert("RGBA" if _has_transparency(image) else "RGB")
        image.info = {}
        out = BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{slug[:40]}-{secrets.token_hex(6)}.png")


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


class LogoUploadHandler(FileUploadHandler):
    """Keeps at most LOGO_MAX_BYTES + 1 bytes of each uploaded file while the request is read,
    and counts the rest without keeping it.

    Django limits the form fields of a request (DATA_UPLOAD_MAX_MEMORY_SIZE) but not its files:
    FILE_UPLOAD_MAX_MEMORY_SIZE only decides when an upload moves from memory to a temporary
    file, so a 48 MB logo would be written to disk in full before the form could refuse it.
    This handler goes first and stops the chain; the file it returns reports the full size
    received, so the form refuses it with a clear message.
    """

    def __init__(self, request=None, *, max_bytes: int = LOGO_MAX_BYTES) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.kept = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - handed to the UploadedFile
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        room = self.max_bytes + 1 - self.kept.tell()
        if room > 0:
            self.kept.write(raw_data[:room])
        return None  # the chunk stops here: no later handler keeps a copy

    def file_complete(self, file_size: int) -> UploadedFile:
        kept = self.kept.tell()
        self.kept.seek(0)
        upload = UploadedFile(
            file=self.kept,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.bytes_kept = kept
        return upload
