"""救灾救助 services: register → programme → 村评/乡审 → 公示 → objection → 县定 → cash and goods → totals,
the no-double-payment constraint, and who may take each step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from anlan.core.errors import Conflict, DomainError, NotAllowed, NotFound
from anlan.core.models import AuditEntry
from anlan.disasters import relief
from anlan.disasters.models import DamagedHouse, ReliefObjection, ReliefPayment, ReliefProgramme, ReliefRecipient
from anlan.sites.models import HazardSite, Household
from anlan.supplies.models import Movement, Stock
from anlan.testing.personas import persona

from .relief_fixtures import *  # noqa: F403  (the shared fixtures)
from .relief_fixtures import end_notice, review_all

R = ReliefRecipient.Status


def _by_name(programme, name):
    return next(r for r in programme.recipients.all() if r.head_name == name)


def _stock(warehouse, item):
    return sum(s.quantity for s in Stock.objects.filter(warehouse=warehouse, item=item))


def test_transition_relief_draws_only_collapsed_and_severe_houses_with_the_rule_amount(programme, houses):
    drawn = relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    assert drawn == relief.Drawn(added=3, skipped=0)  # the generally damaged house is not a 过渡期 case
    zhang = _by_name(programme, "张三明")
    assert zhang.people == 4 and zhang.computed_amount == zhang.amount == Decimal("2400.00")  # 20 × 4 × 30
    assert zhang.household_key.startswith("id:") and "500237" not in zhang.household_key
    # Drawing again adds nobody: each household once.
    assert relief.recipients_from_registers(actor=persona("county_operator"), programme=programme).added == 0


def test_the_whole_flow_from_register_to_totals(programme, houses, stocked, rice, tree):
    county, township = persona("county_operator"), persona("township_officer")
    relief.recipients_from_registers(actor=county, programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")
    assert set(programme.recipients.values_list("status", flat=True)) == {R.CHECKED}

    relief.programme_publish(actor=county, programme=programme)
    programme.refresh_from_db()
    assert programme.status == "notice" and relief.notice_open(programme)
    assert programme.notice_ends_at - programme.notice_started_at == dt.timedelta(days=7)

    li = _by_name(programme, "李四")
    objection = relief.objection_submit(
        programme=programme, recipient=li, name="群众甲", phone="13700000000", text="该户房屋已自行修复"
    )
    with pytest.raises(DomainError, match="公示期未满"):
        relief.programme_approve(actor=county, programme=programme)
    end_notice(programme)
    with pytest.raises(DomainError, match="未处理的公示异议"):
        relief.programme_approve(actor=county, programme=programme)
    relief.objection_resolve(actor=township, objection=objection, upheld=True, resolution="经核实异议属实，移出名单")
    li.refresh_from_db()
    assert li.status == R.REMOVED
    relief.programme_approve(actor=county, programme=programme)
    programme.refresh_from_db()
    assert programme.status == "approved" and programme.approved_by == county

    zhang = _by_name(programme, "张三明")
    relief.pay_cash(actor=township, recipient=zhang, method="bank", paid_on=timezone.localdate(), reference="TX001")
    programme.refresh_from_db()
    assert programme.status == "disbursing"
    before = _stock(stocked, rice)
    payments = relief.give_goods(
        actor=township,
        recipients=[zhang],
        warehouse=stocked,
        item=rice,
        quantity_each=10,
        unit_price="5.50",
        paid_on=timezone.localdate(),
    )
    assert _stock(stocked, rice) == before - 10
    movement = Movement.objects.get(pk=payments[0].movement_id)
    assert movement.kind == "issue" and movement.quantity == 10 and movement.reference.startswith("救灾救助")
    assert payments[0].amount == Decimal("55.00")

    rows, total = relief.totals_by_township(programme, county)
    ours = next(r for r in rows if r.name == tree.township.name)
    assert (ours.households, ours.people, ours.cash, ours.goods) == (1, 4, Decimal("2400.00"), Decimal("55.00"))
    assert total.households == 2  # 张三明 here, 赵六一 in the other township; 李四 removed
    assert total.cash == Decimal("2400.00") and total.goods == Decimal("55.00")
    # Each step is in the audit trail.
    actions = set(AuditEntry.objects.filter(action__startswith="relief_").values_list("action", flat=True))
    assert {"relief_publish", "relief_objection", "relief_approve", "relief_pay_cash", "relief_give_goods"} <= actions
    # The township sees its own township's totals only.
    rows, total = relief.totals_by_township(programme, township)
    assert total.households == 1


@pytest.fixture
def approved(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")
    relief.programme_publish(actor=persona("county_operator"), programme=programme)
    end_notice(programme)
    relief.programme_approve(actor=persona("county_operator"), programme=programme)
    programme.refresh_from_db()
    return programme


def test_a_household_is_paid_once_in_a_programme(approved):
    township = persona("township_officer")
    zhang = _by_name(approved, "张三明")
    relief.pay_cash(actor=township, recipient=zhang, method="cash", paid_on=timezone.localdate())
    with pytest.raises(DomainError, match="已发放过救助款，不能重复发放") as refused:
        relief.pay_cash(actor=township, recipient=zhang, method="cash", paid_on=timezone.localdate())
    assert refused.value.status == 400 and refused.value.field == "recipient"
    assert ReliefPayment.objects.filter(recipient=zhang, means="cash").count() == 1


def test_the_database_refuses_a_second_payment_written_directly(approved):
    zhang = _by_name(approved, "张三明")
    common = {
        "programme": approved,
        "recipient": zhang,
        "household_key": zhang.household_key,
        "means": "cash",
        "method": "cash",
        "amount": Decimal("10"),
        "paid_on": timezone.localdate(),
    }
    ReliefPayment.objects.create(**common)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReliefPayment.objects.create(**common)


def test_the_same_person_listed_twice_is_refused_even_by_another_route(programme, houses, tree):
    # 户报 by hand with the ID number of a household already drawn from the register (other spacing/case).
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    again = ReliefRecipient(
        programme=programme,
        region=tree.village,
        head_name="张三明",
        id_number="500237198001010011",
        members=4,
        people=4,
        address="重复",
    )
    with pytest.raises(DomainError, match="已在本救助项目名单中"):
        relief.recipient_add(actor=persona("township_officer"), recipient=again)


def test_goods_with_too_little_stock_write_nothing(approved, stocked, rice):
    township = persona("township_officer")
    zhang = _by_name(approved, "张三明")
    with pytest.raises(DomainError, match="库存不足"):
        relief.give_goods(
            actor=township,
            recipients=[zhang],
            warehouse=stocked,
            item=rice,
            quantity_each=500,
            unit_price=5,
            paid_on=timezone.localdate(),
        )
    assert not ReliefPayment.objects.filter(programme=approved).exists()
    assert _stock(stocked, rice) == 100


def test_goods_twice_to_one_household_is_refused_and_stock_stays(approved, stocked, rice):
    township = persona("township_officer")
    zhang = _by_name(approved, "张三明")
    args = {"warehouse": stocked, "item": rice, "quantity_each": 5, "unit_price": 4, "paid_on": timezone.localdate()}
    relief.give_goods(actor=township, recipients=[zhang], per_household=True, **args)
    with pytest.raises(DomainError, match="已发放过救助物资"):
        relief.give_goods(actor=township, recipients=[zhang], **args)
    assert _stock(stocked, rice) == 95
    assert Movement.objects.filter(reference=relief.movement_reference(approved)).count() == 1


def test_payment_before_county_approval_is_refused(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    zhang = _by_name(programme, "张三明")
    with pytest.raises(Conflict, match="县级审批后才能发放"):
        relief.pay_cash(actor=persona("township_officer"), recipient=zhang, method="cash", paid_on=timezone.localdate())


def test_publishing_needs_every_household_checked(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)  # our township only; the other township's household is still waiting
    with pytest.raises(DomainError, match="未经乡镇审核"):
        relief.programme_publish(actor=persona("county_operator"), programme=programme)


def test_review_steps_belong_to_their_roles_and_townships(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    zhang = _by_name(programme, "张三明")
    with pytest.raises(NotAllowed):
        relief.village_review(actor=persona("viewer"), recipient=zhang, on=timezone.localdate(), passed=True)
    with pytest.raises(NotFound):  # another township's household is not there for them
        relief.village_review(
            actor=persona("other_township_officer"), recipient=zhang, on=timezone.localdate(), passed=True
        )
    relief.village_review(actor=persona("village_grid_worker"), recipient=zhang, on=timezone.localdate(), passed=True)
    with pytest.raises(NotAllowed, match="乡审须由乡镇"):
        relief.township_check(actor=persona("county_operator"), recipient=zhang, passed=True)
    with pytest.raises(NotFound):
        relief.township_check(actor=persona("other_township_officer"), recipient=zhang, passed=True)
    with pytest.raises(DomainError, match="须填写意见"):
        relief.township_check(actor=persona("township_officer"), recipient=zhang, passed=False)
    relief.township_check(actor=persona("township_officer"), recipient=zhang, passed=True)
    zhang.refresh_from_db()
    assert zhang.status == R.CHECKED and zhang.checked_by == persona("township_officer")


def test_only_the_county_approves(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")
    relief.programme_publish(actor=persona("county_operator"), programme=programme)
    end_notice(programme)
    with pytest.raises(NotAllowed):
        relief.programme_approve(actor=persona("township_officer"), programme=programme)


def test_amount_changed_only_with_a_reason(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    zhang = _by_name(programme, "张三明")
    with pytest.raises(DomainError, match="请填写调整原因") as refused:
        relief.recipient_set_amount(actor=persona("township_officer"), recipient=zhang, amount="3000", reason="")
    assert refused.value.field == "amount_reason"
    relief.recipient_set_amount(actor=persona("township_officer"), recipient=zhang, amount="3000", reason="家有重病人")
    zhang.refresh_from_db()
    assert zhang.amount == Decimal("3000.00") and zhang.computed_amount == Decimal("2400.00")


def test_the_list_is_frozen_once_published(approved, tree):
    late = ReliefRecipient(
        programme=approved, region=tree.village, head_name="孙七", id_number="500237200001010077", address="x"
    )
    with pytest.raises(Conflict, match="名单不能再增改"):
        relief.recipient_add(actor=persona("township_officer"), recipient=late)


def test_rejected_objection_keeps_the_household(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")
    relief.programme_publish(actor=persona("county_operator"), programme=programme)
    zhang = _by_name(programme, "张三明")
    objection = relief.objection_submit(programme=programme, recipient=zhang, name="甲", phone="13700000000", text="x")
    with pytest.raises(DomainError, match="请填写处理意见"):
        relief.objection_resolve(actor=persona("township_officer"), objection=objection, upheld=False, resolution="")
    with pytest.raises(NotFound):
        relief.objection_resolve(
            actor=persona("other_township_officer"), objection=objection, upheld=False, resolution="不属实"
        )
    relief.objection_resolve(
        actor=persona("township_officer"), objection=objection, upheld=False, resolution="经核实房屋确已倒塌"
    )
    objection.refresh_from_db()
    zhang.refresh_from_db()
    assert objection.status == ReliefObjection.Status.REJECTED and zhang.status == R.CHECKED


def test_objection_after_the_notice_is_refused(approved):
    zhang = _by_name(approved, "张三明")
    with pytest.raises(Conflict, match="不在公示期内"):
        relief.objection_submit(programme=approved, recipient=zhang, name="甲", phone="13700000000", text="x")


@pytest.mark.parametrize(
    ("kind", "days", "message"),
    [("transition", 91, "不超过 90 天"), ("emergency", 16, "不超过 15 天"), ("transition", 0, "须填写救助天数")],
)
def test_days_are_bounded_by_the_reference_period(process, tree, kind, days, message):
    today = timezone.localdate()
    item = ReliefProgramme(
        name="x", kind=kind, process=process, region=tree.county, starts_on=today, ends_on=today, rate=20, days=days
    )
    with pytest.raises(DomainError, match=message):
        relief.programme_create(actor=persona("county_operator"), programme=item)
    assert not ReliefProgramme.objects.filter(name="x").exists()


def test_rebuild_amount_is_per_room_and_capped(process, houses, tree):
    terms = relief.reference_terms("rebuild")
    today = timezone.localdate()
    item = relief.programme_create(
        actor=persona("county_operator"),
        programme=ReliefProgramme(
            name="重建",
            kind="rebuild",
            process=process,
            region=tree.township,
            starts_on=today,
            ends_on=today,
            rate=terms.rate,
            cap_per_household=terms.cap,
        ),
    )
    relief.recipients_from_registers(actor=persona("township_officer"), programme=item)
    amounts = {r.head_name: r.amount for r in item.recipients.all()}
    # 4 rooms × 5000 = 20000 = the cap; 2 rooms × 5000; the other township's house is not in this programme.
    assert amounts == {"张三明": Decimal("20000.00"), "李四": Decimal("10000.00")}
    assert relief.amount_for(item, people=1, rooms=6) == Decimal("20000.00")


def test_a_township_cannot_set_up_a_programme_for_the_county(process, tree):
    today = timezone.localdate()
    item = ReliefProgramme(
        name="越权", kind="winter", process=process, region=tree.county, starts_on=today, ends_on=today, rate=150
    )
    with pytest.raises(NotAllowed):
        relief.programme_create(actor=persona("township_officer"), programme=item)


# ---------------------------------------------------------------- one family, two keys


def _roster_household(tree, name, *, code="TEST-RELIEF-SITE"):
    site = HazardSite.objects.create(
        code=code, name="救助测试滑坡", kind="landslide", region=tree.village, lon=109.88, lat=31.07
    )
    return Household.objects.create(site=site, region=tree.village, head_name=name, people=3, address="三组 8 号")


def _by_hand(programme, tree, name, id_number, **extra):
    return relief.recipient_add(
        actor=persona("township_officer"),
        recipient=ReliefRecipient(
            programme=programme,
            region=tree.village,
            head_name=name,
            id_number=id_number,
            members=3,
            people=3,
            address="三组 8 号",
            **extra,
        ),
    )


def test_a_family_listed_by_hand_with_its_id_is_not_drawn_again_from_the_roster(programme, tree):
    household = _roster_household(tree, "孙家福")
    _by_hand(programme, tree, "孙家福", "500237196505050055")
    drawn = relief.recipients_from_roster(actor=persona("township_officer"), programme=programme)
    # The roster has no ID number: same head, same village, so possibly the same family — skipped, counted.
    assert drawn.skipped >= 1
    assert not programme.recipients.filter(household=household).exists()
    assert sum(r.head_name == "孙家福" for r in programme.recipients.all()) == 1


def test_a_family_drawn_from_the_roster_is_not_drawn_again_from_the_register_under_its_id(programme, tree, process):
    _roster_household(tree, "孙家福")
    relief.recipients_from_roster(actor=persona("county_operator"), programme=programme)
    DamagedHouse.objects.create(
        process=process,
        region=tree.village,
        head_name="孙家福",
        head_id_number="500237196505050055",
        address="三组 8 号",
        members=3,
        degree=DamagedHouse.Degree.COLLAPSED,
        rooms=2,
    )
    drawn = relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    assert drawn == relief.Drawn(added=0, skipped=1)
    assert sum(r.head_name == "孙家福" for r in programme.recipients.all()) == 1


def test_two_people_of_one_name_with_different_id_numbers_are_both_drawn(programme, houses, tree):
    _by_hand(programme, tree, "张三明", "500237199909090099")  # another 张三明 of the village, his own ID
    drawn = relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    assert drawn == relief.Drawn(added=3, skipped=0)


def test_a_roster_household_or_register_row_is_listed_once_whatever_the_id(programme, houses, tree):
    household = _roster_household(tree, "孙家福")
    _by_hand(programme, tree, "孙家福", "500237196505050055", household=household)
    with pytest.raises(DomainError, match="该受威胁户已在本救助项目名单中") as refused:
        _by_hand(programme, tree, "孙家福", "500237196505050066", household=household)
    assert refused.value.field == "household"
    _by_hand(programme, tree, "张三明", "500237198001010011", damaged_house=houses[0])
    with pytest.raises(DomainError, match="该倒损住房户已在本救助项目名单中"):
        _by_hand(programme, tree, "张三明", "500237198001010012", damaged_house=houses[0])
    assert programme.recipients.count() == 2
    # The database refuses it too, whoever writes.
    first = programme.recipients.get(household=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReliefRecipient.objects.create(
            programme=programme,
            region=tree.village,
            household=household,
            household_key="id:another",
            head_name="孙家福",
            address=first.address,
        )


# ---------------------------------------------------------------- who takes the programme's steps


def test_a_township_cannot_publish_a_county_programme(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")
    township = persona("township_officer")
    assert relief.FLOW.allowed(township, programme) == []  # no 开始公示 button for it
    with pytest.raises(NotAllowed):
        relief.programme_publish(actor=township, programme=programme)
    programme.refresh_from_db()
    assert programme.status == "draft" and programme.notice_started_at is None
    assert not AuditEntry.objects.filter(action="relief_publish").exists()


def test_a_township_publishes_its_own_programme(process, houses, tree):
    today = timezone.localdate()
    own = relief.programme_create(
        actor=persona("township_officer"),
        programme=ReliefProgramme(
            name="本乡冬春救助",
            kind="winter",
            process=process,
            region=tree.township,
            starts_on=today,
            ends_on=today,
            rate=150,
        ),
    )
    relief.recipients_from_registers(actor=persona("township_officer"), programme=own)
    review_all(own)
    relief.programme_publish(actor=persona("township_officer"), programme=own)
    assert own.status == "notice"


# ---------------------------------------------------------------- payments


def test_goods_valued_at_nothing_are_refused_on_the_price(approved, stocked, rice):
    zhang = _by_name(approved, "张三明")
    with pytest.raises(DomainError, match="须大于 0 元") as refused:
        relief.give_goods(
            actor=persona("township_officer"),
            recipients=[zhang],
            warehouse=stocked,
            item=rice,
            quantity_each=5,
            unit_price=0,
            paid_on=timezone.localdate(),
        )
    assert refused.value.field == "unit_price"
    assert not ReliefPayment.objects.filter(programme=approved).exists()
    assert _stock(stocked, rice) == 100


def test_another_integrity_error_is_not_reported_as_paid_before(approved):
    zhang = _by_name(approved, "张三明")
    payment = ReliefPayment(
        programme=approved,
        recipient=zhang,
        household_key=zhang.household_key,
        means="goods",
        method="goods",
        amount=Decimal("0"),  # the database's amount > 0 check refuses it
        paid_on=timezone.localdate(),
    )
    with pytest.raises(IntegrityError):
        relief._record(payment)


def test_cash_is_the_approved_amount_in_one_payment(approved):
    township = persona("township_officer")
    zhang = _by_name(approved, "张三明")
    with pytest.raises(DomainError, match=r"核定金额 2400\.00 元") as refused:
        relief.pay_cash(actor=township, recipient=zhang, method="cash", paid_on=timezone.localdate(), amount="1000")
    assert refused.value.field == "amount"
    assert not ReliefPayment.objects.filter(recipient=zhang).exists()
    paid = relief.pay_cash(
        actor=township, recipient=zhang, method="cash", paid_on=timezone.localdate(), amount="2400.00"
    )
    assert paid.amount == Decimal("2400.00")
