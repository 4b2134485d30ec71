import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anlan.geohazard import services
from anlan.geohazard.models import Campaign
from anlan.sites.models import HazardSite, Household


def png_upload(name="slope.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def site(region, code, *, kind="landslide", households=3, people=11, **extra) -> HazardSite:
    return HazardSite.objects.create(
        code=code,
        name=f"{region.name}{code}滑坡",
        kind=kind,
        region=region,
        lon=region.center_lon,
        lat=region.center_lat,
        threatened_households=households,
        threatened_people=people,
        **extra,
    )


def household(site, head="王守田", people=4, **extra) -> Household:
    return Household.objects.create(site=site, region=site.region, head_name=head, people=people, **extra)


def campaign(actor, region, *, start_days_ago=5, end_in_days=10, run=True) -> Campaign:
    today = timezone.localdate()
    made = services.campaign_create(
        actor=actor,
        campaign=Campaign(
            kind=Campaign.Kind.PRE,
            year=today.year,
            title=f"{today.year}年汛前地质灾害隐患排查",
            region=region,
            start=today - dt.timedelta(days=start_days_ago),
            end=today + dt.timedelta(days=end_in_days),
        ),
    )
    if run:
        made = services.campaign_step(actor=actor, campaign=made, action="start")
    return made
