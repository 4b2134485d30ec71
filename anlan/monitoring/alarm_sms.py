"""Monitoring alarms told by SMS to the people who watch the site (群测群防员): they have no accounts, so
the in-app notices of monitoring do not reach them. Each opened or raised alarm level becomes a notify
notice (topic "alarm:<id>:<level>", text rendered here) enqueued in the transaction that records the
alarm: crash-safe, rate-limited, retried, a voice call if the SMS cannot be delivered from orange up;
once per person, alarm and level (one notice per alarm and level, a unique index per person)."""

from django.urls import reverse

from anlan.notify import recipients
from anlan.notify.models import Notice, NoticeText
from anlan.sites.models import HazardSite

# From orange up, an undeliverable SMS becomes a voice call.
FALLBACK = {"orange": "voice", "red": "voice"}


def enqueue_alarm_sms(steps) -> int:
    """`steps`: (alarm, level, sensor, text, title) for each opened or raised alarm. Returns deliveries
    added."""
    steps = [s for s in steps if s[2].hazard_site_id]
    if not steps:
        return 0
    watchers: dict[int, list[int]] = {}
    through = HazardSite.monitors.through.objects.filter(hazardsite_id__in={s[2].hazard_site_id for s in steps})
    for site_id, person_id in through.values_list("hazardsite_id", "person_id"):
        watchers.setdefault(site_id, []).append(person_id)
    persons = recipients.recipients_by_ids("person", {pk for ids in watchers.values() for pk in ids})
    added = 0
    for alarm, level, sensor, text, title in steps:
        notice, created = Notice.objects.get_or_create(
            topic=f"alarm:{alarm.pk}:{level}",
            defaults={
                "title": title[:200],
                "link": reverse("monitoring:alarm_detail", kwargs={"pk": alarm.pk}),
                "level": level,
            },
        )
        if created:
            NoticeText.objects.create(notice=notice, key="", text=text[:300])
        reached = [persons[pk] for pk in watchers.get(sensor.hazard_site_id, []) if pk in persons]
        added += recipients.enqueue(
            notice,
            [
                recipients.Recipient(
                    f"{r.key}#alarm:{level}", r.name, r.region_code, r.tier, "sms", FALLBACK.get(level, "")
                )
                for r in reached
            ],
        )
    return added
