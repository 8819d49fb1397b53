"""What a file is, from its bytes, not its name.

Accepted: PDF, images (JPEG, PNG, TIFF, WebP, GIF: opened and verified with Pillow, already
installed for WeasyPrint), office documents (OOXML and OpenDocument zips, recognised by their
manifest; legacy OLE2 .doc/.xls). A file whose name or declared type claims one of these and
whose content is another, or none, is refused with a sentence saying so.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

PDF = "application/pdf"
OLE2 = "application/x-ole-storage"

IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# What a file name's extension claims.
CLAIMS = {
    ".pdf": {PDF},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
    ".tif": {"image/tiff"},
    ".tiff": {"image/tiff"},
    ".webp": {"image/webp"},
    ".gif": {"image/gif"},
    ".docx": {OOXML["word/"]},
    ".xlsx": {OOXML["xl/"]},
    ".pptx": {OOXML["ppt/"]},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".doc": {OLE2},
    ".xls": {OLE2},
}
EXTENSION_FOR = {
    PDF: ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "image/gif": ".gif",
    OOXML["word/"]: ".docx",
    OOXML["xl/"]: ".xlsx",
    OOXML["ppt/"]: ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    OLE2: ".doc",
}


class ContentRefused(ValueError):
    pass


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str


def _is_pdf(head: bytes, tail: bytes) -> bool:
    # A PDF starts with its header (within the first KiB, the spec's tolerance) and ends with
    # %%EOF (possibly followed by whitespace).
    return b"%PDF-" in head[:1024] and b"%%EOF" in tail[-1024:]


def _image_type(data: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return IMAGE_FORMATS.get(kind or "")


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return content_type
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    return None


def detect(data: bytes) -> str | None:
    """The content type of `data`, or None when it is none Haven accepts."""
    if _is_pdf(data[:1024], data[-1024:]):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    return _image_type(data)


def check(data: bytes, *, filename: str, declared_type: str = "", max_bytes: int) -> Detected:
    """Refuse (ContentRefused with a sentence) a file that is empty, too large, of a type
    Haven does not accept, or that is not what its name or declared type says."""
    if not data:
        raise ContentRefused(_("The file is empty."))
    if len(data) > max_bytes:
        raise ContentRefused(
            _("The file is %(size)s MB; at most %(max)s MB may be uploaded.")
            % {"size": round(len(data) / 1048576, 1), "max": round(max_bytes / 1048576, 1)}
        )
    found = detect(data)
    extension = PurePath(filename or "").suffix.lower()
    claimed = CLAIMS.get(extension, set())
    claim = extension.lstrip(".").upper()
    if declared_type in EXTENSION_FOR:
        claimed = claimed | {declared_type}
        claim = claim if extension in CLAIMS else EXTENSION_FOR[declared_type].lstrip(".").upper()
    if found is None:
        if claimed:
            raise ContentRefused(
                _("The file is called a %(claim)s, but its content is not one.") % {"claim": claim}
            )
        raise ContentRefused(
            _("This kind of file is not accepted: upload a PDF, an image or an office document.")
        )
    if claimed and found not in claimed:
        raise ContentRefused(
            _("The file is called a %(claim)s, but its content is a %(found)s.")
            % {
                "claim": claim,
                "found": EXTENSION_FOR[found].lstrip(".").upper(),
            }
        )
    return Detected(found, EXTENSION_FOR[found])
