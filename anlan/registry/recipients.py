"""Recipient sources of the registry for notify: responsible persons (三级责任人, tier by the level of
their region) and enterprises (their principal, with the special-sector flags as traits)."""

from django.conf import settings

from anlan.notify.recipients import Source, channel_order_sql, phone_lookup, register_source

from .models import Enterprise, Person

PERSON_TIER_SQL = (
    "CASE WHEN substr(region_id, 7) = '000000' THEN 'county' "
    "WHEN substr(region_id, 10) = '000' THEN 'township' ELSE 'village' END"
)
# The special-sector flags of an enterprise (行业): senders may pick a text per sector.
SECTOR_FLAGS = (
    "is_hazchem",
    "is_non_coal_mine",
    "is_fireworks",
    "is_dust_explosive",
    "has_confined_space",
    "has_ammonia_refrigeration",
)


def persons() -> Source:
    first, rest = channel_order_sql(settings.ANLAN_CHANNEL_ORDER["responsible"])
    return Source(
        kind="person",
        label="三级责任人",
        table=Person._meta.db_table,
        lookup=phone_lookup(Person),
        tier=PERSON_TIER_SQL,
        tiers=("county", "township", "village"),
        channel=first,
        fallback=rest,
        unique=True,
    )


def enterprises() -> Source:
    first, _, rest = settings.ANLAN_CHANNEL_ORDER["enterprise"].partition(",")
    return Source(
        kind="enterprise",
        label="企业",
        table=Enterprise._meta.db_table,
        lookup=phone_lookup(Enterprise, "principal_phone"),
        tier="'enterprise'",
        tiers=("enterprise",),
        channel=f"'{first}'",
        fallback=f"'{rest}'",
        traits={flag: flag for flag in SECTOR_FLAGS},
    )


def register() -> None:
    register_source("person", persons)
    register_source("enterprise", enterprises)
