"""Finding 1 (issue 12): stored XSS through attachments.

The upload matrix: every upload point (incident note attachments, the dispatch field page's photo, the
hazard report page, the hazard photo API, the public tip page) × hostile files (polyglots PDF+HTML and
JPEG+HTML, SVG, HTML, oversize, names with path parts). What is refused stores nothing; what is accepted
is stored under a generated name and served with its checked type, nosniff, and inline only when it is a
re-encoded photo or a PDF — so no byte of script ever reaches a browser as a page.
"""

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.core.testing.helpers import image_bytes
from anlan.core.testing.personas import persona
from anlan.core.uploads import display_name
from anlan.hazards import public as hazard_public
from anlan.hazards.models import HazardPhoto, HiddenHazard
from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident, IncidentKind, TimelineEntry
from anlan.resources.models import RescueTeam

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
JPEG = image_bytes("JPEG", (16, 12))
PNG = image_bytes("PNG", (16, 12))
# a uuid (core.uploads), or hazards.photo_path (stage and time): never the uploader's name
GENERATED = re.compile(r"^([0-9a-f]{32}|(before|after)-\d{20})\.(jpg|png|pdf|docx|xlsx|pptx)$")

# name, bytes, accepted by photo points, accepted by document points
MATRIX = {
    "pdf_html_polyglot": ("evil.html", b"%PDF-1.4\n" + SCRIPT, False, True),
    "jpeg_magic_then_html": ("field.html", b"\xff\xd8\xff\xe0" + SCRIPT, False, False),
    "png_magic_then_html": ("x.png", b"\x89PNG\r\n\x1a\n" + SCRIPT, False, False),
    "real_jpeg_with_html_appended": ("photo.html", JPEG + SCRIPT, True, True),
    "real_png_with_html_appended": ("photo.png", PNG + SCRIPT, True, True),
    "svg_with_script": ("map.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", 0, 0),
    "html": ("page.html", SCRIPT, False, False),
    "zip_not_office": ("report.docx", b"PK\x03\x04" + SCRIPT, False, False),
    "path_in_name": ("../../../../etc/cron.d/x.jpg", JPEG, True, True),
    "windows_path_in_name": ("..\\..\\win.ini.png", PNG, True, True),
}


@dataclass
class Point:
    """One upload point: how to upload a file there, and the stored files to serve afterwards."""

    name: str
    photos_only: bool

    def upload(self, client, tree, upload):
        return getattr(self, f"_upload_{self.name}")(client, tree, upload)

    def _upload_incident_note(self, client, tree, upload):
        client.force_login(persona("county_operator"))
        incident = _incident(tree)
        response = client.post(f"/incidents/{incident.pk}/", {"step": "note", "text": "现场材料", "attachment": upload})
        stored = TimelineEntry.objects.filter(incident=incident).exclude(attachment="")
        return response, [(e.attachment, f"/incidents/{incident.pk}/attachments/{e.pk}/") for e in stored]

    def _upload_field_order(self, client, tree, upload):
        incident = _incident(tree)
        team = RescueTeam.objects.restrict(persona("county_operator")).first()
        order = incident_services.order_create(
            actor=persona("county_operator"), incident=incident, kind="team", target=team, instruction="赶赴现场"
        )
        client.logout()
        token = incident_services.order_token(order)
        response = client.post(f"/p/order/{token}/", {"status": "accepted", "note": "现场照片", "photo": upload})
        stored = TimelineEntry.objects.filter(incident=incident).exclude(attachment="")
        client.force_login(persona("county_operator"))
        return response, [(e.attachment, f"/incidents/{incident.pk}/attachments/{e.pk}/") for e in stored]

    def _upload_hazard_report(self, client, tree, upload):
        client.force_login(persona("township_officer"))
        data = {
            "title": "护坡开裂",
            "description": "雨后护坡出现裂缝",
            "level": "general",
            "region": tree.village.code,
            "deadline": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
            "photo": upload,
        }
        response = client.post("/hazards/report/", data)
        return response, _hazard_photos(HiddenHazard.objects.filter(title="护坡开裂"))

    def _upload_hazard_api(self, client, tree, upload):
        client.force_login(persona("township_officer"))
        hazard = _hazard(tree)
        response = client.post(f"/api/v1/hazards/{hazard.pk}/photos/", {"stage": "before", "image": upload})
        return response, _hazard_photos([hazard])

    def _upload_public_tip(self, client, tree, upload):
        client.logout()
        question, token = hazard_public.new_challenge(now=timezone.now().timestamp() - 10)
        a, b = (int(x) for x in question.removesuffix(" = ?").split(" + "))
        data = {
            "region": tree.village.code,
            "place": "村口桥头",
            "description": "桥面护栏断裂",
            "phone": "13912345678",
            "answer": a + b,
            "challenge": token,
            "photo": upload,
        }
        response = client.post("/p/tip/", data)
        client.force_login(persona("county_admin"))
        return response, _hazard_photos(HiddenHazard.objects.filter(title="群众举报：村口桥头"))


