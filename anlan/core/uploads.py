"""Checking uploaded files by their first bytes (not their name) and size, before anything is stored."""

from django.conf import settings

PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
# Office files are zip containers; the extension the user gave tells docx from xlsx.
DOCUMENT_TYPES = {b"%PDF-": "pdf", b"PK\x03\x04": "zip"}
OFFICE = ("docx", "xlsx", "pptx")


class UploadRejected(ValueError):
    pass


def check_upload(upload, *, images_only: bool) -> str:
    """The file's extension (jpg, png; and pdf, docx, xlsx, pptx unless images_only); UploadRejected with a
    Chinese message for anything else or anything too large."""
    limit = settings.ANLAN_MAX_PHOTO_BYTES if images_only else settings.ANLAN_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise UploadRejected(f"文件不能超过 {limit // (1024 * 1024)} MB")
    head = upload.read(8)
    upload.seek(0)
    for magic, ext in PHOTO_TYPES.items():
        if head.startswith(magic):
            return ext
    if images_only:
        raise UploadRejected("只接受 JPEG 或 PNG 格式的照片")
    for magic, ext in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            if ext == "zip":
                named = upload.name.rsplit(".", 1)[-1].lower()
                if named in OFFICE:
                    return named
                break
            return ext
    raise UploadRejected("只接受照片（JPEG、PNG）、PDF 或 Word、Excel、PowerPoint 文件")
