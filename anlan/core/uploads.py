"""Uploaded files: checked by content against an allow-list at upload, stored under a generated name,
served with the type decided then.

Why each step (a penetration test ran script from an "attachment" in a county admin's browser):
- the type comes from the content, never from the name or the browser's Content-Type;
- photos are decoded and re-encoded with Pillow, so only pixels are stored: bytes appended to or hidden
  in a JPEG/PNG (an HTML or script polyglot) do not survive;
- PDFs and Office files are kept as sent, but only PDFs and checked photos are ever shown inline;
- the stored name is generated (uuid + the checked extension), so the uploader's name decides neither
  the path nor the type; the name they gave is kept only for display, cleaned of path parts;
- every upload is served with the stored type, `nosniff` and a sandboxing CSP (`serve_upload`).
"""

import io
import posixpath
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# extension → content type: the whole allow-list. Nothing else is ever stored or served with a type.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
PHOTO_EXTENSIONS = ("jpg", "png")
# Shown in the browser; everything else is a download.
INLINE_EXTENSIONS = ("jpg", "png", "pdf")
MAGIC = {"jpg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}
# The main part each Office container must hold (a zip that is not one of these is refused).
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
PILLOW_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# A photo larger than this many pixels is refused before decoding (a "decompression bomb").
MAX_PIXELS = 40_000_000


class UploadRejected(ValueError):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    """What may be stored: the bytes to keep, their type and a generated file name."""

    content: bytes
    extension: str
    display_name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]

    @property
    def stored_name(self) -> str:
        return f"{uuid.uuid4().hex}.{self.extension}"

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.stored_name)


def check_upload(upload, *, images_only: bool) -> CheckedUpload:
    """The upload as it may be stored (photos re-encoded); UploadRejected with a Chinese message for
    anything not on the allow-list or too large."""
    limit = settings.ANLAN_MAX_PHOTO_BYTES if images_only else settings.ANLAN_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise UploadRejected(f"文件不能超过 {limit // (1024 * 1024)} MB")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith((MAGIC["jpg"], MAGIC["png"])):
        content, ext = _reencoded_photo(data)
    elif images_only:
        raise UploadRejected("只接受 JPEG 或 PNG 格式的照片")
    elif data.startswith(MAGIC["pdf"]):
        content, ext = data, "pdf"
    elif data.startswith(b"PK\x03\x04"):
        content, ext = data, _office_kind(data)
    else:
        raise UploadRejected("只接受照片（JPEG、PNG）、PDF 或 Word、Excel、PowerPoint 文件")
    return CheckedUpload(content=content, extension=ext, display_name=display_name(upload.name, ext))


def _reencoded_photo(data: bytes) -> tuple[bytes, str]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            ext = PILLOW_FORMATS.get(image.format or "")
            if ext is None or image.width * image.height > MAX_PIXELS:
                raise UploadRejected("只接受 JPEG 或 PNG 格式的照片（像素不超过 4000 万）")
            image.load()
            # Phones store rotation in EXIF, which re-encoding drops: apply it to the pixels first.
            pixels = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRejected("照片已损坏或不是 JPEG、PNG 格式") from None
    out = io.BytesIO()
    if ext == "jpg":
        pixels.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    else:
        pixels.save(out, "PNG", optimize=True)
    return out.getvalue(), ext


def _office_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        names = set()
    if "[Content_Types].xml" in names:
        for ext, part in OFFICE_PARTS.items():
            if part in names:
                return ext
    raise UploadRejected("压缩文件只接受 Word、Excel、PowerPoint 文档（docx、xlsx、pptx）")


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f<>:\"|?*;\\/]+")


def display_name(given: str, ext: str) -> str:
    """The name to show and to offer on download: the uploader's base name without path parts or
    control characters, with the extension of the checked type (evil.html holding a PDF → evil.pdf)."""
    base = posixpath.basename((given or "").replace("\\", "/"))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", stem)).strip(" ._")[:80] or "附件"
    return f"{stem}.{ext}"


def stored_extension(name: str) -> str | None:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ext if ext in CONTENT_TYPES else None


def serve_upload(field_file, download_name: str = "") -> FileResponse:
    """An uploaded file as a response: its stored type, inline only when it is a photo or PDF whose
    bytes are of that type (files stored before the allow-list are downloads), never sniffed."""
    if not field_file:
        raise Http404
    ext = stored_extension(field_file.name)
    with field_file.open("rb") as handle:
        head = handle.read(8)
    inline = ext in INLINE_EXTENSIONS and head.startswith(MAGIC[ext])
    filename = display_name(download_name or field_file.name, ext or "bin")
    content_type = CONTENT_TYPES.get(ext or "", "application/octet-stream")
    if settings.ANLAN_UPLOADS_ACCEL_PREFIX:
        response = _accel_response(field_file, filename=filename, inline=inline, content_type=content_type)
    else:
        response = FileResponse(
            field_file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser did render it as a page, it would have no origin, no script, no forms.
    # (Chromium's PDF viewer does not run in a sandboxed document, so PDFs get the rest only.)
    sandbox = "" if ext == "pdf" and inline else "; sandbox"
    response["Content-Security-Policy"] = f"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'{sandbox}"
    response["Cache-Control"] = "private, no-store"
    return response


def _accel_response(field_file, *, filename: str, inline: bool, content_type: str) -> HttpResponse:
    """Behind nginx (ANLAN_UPLOADS_ACCEL_PREFIX, deploy/nginx/anlan.conf): the checks above stay here — who may
    read the record, which type the bytes are, how it is offered — and nginx sends the bytes from its
    `internal` location, so a large photo or PDF does not hold a web process for the whole download. nginx
    keeps Content-Type and Content-Disposition of this response; the internal location repeats the other
    headers (CSP, nosniff, no-store) from `$upstream_http_…`."""
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Accel-Redirect"] = settings.ANLAN_UPLOADS_ACCEL_PREFIX.rstrip("/") + "/" + quote(field_file.name)
    return response
