"""What 森林防火 draws on other apps' pages: the 工作台 notice "森林防火期 第N天" (county and township roles)
and, on a forest-fire incident's workspace, whether the fire lies inside an approved burn permit's area."""

from django.urls import reverse
from django.utils import timezone

from anlan.core.roles import LOCAL_REGISTRY_ROLES

from . import services
from .models import BurnPermit, FireSeason


def home_notices(user) -> list[tuple[str, str]]:
    if not (user.is_superuser or user.role in LOCAL_REGISTRY_ROLES) or not user.region_id:
        return []
    today = timezone.localdate()
    seasons = services.seasons_on(user.region_id, today)
    period = seasons.get(FireSeason.Kind.PERIOD)
    if period is None:
        return []
    day = (today - period.start).days + 1
    left = (period.end - today).days
    high = "，现处于森林高火险期，严禁一切野外用火" if FireSeason.Kind.HIGH in seasons else ""
    text = f"森林防火期 第{day}天（{period.start:%m月%d日}至{period.end:%m月%d日}，还有 {left} 天）{high}"
    return [(text, reverse("forestfire:levels"))]


def incident_permit_panel(request, incident):
    if incident.lon is None or incident.kind.name != services.FIRE_KIND:
        return None
    at = incident.occurred_at or incident.received_at
    permits = services.permits_at(incident.lon, incident.lat, at)
    visible = set(
        BurnPermit.objects.restrict(request.user).filter(pk__in=[p.pk for p in permits]).values_list("pk", flat=True)
    )
    shown = [p for p in permits if p.pk in visible]
    if not shown:
        return None
    return "forestfire/incident_panel.html", {"permits": shown, "note": services.in_permit_note(shown)}
