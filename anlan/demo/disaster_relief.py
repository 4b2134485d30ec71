"""Demo relief (救灾救助) for the storm: a 过渡期生活救助 programme in 公示 for the households whose houses
the storm brought down, and last winter's 冬春救助 programme, closed, with what was paid in cash and goods.

Reuses the storm's disaster process and its 倒损住房户 when the statistics demo made them; otherwise
creates a process and a few damaged houses of its own. Every row is synthetic and audited."""

import datetime as dt
from decimal import Decimal

import numpy as np
from django.utils import timezone

from anlan.core.audit import audit_bulk_create
from anlan.core.services import objects_bulk_create
from anlan.core.validators import id_number_check_char
from anlan.disasters import relief
from anlan.disasters.models import (
    DamagedHouse,
    ReliefObjection,
    ReliefPayment,
    ReliefProgramme,
    ReliefRecipient,
)
from anlan.geo.models import Region
from anlan.supplies.models import Stock
from anlan.supplies.services import stock_issue

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "德明华建国秀兰志强玉梅海燕文军光荣春林子涵永红"
TYPES = ["ordinary", "ordinary", "ordinary", "low_income", "monitored", "extreme_poor"]


class _Names:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def name(self) -> str:
        given = "".join(self.rng.choice(list(GIVEN), size=int(self.rng.integers(1, 3))))
        return str(self.rng.choice(list(SURNAMES))) + given

    def id_number(self, county6: str) -> str:
        year = int(self.rng.integers(1950, 2000))
        month, day = int(self.rng.integers(1, 13)), int(self.rng.integers(1, 29))
        first17 = f"{county6}{year}{month:02d}{day:02d}{int(self.rng.integers(0, 1000)):03d}"
        return first17 + id_number_check_char(first17)

    def phone(self) -> str:
        return f"1990002{int(self.rng.integers(0, 10000)):04d}"  # a clearly synthetic block

    def pick(self, items):
        return items[int(self.rng.integers(0, len(items)))]


def _at(*parts) -> dt.datetime:
    """A local time of the demo calendar (aware)."""
    return dt.datetime(*parts, tzinfo=timezone.get_current_timezone())


def _damaged_houses(actor, names: _Names, process, villages, county6) -> list[DamagedHouse]:
    existing = list(
        DamagedHouse.objects.filter(process=process, degree__in=["collapsed", "severe"]).select_related("region")
    )
    if existing:
        return existing
    houses = []
    for i, village in enumerate(villages):
        degree = "collapsed" if i % 3 == 0 else "severe"
        members = int(names.rng.integers(2, 7))
        houses.append(
            DamagedHouse(
                process=process,
                region=village,
                head_name=names.name(),
                head_id_number=names.id_number(county6),
                phone=names.phone(),
                address=f"{village.name}{int(names.rng.integers(1, 40))}组{int(names.rng.integers(1, 90))}号",
                members=members,
                degree=degree,
                rooms=int(names.rng.integers(2, 6)),
                structure=names.pick(["brick_wood", "earth_wood", "brick_concrete"]),
                synthetic=True,
            )
        )
    return objects_bulk_create(actor=actor, model=DamagedHouse, instances=houses)


def _recipient(programme, *, region, name, id_number, phone, members, people, address, kind_type, rooms=0, **extra):
    recipient = ReliefRecipient(
        programme=programme,
        region=region,
        head_name=name,
        id_number=id_number,
        phone=phone,
        household_type=kind_type,
        members=members,
        people=people,
        address=address,
        rooms=rooms,
        synthetic=True,
        **extra,
    )
    recipient.household_key = relief.household_key(
        id_number=id_number, household=extra.get("household"), damaged_house=extra.get("damaged_house")
    )
    recipient.computed_amount = recipient.amount = relief.amount_for(programme, people=people, rooms=rooms)
    return recipient


