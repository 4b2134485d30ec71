"""Helpers of the 12350 tests: a tip through the public page or the services, and a decided penalty case."""

import datetime as dt
import time
from decimal import Decimal

from anlan.core.validators import id_number_check_char
from anlan.enforcement.models import PenaltyCase
from anlan.hazards import public as hazard_public
from anlan.hazards import services as hazard_services
from anlan.hazards.models import HiddenHazard
from anlan.rewards import public, services
from anlan.rewards.models import Tip

ID17 = "50023719800101123"
ID_NUMBER = ID17 + id_number_check_char(ID17)
PHONE = "13987654321"
PASSWORD = "secret-77"


def _answer(question: str) -> int:
    a, b = (int(x) for x in question.removesuffix(" = ?").split(" + "))
    return a + b


def tip_post(tree, *, claim=True, **extra) -> dict:
    question, token = hazard_public.new_challenge(now=time.time() - 10)
    data = {
        "region": tree.village.code,
        "place": "石材厂后山采石场",
        "description": "夜间违规爆破开采，无安全措施",
        "answer": _answer(question),
        "challenge": token,
        "query_password": PASSWORD,
    }
    if claim:
        data |= {"claims_reward": "on", "real_name": "王小明", "id_number": ID_NUMBER, "reward_phone": PHONE}
    return data | extra


def status_post(code, password, **extra) -> dict:
    question, token = public.new_challenge(now=time.time() - 10)
    return {"code": code, "password": password, "answer": _answer(question), "challenge": token, **extra}


def make_tip(region, *, claim=True, place="采石场") -> Tip:
    """A tip as the page makes it (hazard reported, then its 12350 record), without the page."""
    hazard = HiddenHazard(
        title=f"群众举报：{place}",
        description="违规爆破",
        level=HiddenHazard.Level.GENERAL,
        region=region,
        deadline=dt.date.today() + dt.timedelta(days=7),
        source=HiddenHazard.Source.PUBLIC_TIP,
        reporter_name="群众",
    )
    hazard_services.hazard_report(actor="群众举报", hazard=hazard)
    extra = {"real_name": "王小明", "id_number": ID_NUMBER, "phone": PHONE} if claim else {}
    return services.tip_register(hazard=hazard, claims_reward=claim, password=PASSWORD, **extra)


def decided_case(region, fine="125000", status="decided", title="违规爆破作业") -> PenaltyCase:
    """A case whose fine is decided (test data: the case's own steps are enforcement's tests)."""
    return PenaltyCase.objects.create(
        title=title,
        party_name="某石材开采有限公司",
        region=region,
        opened_on=dt.date(2026, 11, 2),
        status=status,
        fine_yuan=Decimal(fine) if fine is not None else None,
    )
