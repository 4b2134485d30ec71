"""Data the relief tests share: a disaster process with damaged houses in two townships, a depot with rice,
and a draft 过渡期 programme of the county (import the fixtures into a test module)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.disasters import relief
from anlan.disasters.models import DamagedHouse, DisasterProcess, ReliefProgramme, ReliefRecipient
from anlan.geo.models import Region
from anlan.supplies.models import SupplyItem, Warehouse
from anlan.supplies.services import stock_receive
from anlan.testing.personas import persona


@pytest.fixture
def process(tree):
    started = timezone.now() - dt.timedelta(days=3)
    item = DisasterProcess.objects.create(
        name="测试暴雨过程",
        hazard="flood",
        started_at=started,
        initial_due=started + dt.timedelta(hours=2),
        region=tree.county,
    )
    item.regions.set([tree.township, tree.other_township])
    return item


def _house(process, village, name, id_number, degree, rooms, members=3):
    return DamagedHouse.objects.create(
        process=process,
        region=village,
        head_name=name,
        head_id_number=id_number,
        phone="13912345678",
        address=f"{village.name}{id_number[-3:]}号",
        members=members,
        degree=degree,
        rooms=rooms,
    )


@pytest.fixture
def houses(process, tree):
    D = DamagedHouse.Degree
    return [
        _house(process, tree.village, "张三明", "500237198001010011", D.COLLAPSED, 4, members=4),
        _house(process, tree.village, "李四", "500237198502020022", D.SEVERE, 2, members=2),
        _house(process, tree.village, "王小五", "500237199003030033", D.GENERAL, 1),
        _house(process, tree.other_village, "赵六一", "500237197004040044", D.COLLAPSED, 3),
    ]


@pytest.fixture
def programme(process, tree):
    terms = relief.reference_terms(ReliefProgramme.Kind.TRANSITION)
    today = timezone.localdate()
    return relief.programme_create(
        actor=persona("county_operator"),
        programme=ReliefProgramme(
            name="测试暴雨过渡期生活救助",
            kind=ReliefProgramme.Kind.TRANSITION,
            process=process,
            region=tree.county,
            starts_on=today,
            ends_on=today + dt.timedelta(days=29),
            rate=terms.rate,
            days=30,
            notice_days=7,
        ),
    )


@pytest.fixture
def depot(tree):
    return Warehouse.objects.create(
        name="救灾测试储备点",
        level="township",
        region=tree.township,
        address="x",
        lon=tree.township.center_lon,
        lat=tree.township.center_lat,
        manager="m",
        manager_phone="13800000000",
    )


@pytest.fixture
def rice(db):
    return SupplyItem.objects.get(code="1020101")


@pytest.fixture
def stocked(depot, rice):
    stock_receive(actor=persona("township_officer"), warehouse=depot, item=rice, quantity=100)
    return depot


def review_all(programme, village_actor="village_grid_worker", township_actor="township_officer"):
    """村评 and 乡审 every proposed household of the township the personas hold."""
    for r in programme.recipients.filter(region__pk__startswith=persona(township_actor).region_id[:9]):
        relief.village_review(actor=persona(township_actor), recipient=r, on=timezone.localdate(), passed=True)
        relief.township_check(actor=persona(township_actor), recipient=r, passed=True)


def end_notice(programme):
    ReliefProgramme.objects.filter(pk=programme.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    programme.refresh_from_db()


def village(code: str) -> Region:
    return Region.objects.get(code=code)


__all__ = [
    "Decimal",
    "ReliefRecipient",
    "depot",
    "end_notice",
    "houses",
    "process",
    "programme",
    "review_all",
    "rice",
    "stocked",
    "village",
]
