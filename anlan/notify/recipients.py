"""Recipient sources: who can be reached, registered upward by the apps that own them (persons and
enterprises by registry, residents and the like by alerts, shelter managers by resources, users by
accounts…) at `AppConfig.ready()`. notify knows none of their tables.

A source says, in SQL over its own table, how to pick its recipients in a set of regions (or by ids):
their name, tier, first channel and fallback channels; and, in `lookup`, how to read the addresses of a
batch of them when sending (phones are decrypted there only). Enqueuing writes the outbox with one
INSERT … SELECT per source, so a million recipients cost seconds, not a million round trips.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from anlan.core.fields import CHANNEL_ORDERS
from anlan.geo.models import Region

from .models import Delivery, Notice

# The share of all regions above which an area is "wide": its recipients are read by a table scan.
SCAN_SHARE = 0.3


@dataclass(frozen=True)
class Source:
    kind: str  # the recipient key's prefix: "person" → person:12
    label: str  # who they are, for the reach shown before sending
    table: str
    lookup: Callable[[list[int]], Iterable[tuple[int, dict[str, str]]]]  # ids → (id, {channel or "phone": address})
    name: str = "name"  # SQL
    tier: str = "''"  # SQL
    channel: str = "'sms'"  # SQL: the first channel
    fallback: str = "''"  # SQL: the channels after it, comma-separated
    condition: str = ""  # SQL, ANDed (no parameters)
    region: str = "region_id"  # the column holding the 12-digit region code
    tiers: tuple[str, ...] = ()  # the values `tier` takes, for those who choose texts by tier
    traits: dict[str, str] = field(default_factory=dict)  # named SQL booleans a sender may choose texts by
    unique: bool = False  # may already be in the outbox for the notice (written by several paths)
    counted: bool = True  # shown in the reach (False for a second channel of the same people)
    by_area: bool = True  # False: reached only by id (e.g. the assignee of a dispatch order), never by area


_SOURCES: dict[str, Callable[[], Source]] = {}

# Drill mode (演练模式): a notice whose `exercise` is set goes only to that drill's participants (platform
# users), only in-app, whoever its sender addressed. notify cannot see the drill (the drills app sits far
# above), so that app registers who takes part in an exercise: exercise id → user ids.
SANDBOX_CHANNEL = "inapp"
_exercise_audience: list[Callable[[int], Iterable[int]]] = []


def register_exercise_audience(func: Callable[[int], Iterable[int]]) -> None:
    """Register `func(exercise_id) -> user ids`: the only people a sandbox notice of that exercise reaches."""
    if func not in _exercise_audience:
        _exercise_audience.append(func)


def exercise_audience(exercise_id: int) -> set[int]:
    """The user ids a notice of this exercise may reach (nobody when no app says who takes part)."""
    return {int(pk) for func in _exercise_audience for pk in func(exercise_id)}


def phone_lookup(model, field: str = "phone") -> Callable[[list[int]], Iterable[tuple[int, dict[str, str]]]]:
    """A `Source.lookup` for recipients reached by one (encrypted) phone field of their own row: the phone
    is decrypted here, when sending, and nowhere else."""

    def lookup(ids):
        for obj in model.objects.filter(pk__in=ids).only("pk", field):
            yield obj.pk, {"phone": getattr(obj, field) or ""}

    return lookup


def register_source(name: str, build: Callable[[], Source]) -> None:
    """Register a source under a unique name; `build` runs at each use (settings may change)."""
    _SOURCES[name] = build


def sources() -> list[Source]:
    return [build() for build in _SOURCES.values()]


def source_of(kind: str) -> Source:
    for source in sources():
        if source.kind == kind:
            return source
    raise KeyError(f"没有登记的接收人来源：{kind}")


def split_key(recipient_key: str) -> tuple[str, int]:
    """ "person:5#up:12" → ("person", 5)."""
    kind, _, pk = recipient_key.split("#")[0].partition(":")
    return kind, int(pk)


def channel_order_sql(default: str, vulnerable_default: str = "") -> tuple[str, str]:
    """SQL for (first channel, fallback channels) from a row's `channel_order` (core.fields), its
    default when blank (`vulnerable_default` where the row's `vulnerable` is true). Built from the fixed
    choices, so the database does no string parsing."""
    first, rest = ["CASE channel_order"], ["CASE channel_order"]
    for order, _label in CHANNEL_ORDERS:
        if order:
            a, _, b = order.partition(",")
            first.append(f"WHEN '{a}' THEN '{a}'")
            rest.append(f"WHEN '{order}' THEN '{b}'")
    a, _, b = default.partition(",")
    if vulnerable_default:
        va, _, vb = vulnerable_default.partition(",")
        first.append(f"ELSE CASE WHEN vulnerable THEN '{va}' ELSE '{a}' END END")
        rest.append(f"ELSE CASE WHEN vulnerable THEN '{vb}' ELSE '{b}' END END")
    else:
        first.append(f"ELSE '{a}' END")
        rest.append(f"ELSE '{b}' END")
    return " ".join(first), " ".join(rest)


def _in_area(source: Source, codes: list[str], extent: str) -> str:
    """The WHERE clause for rows in `codes`. `extent` is "all" when the codes are every region there is
    (a county-wide warning on a county's platform): no membership test per row is needed then. When it is
    "wide" (most regions) SQLite is told to read the whole table rather than the region index: it has no
    statistics to choose so itself, and fetching a million rows through the index costs about twice as much."""
    if extent == "all":
        return f"{source.region} IS NOT NULL{source.condition}"
    marks = ", ".join(["%s"] * len(codes))
    clause = f"{source.region} IN ({marks}){source.condition}"
    return f"+{clause}" if extent == "wide" and connection.vendor == "sqlite" else clause


def _extent(codes: list[str]) -> str:
    regions = Region.objects.count()
    if len(codes) >= regions and not Region.objects.exclude(code__in=codes).exists():
        return "all"
    return "wide" if len(codes) > SCAN_SHARE * regions else "narrow"


INSERT_COLUMNS = (
    "notice_id, recipient_key, recipient_name, region_code, tier, channel, status, attempts, next_attempt_at, "
    "last_error, variant, fallback"
)


def enqueue_area(
    notice: Notice,
    codes: list[str],
    *,
    variant: Callable[[Source], str] = lambda source: "''",
    only: Callable[[Source], bool] = lambda source: True,
) -> int:
    """Write the outbox for every recipient of every source (that `only` keeps) in the regions `codes`,
    on their first channel, with the text variant `variant(source)` (SQL) picks. Returns rows added.
    A drill's notice reaches its participants instead (enqueue_exercise), wherever `codes` point."""
    if notice.exercise_id:
        return enqueue_exercise(notice, variant=variant)
    if not codes:
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    extent = _extent(codes)
    added = 0
    with connection.cursor() as cursor:
        for src in sources():
            if not (src.by_area and only(src)):
                continue
            where = _in_area(src, codes, extent)
            cursor.execute(
                f"INSERT INTO {Delivery._meta.db_table} ({INSERT_COLUMNS}) "
                f"SELECT %s, '{src.kind}:' || id, {src.name}, {src.region}, {src.tier}, {src.channel}, 'queued', 0, "
                f"%s, '', {variant(src)}, {src.fallback} FROM {src.table} WHERE {where}"
                + (" ON CONFLICT DO NOTHING" if src.unique else ""),
                [notice.pk, now, *([] if extent == "all" else codes)],
            )
            added += max(cursor.rowcount, 0)
    return added


def reach(codes: list[str]) -> list[tuple[str, str, int]]:
    """How many recipients each source holds in these regions, as (label, kind, n)."""
    if not codes:
        return []
    marks = ", ".join(["%s"] * len(codes))
    out = []
    with connection.cursor() as cursor:
        for src in sources():
            if not (src.by_area and src.counted):
                continue
            cursor.execute(f"SELECT count(*) FROM {src.table} WHERE {src.region} IN ({marks}){src.condition}", codes)
            out.append((src.label, src.kind, cursor.fetchone()[0]))
    return out


@dataclass(frozen=True)
class Recipient:
    key: str  # "person:12", possibly with a suffix ("#alarm:red") naming why
    name: str
    region_code: str
    tier: str
    channel: str
    fallback: str = ""


def recipients_by_ids(kind: str, ids: Iterable[int]) -> dict[int, Recipient]:
    """id → Recipient (first channel and fallback from the source) for these ids of one source."""
    ids = list(ids)
    if not ids:
        return {}
    src = source_of(kind)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {src.name}, {src.region}, {src.tier}, {src.channel}, {src.fallback} FROM {src.table} "
            f"WHERE id IN ({marks}){src.condition}",
            ids,
        )
        return {
            pk: Recipient(f"{kind}:{pk}", name, region, tier, channel, fallback)
            for pk, name, region, tier, channel, fallback in cursor.fetchall()
        }


def recipients_in(kind: str, codes: Iterable[str]) -> list[Recipient]:
    """The recipients of one source in exactly these regions (e.g. the persons of a township)."""
    codes = list(codes)
    if not codes:
        return []
    src = source_of(kind)
    marks = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {src.name}, {src.region}, {src.tier}, {src.channel}, {src.fallback} FROM {src.table} "
            f"WHERE {src.region} IN ({marks}){src.condition} ORDER BY id",
            codes,
        )
        return [
            Recipient(f"{kind}:{pk}", name, region, tier, channel, fallback)
            for pk, name, region, tier, channel, fallback in cursor.fetchall()
        ]


