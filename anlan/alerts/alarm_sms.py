"""Monitoring alarms told by SMS to the people who watch the site (群测群防员, the township's 专管员): they
have no accounts, so the in-app notices of monitoring do not reach them. Each opened or raised alarm
level goes through the warning outbox (crash-safe, rate-limited, retried; voice call if the SMS cannot be
delivered from orange up), once per person, alarm and level (unique index)."""

from django.utils import timezone

from .models import Delivery

# From orange up, an undeliverable SMS becomes a voice call.
FALLBACK = {"orange": "voice", "red": "voice"}


def _tier(region_code: str) -> str:
    if region_code.endswith("000000"):
        return "county"
    return "township" if region_code.endswith("000") else "village"


def enqueue_alarm_sms(steps) -> int:
    """`steps`: (alarm, level, sensor, text) for each opened or raised alarm. Returns deliveries added."""
    from anlan.sites.models import HazardSite

    steps = [s for s in steps if s[2].hazard_site_id]
    if not steps:
        return 0
    watchers: dict[int, list[tuple[int, str, str]]] = {}
    through = HazardSite.monitors.through.objects.filter(hazardsite_id__in={s[2].hazard_site_id for s in steps})
    for site_id, pk, name, region in through.values_list(
        "hazardsite_id", "person_id", "person__name", "person__region_id"
    ):
        watchers.setdefault(site_id, []).append((pk, name, region))
    now = timezone.now()
    rows = [
        Delivery(
            alarm=alarm,
            recipient_key=f"person:{pk}#alarm:{level}",
            recipient_name=name,
            region_code=region,
            tier=_tier(region),
            channel="sms",
            fallback=FALLBACK.get(level, ""),
            message=text[:300],
            next_attempt_at=now,
        )
        for alarm, level, sensor, text in steps
        for pk, name, region in watchers.get(sensor.hazard_site_id, [])
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