def _checked(recipient, on: dt.date, at: dt.datetime):
    recipient.status = ReliefRecipient.Status.CHECKED
    recipient.village_review_on, recipient.village_review_note = on, "村民代表会议评议通过"
    recipient.checked_at, recipient.check_note = at, "经入户核查属实"
    return recipient


def _transition_in_notice(actor, names: _Names, process, county, houses) -> ReliefProgramme:
    today = timezone.localdate()
    now = timezone.now()
    terms = relief.reference_terms(ReliefProgramme.Kind.TRANSITION)
    (programme,) = objects_bulk_create(
        actor=actor,
        model=ReliefProgramme,
        instances=[
            ReliefProgramme(
                name=f"{process.name}过渡期生活救助",
                kind=ReliefProgramme.Kind.TRANSITION,
                process=process,
                region=county,
                starts_on=today,
                ends_on=today + dt.timedelta(days=89),
                rate=terms.rate,
                days=terms.max_days,
                notice_days=7,
                status=ReliefProgramme.Status.NOTICE,
                notice_started_at=now - dt.timedelta(days=1),
                notice_ends_at=now + dt.timedelta(days=6),
                note="对象：住房倒塌或严重损坏、无房可住、无生活来源的受灾人员（演示数据）",
                synthetic=True,
            )
        ],
    )
    recipients = [
        _checked(
            _recipient(
                programme,
                region=h.region,
                name=h.head_name,
                id_number=h.head_id_number,
                phone=h.phone,
                members=h.members,
                people=h.members,
                address=h.address,
                kind_type=names.pick(TYPES),
                source=ReliefRecipient.Source.REGISTER,
                damaged_house=h,
                household=h.household,
            ),
            today - dt.timedelta(days=2),
            now - dt.timedelta(days=1, hours=3),
        )
        for h in houses
    ]
    recipients = objects_bulk_create(actor=actor, model=ReliefRecipient, instances=recipients)
    if recipients:
        # One objection from the public page, waiting for the first township (公示异议).
        objects_bulk_create(
            actor=actor,
            model=ReliefObjection,
            instances=[
                ReliefObjection(
                    programme=programme,
                    recipient=recipients[0],
                    name=names.name(),
                    phone=names.phone(),
                    text="该户在镇上另有住房，灾后一直住在镇上，建议核实是否符合过渡期生活救助条件。",
                    synthetic=True,
                )
            ],
        )
    return programme


def _winter_closed(actor, names: _Names, county, villages, county6) -> tuple[ReliefProgramme, int]:
    """Last winter's 冬春救助, closed: every household paid by bank (一卡通); one township's also got rice."""
    year = timezone.localdate().year - 1
    starts, ends = dt.date(year, 12, 1), dt.date(year + 1, 3, 31)
    approved = _at(year, 11, 25, 10)
    (programme,) = objects_bulk_create(
        actor=actor,
        model=ReliefProgramme,
        instances=[
            ReliefProgramme(
                name=f"{year}—{year + 1}年度冬春救助",
                kind=ReliefProgramme.Kind.WINTER,
                region=county,
                starts_on=starts,
                ends_on=ends,
                rate=relief.reference_terms(ReliefProgramme.Kind.WINTER).rate,
                notice_days=7,
                status=ReliefProgramme.Status.CLOSED,
                notice_started_at=approved - dt.timedelta(days=9),
                notice_ends_at=approved - dt.timedelta(days=2),
                approved_at=approved,
                closed_at=_at(year + 1, 4, 2, 16),
                note="10 月底前完成需救助人口摸底，建立工作台账（《自然灾害救助条例》第二十一条）（演示数据）",
                synthetic=True,
            )
        ],
    )
    recipients = []
    for village in villages:
        for _ in range(2):
            members = int(names.rng.integers(1, 6))
            recipients.append(
                _checked(
                    _recipient(
                        programme,
                        region=village,
                        name=names.name(),
                        id_number=names.id_number(county6),
                        phone=names.phone(),
                        members=members,
                        people=max(1, members - int(names.rng.integers(0, 2))),
                        address=f"{village.name}{int(names.rng.integers(1, 30))}组",
                        kind_type=names.pick(TYPES),
                    ),
                    dt.date(year, 10, 20),
                    _at(year, 10, 28, 15),
                )
            )
    recipients = objects_bulk_create(actor=actor, model=ReliefRecipient, instances=recipients)
    paid_on = dt.date(year, 12, 20)
    payments = [
        ReliefPayment(
            programme=programme,
            recipient=r,
            household_key=r.household_key,
            means=ReliefPayment.Means.CASH,
            method=ReliefPayment.Method.BANK,
            amount=r.amount,
            paid_on=paid_on,
            reference=f"YKT{year}{i:05d}",
            synthetic=True,
        )
        for i, r in enumerate(recipients, start=1)
    ]
    payments = ReliefPayment.objects.bulk_create(payments)
    audit_bulk_create(payments, actor=actor)
    return programme, len(payments) + _winter_rice(actor, programme, recipients, paid_on)