def enqueue(
    notice: Notice, recipients: Iterable[Recipient], *, variant: str | Callable[[Recipient], str] = "", now=None
) -> int:
    """Write the outbox for these recipients (a recipient already there on that channel for this notice is
    skipped where the unique index applies). Call inside the transaction of the business change: the row
    commits with it and the worker sends after the commit. `variant` names the notice's text for all of them,
    or is a function choosing it per recipient (a text per person, e.g. each candidate's own exam link)."""
    return enqueue_many([(notice, recipients)], variant=variant, now=now)


def enqueue_many(
    batches: Iterable[tuple[Notice, Iterable[Recipient]]],
    *,
    variant: str | Callable[[Recipient], str] = "",
    now=None,
) -> int:
    """`enqueue` for several notices in one insert (the duty desks' SMS of a batch of alarm steps)."""
    now = now or timezone.now()
    variant_of = variant if callable(variant) else (lambda r: variant)
    rows = []
    for notice, recipients in batches:
        if notice.exercise_id:
            recipients = _sandboxed(notice, recipients)
        rows += [
            Delivery(
                notice=notice,
                variant=variant_of(r),
                recipient_key=r.key,
                recipient_name=r.name,
                region_code=r.region_code,
                tier=r.tier,
                channel=r.channel,
                fallback=r.fallback,
                next_attempt_at=now,
            )
            for r in recipients
        ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def lookup(kind: str, ids: list[int]) -> Iterable[tuple[int, dict[str, str]]]:
    return source_of(kind).lookup(ids)


def enqueue_exercise(notice: Notice, *, variant: Callable[[Source], str] = lambda source: "''") -> int:
    """The outbox of a drill's notice: every participant of its exercise, in-app only (no fallback), with
    the text variant the sender picks for platform users. Nobody else: no resident, subscriber, person,
    loudspeaker or work group, on no real gateway, whatever area the sender named."""
    ids = sorted(exercise_audience(notice.exercise_id))
    if not ids:
        return 0
    src = source_of("user")
    marks = ", ".join(["%s"] * len(ids))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Delivery._meta.db_table} ({INSERT_COLUMNS}) "
            f"SELECT %s, 'user:' || id, {src.name}, {src.region}, {src.tier}, '{SANDBOX_CHANNEL}', 'queued', 0, "
            f"%s, '', {variant(src)}, '' FROM {src.table} WHERE id IN ({marks}){src.condition}",
            [notice.pk, now, *ids],
        )
        return max(cursor.rowcount, 0)


def _sandboxed(notice: Notice, recipients: Iterable[Recipient]) -> list[Recipient]:
    """Of a drill's recipients, the platform users who take part in it, moved to the in-app channel."""
    audience = exercise_audience(notice.exercise_id)
    kept = []
    for r in recipients:
        kind, pk = split_key(r.key)
        if kind == "user" and pk in audience:
            kept.append(Recipient(r.key, r.name, r.region_code, r.tier, SANDBOX_CHANNEL, ""))
    return kept
