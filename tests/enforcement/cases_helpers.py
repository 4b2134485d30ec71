"""Helpers for the penalty-case tests: a case opened by a county officer against a demo enterprise."""

import datetime as dt
from decimal import Decimal

from anlan.enforcement import services_cases
from anlan.enforcement.models import PenaltyCase
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

MON = dt.date(2026, 3, 2)  # a Monday
TODAY = dt.date(2026, 11, 30)


def enterprise_of_persona() -> Enterprise:
    return persona("enterprise_user").enterprise


def open_case(inspectors, *, fine="10000", other="", party="organisation", procedure="ordinary", on=MON, **extra):
    enterprise = enterprise_of_persona()
    fields = {
        "title": "未按规定开展安全生产教育培训",
        "party_kind": party,
        "enterprise": enterprise,
        "region": enterprise.region,
        "opened_on": on,
        "facts": "经查，该单位未对从业人员进行安全生产教育和培训。",
        "legal_basis": "《安全生产法》第九十七条第（三）项",
        "fine_yuan": Decimal(fine) if fine is not None else None,
        "other_penalties": other,
        "procedure": procedure,
        **extra,
    }
    return services_cases.open_case(
        actor=persona("county_operator"), fields=fields, handlers=inspectors[:2], today=TODAY
    )


def step(case, action, on, **data) -> PenaltyCase:
    return services_cases.take_step(actor=persona("county_operator"), case=case, action=action, on=on, today=TODAY,
                                    **data)  # fmt: skip


def to_notified(inspectors, **kw) -> PenaltyCase:
    case = open_case(inspectors, **kw)
    case = step(case, "investigate", MON)
    return step(case, "notify", MON + dt.timedelta(days=7))  # Monday 9 March
