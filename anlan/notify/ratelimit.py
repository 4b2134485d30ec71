"""Per-channel rate limits shared by every worker: a token bucket per channel in the database.

ANLAN_CHANNEL_RATES reads "sms=200/s,voice=30/s,wecom=20/min": at most that many messages per period,
with bursts up to one period's worth. `take` runs inside the claim's transaction with the bucket row
locked, so two workers claiming at once share one budget instead of each spending a full one.
"""

import datetime as dt
from functools import lru_cache

from django.conf import settings

from .models import ChannelBudget

PERIODS = {"s": 1.0, "min": 60.0, "h": 3600.0}


class RateSyntaxError(ValueError):
    pass


@lru_cache(maxsize=8)
def parse_rates(text: str) -> dict[str, tuple[float, float]]:
    """channel → (messages per second, burst)."""
    rates = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            channel, spec = part.split("=")
            count, period = spec.split("/")
            count_value = float(count)
            seconds = PERIODS[period.strip()]
        except (ValueError, KeyError):
            raise RateSyntaxError(f"ANLAN_CHANNEL_RATES 写法不对：“{part}”，应如 sms=200/s 或 wecom=20/min") from None
        if count_value <= 0:
            raise RateSyntaxError(f"ANLAN_CHANNEL_RATES：“{part}” 的条数应大于 0")
        rates[channel.strip()] = (count_value / seconds, count_value)
    return rates


def take(channel: str, wanted: int, now: dt.datetime) -> int:
    """Spend up to `wanted` tokens of the channel's bucket; returns how many may be sent now. Call inside
    a transaction (the bucket row is locked until it ends)."""
    rate = parse_rates(settings.ANLAN_CHANNEL_RATES).get(channel)
    if rate is None or wanted <= 0:
        return max(wanted, 0)
    per_second, burst = rate
    bucket, _ = ChannelBudget.objects.select_for_update().get_or_create(
        channel=channel, defaults={"tokens": burst, "updated_at": now}
    )
    elapsed = max((now - bucket.updated_at).total_seconds(), 0.0)
    tokens = min(burst, bucket.tokens + elapsed * per_second)
    granted = min(wanted, int(tokens))
    ChannelBudget.objects.filter(pk=channel).update(tokens=tokens - granted, updated_at=max(now, bucket.updated_at))
    return granted