def _winter_rice(actor, programme, recipients, paid_on) -> int:
    """10 kg of rice for each household of the first village, from a warehouse that holds enough."""
    first_village = recipients[0].region_id
    households = [r for r in recipients if r.region_id == first_village]
    stock = (
        Stock.objects.filter(item__code="1020101", quantity__gte=10 * len(households), warehouse__enterprise=None)
        .select_related("warehouse", "item")
        .order_by("warehouse__region", "pk")
        .first()
    )
    if stock is None:
        return 0
    each, price = Decimal("10"), Decimal("5.00")
    movements = stock_issue(
        actor=actor,
        warehouse=stock.warehouse,
        item=stock.item,
        quantity=each * len(households),
        reference=relief.movement_reference(programme),
        note=f"批量发放 {len(households)} 户，每户 {each}{stock.item.unit}",
        at=_at(paid_on.year, paid_on.month, paid_on.day, 9),
    )
    payments = ReliefPayment.objects.bulk_create(
        [
            ReliefPayment(
                programme=programme,
                recipient=r,
                household_key=r.household_key,
                means=ReliefPayment.Means.GOODS,
                method=ReliefPayment.Method.GOODS,
                amount=each * price,
                paid_on=paid_on,
                item=stock.item,
                warehouse=stock.warehouse,
                quantity=each,
                unit_price=price,
                movement=movements[0],
                synthetic=True,
            )
            for r in households
        ]
    )
    audit_bulk_create(payments, actor=actor)
    return len(payments)


def load_disaster_relief(*, actor, county, townships, seed: int = 42) -> dict[str, int]:
    """load-demo: last winter's 冬春救助, closed and paid. The storm's 过渡期 programme in 公示 comes with the
    storm itself (`storm_relief`, called by the scenario once its process and housing register exist)."""
    names = _Names(seed + 1600)
    villages = [v for t in townships[:2] for v in Region.objects.filter(parent=t).order_by("code")[:3]]
    _, paid = _winter_closed(actor, names, county, villages[:2] + villages[3:5], county.code[:6])
    return {"relief_programmes": 1, "relief_payments": paid}


def storm_relief(*, actor, process, seed: int = 42) -> ReliefProgramme:
    """The storm's 过渡期生活救助 in 公示: the households whose homes collapsed or were severely damaged (from the
    process's housing register; a few made up in its townships' villages when the register has none)."""
    names = _Names(seed + 1700)
    county = process.region
    villages = [
        v for t in process.regions.order_by("code")[:2] for v in Region.objects.filter(parent=t).order_by("code")[:3]
    ]
    houses = _damaged_houses(actor, names, process, villages, county.code[:6])
    return _transition_in_notice(actor, names, process, county, houses)


__all__ = ["load_disaster_relief", "storm_relief"]