POINTS = [
    Point("incident_note", photos_only=False),
    Point("field_order", photos_only=True),
    Point("hazard_report", photos_only=True),
    Point("hazard_api", photos_only=True),
    Point("public_tip", photos_only=True),
]


def _incident(tree):
    incident = Incident.objects.filter(title="上传测试事件").first()
    if incident is None:
        incident = incident_services.incident_create(
            actor=persona("county_operator"),
            incident=Incident(
                kind=IncidentKind.objects.get(name="地质灾害"),
                title="上传测试事件",
                region=tree.village,
                place="三组",
                occurred_at=timezone.now(),
                description="测试",
            ),
        )
    return incident


def _hazard(tree):
    hazard = HiddenHazard(
        title="上传测试隐患",
        level="general",
        description="测试",
        region=tree.village,
        deadline=timezone.localdate() + timezone.timedelta(days=10),
    )
    from anlan.hazards import services

    services.hazard_report(actor=persona("township_officer"), hazard=hazard)
    return hazard


def _hazard_photos(hazards):
    return [(p.image, f"/hazards/photo/{p.pk}/") for p in HazardPhoto.objects.filter(hazard__in=list(hazards))]


@pytest.mark.parametrize("case", list(MATRIX))
@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_finding01_upload_matrix(client, tree, point, case):
    name, content, photo_ok, document_ok = MATRIX[case]
    accepted = photo_ok if point.photos_only else document_ok
    response, stored = point.upload(client, tree, SimpleUploadedFile(name, content, content_type="image/jpeg"))
    if not accepted:
        assert response.status_code == 400, (point.name, case, response.status_code)
        assert stored == [], f"{point.name}/{case}: a refused file was stored"
        return
    assert response.status_code in (200, 201, 302), (point.name, case, response.status_code)
    assert len(stored) == 1, (point.name, case)
    field_file, url = stored[0]
    assert GENERATED.match(field_file.name.rsplit("/", 1)[-1]), field_file.name  # not the uploader's name
    with field_file.open("rb") as handle:
        kept = handle.read()
    assert b"<script" not in kept or kept.startswith(b"%PDF-"), "a photo polyglot survived re-encoding"
    served = client.get(url)
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] in ("image/jpeg", "image/png", "application/pdf")
    assert "html" not in served["Content-Type"] and "svg" not in served["Content-Type"]
    assert "sandbox" in served["Content-Security-Policy"] or served["Content-Type"] == "application/pdf"
    disposition = served["Content-Disposition"]
    assert disposition.startswith("inline") and ".html" not in disposition and "/" not in disposition
    assert body == kept


def test_finding01_the_reproduction_evil_html_pdf_is_served_as_pdf_named_pdf(client, tree):
    """The township user's evil.html that starts with %PDF-1.4: kept as a PDF, never as a page."""
    response, stored = POINTS[0].upload(client, tree, SimpleUploadedFile("evil.html", b"%PDF-1.4\n" + SCRIPT))
    assert response.status_code == 302
    served = client.get(stored[0][1])
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"
    assert "evil.pdf" in served["Content-Disposition"]


def test_finding01_office_files_are_downloads(client, tree):
    import io

    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    response, stored = POINTS[0].upload(client, tree, SimpleUploadedFile("名单.html", buffer.getvalue()))
    assert response.status_code == 302
    served = client.get(stored[0][1])
    assert served["Content-Type"].endswith("spreadsheetml.sheet")
    assert served["Content-Disposition"].startswith("attachment") and "xlsx" in served["Content-Disposition"]


def test_finding01_oversize_is_refused_at_every_point(client, tree, settings):
    settings.ANLAN_MAX_PHOTO_BYTES = settings.ANLAN_MAX_UPLOAD_BYTES = 1024
    big = image_bytes("PNG", (400, 400)) + b"\x00" * 2048
    for point in POINTS:
        response, stored = point.upload(client, tree, SimpleUploadedFile("big.png", big))
        assert response.status_code == 400 and stored == [], point.name
        assert "不能超过" in response.content.decode(), point.name


def test_finding01_files_stored_before_the_fix_are_downloads(client, tree):
    """An attachment stored under its uploader's name (before the allow-list) is never rendered."""
    incident = _incident(tree)
    client.force_login(persona("county_operator"))
    entry = incident_services.entry(incident, TimelineEntry.Kind.NOTE, "旧附件")
    entry.attachment.save("legacy.html", SimpleUploadedFile("legacy.html", SCRIPT))
    served = client.get(f"/incidents/{incident.pk}/attachments/{entry.pk}/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\boot.ini.png", "boot.ini.png"),
        ("evil.html", "evil.pdf"),
        ('a"; filename=x.html', "a_ filename=x.pdf"),
        ("", "附件.pdf"),
    ],
)
def test_finding01_display_names_lose_path_parts_and_take_the_checked_extension(given, expected):
    ext = expected.rsplit(".", 1)[-1]
    assert display_name(given, ext) == expected
