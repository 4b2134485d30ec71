import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anlan.forestfire.models import BurnPermit


def png_upload(name="fire.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def permit(place, *, purpose=BurnPermit.Purpose.AGRICULTURE, start_in_hours=2, hours=4, radius_m=200) -> BurnPermit:
    start = timezone.now() + dt.timedelta(hours=start_in_hours)
    return BurnPermit(
        applicant="李大山",
        applicant_phone="13800138000",
        person_in_charge="李大山",
        place="后山田埂",
        lon=place.center_lon,
        lat=place.center_lat,
        radius_m=radius_m,
        purpose=purpose,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        safety_measures="开设 3 米隔离带，5 人扑火队，熄灭后看守 2 小时",
    )
