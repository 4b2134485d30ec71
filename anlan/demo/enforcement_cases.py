"""Demo penalty cases (issue 17 item 10): three cases of the demo county at different stages, made through
the case services so each has its documents' numbers, clocks and audit entries like a real one:

- a large fine (hearing qualifies, Art. 63) notified two working days ago: in 告知, awaiting the 5-working-day
  hearing window (Art. 64); linked to the county's first inspection when the inspections part made one;
- a fine decided, served, paid 4 days late (加处罚款 3 % a day, Art. 72) and closed: in the 违法行为信息库;
- a summary-procedure fine of 2,000 元 on a unit (Arts. 51–52), decided on the spot, payment running.

The steps are taken by the first two certified officers (made by the draws part's demo); without two
officers nothing is made. Dates count back from today, so the clocks read the same on any day.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anlan.enforcement import case_clocks, services_cases
from anlan.enforcement.models import Inspection, Inspector, PenaltyCase
from anlan.registry.models import Enterprise


def _step(officer, case, action, on, today, **data):
    return services_cases.take_step(actor=officer, case=case, action=action, on=on, today=today, **data)


def load(*, actor, county, townships, departments, today: dt.date | None = None) -> dict[str, int]:
    """`actor` (the loader's name) is not a person: the officers handling the cases take the steps."""
    today = today or timezone.localdate()
    prefix = county.code[:6]
    if PenaltyCase.objects.filter(region__code__startswith=prefix).exists():
        return {"penalty_cases": 0}
    handlers = list(
        Inspector.objects.filter(active=True, region__code__startswith=prefix, user__is_active=True)
        .select_related("user")
        .order_by("certificate")[:2]
    )
    if len(handlers) < 2:
        return {"penalty_cases": 0}
    officer = handlers[0].user
    bureau = handlers[0].department
    inspection = Inspection.objects.filter(region__code__startswith=prefix).order_by("inspected_on", "pk").first()
    enterprises = list(Enterprise.objects.filter(region__code__startswith=prefix).order_by("pk")[:3])
    if len(enterprises) < 2:
        return {"penalty_cases": 0}
    first = inspection.enterprise if inspection else enterprises[0]
    second = next(e for e in enterprises if e.pk != first.pk)

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def open_case(enterprise, **fields):
        base = {"enterprise": enterprise, "region": enterprise.region, "department": bureau,
                "party_name": enterprise.name, "party_kind": "organisation"}  # fmt: skip
        return services_cases.open_case(actor=officer, fields={**base, **fields}, handlers=handlers, today=today)

    # 1. 告知, the hearing window running (notified two working days ago).
    notified = case_clocks.subtract_working_days(today, 2)
    hearing = open_case(
        first,
        title="未按规定对重大危险源进行监测监控案",
        opened_on=notified - dt.timedelta(days=20),
        inspection=inspection,
        facts="检查发现该单位储罐区可燃气体检测报警装置未投入使用，重大危险源监测数据未接入监控系统。",
        legal_basis="《安全生产法》第九十九条第（四）项",
        fine_yuan=Decimal("60000"),
    )
    hearing = _step(officer, hearing, "investigate", notified - dt.timedelta(days=18), today)
    qa = [("报警装置为何未投用？", "去年检修后未恢复。"), ("监测数据是否接入？", "尚未接入。")]
    hearing = _step(
        officer, hearing, "interrogate", notified - dt.timedelta(days=15), today, person="安全主管 刘某", qa=qa
    )
    hearing = _step(officer, hearing, "notify", notified, today)

    # 2. Closed: served, paid four days late (4 × 3 % × 20,000 = 2,400 元 加处罚款).
    closed = open_case(
        second,
        title="未如实记录安全生产教育和培训情况案",
        opened_on=day(120),
        facts="该单位未如实记录从业人员安全生产教育和培训的时间、内容及考核结果。",
        legal_basis="《安全生产法》第九十七条第（四）项",
        fine_yuan=Decimal("20000"),
    )
    closed = _step(officer, closed, "investigate", day(118), today)
    closed = _step(officer, closed, "interrogate", day(115), today, person="主要负责人 陈某",
                   qa=[("培训记录在哪里？", "只有签到表，没有考核记录。")])  # fmt: skip
    closed = _step(officer, closed, "notify", day(100), today)
    closed = _step(officer, closed, "statement", day(99), today, statement="当事人承认违法事实，请求从轻处罚。")
    closed = _step(officer, closed, "decide", day(95), today)
    closed = _step(officer, closed, "serve", day(93), today)
    closed = _step(officer, closed, "pay", day(93) + dt.timedelta(days=15 + 4), today)
    closed = _step(officer, closed, "close", day(70), today)

    # 3. Summary procedure on a unit: 2,000 元 (≤ 3,000 元) decided and handed over on the spot, payment due.
    summary = open_case(
        enterprises[2] if len(enterprises) > 2 else second,
        procedure="summary",
        title="未在危险场所设置安全警示标志案（当场处罚）",
        opened_on=day(5),
        facts="检查发现该单位配电房、气瓶存放点未设置明显的安全警示标志，事实清楚，当事人当场承认。",
        legal_basis="《安全生产法》第九十九条第（一）项",
        fine_yuan=Decimal("2000"),
    )
    _step(officer, summary, "decide_on_spot", day(5), today, told=True)
    return {"penalty_cases": 3}
