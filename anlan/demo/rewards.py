"""Demo 12350 举报奖励 (issue 22 items 5–6): five public tips of the county with their handling at different
points, and one verified tip that led to the demo's decided penalty case, whose reward was computed,
approved and paid (with its voucher):

- 待受理, received yesterday (a reward claimed);
- 待受理 and past its 受理 deadline (received 12 days ago): flagged on the list and the 工作台;
- 核查中, accepted 8 days ago (a reward claimed);
- 不予受理 (no claim): outside work safety;
- 已核查 属实, linked to the closed penalty case: the reward at 15 % of its fine (within the bounds), approved
  by the county and paid by bank transfer.

Runs after the enforcement parts (it needs a decided case with a fine; without one nothing is made). Dates count
back from today. Rows are written in bulk and audited like every demo loader's (no person acts in a demo load).
Every demo tip's query password is DEMO_PASSWORD, so the status page can be tried (docs/rewards.md).
"""

import datetime as dt
import io
import random

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from anlan.core.audit import AuditItem, append
from anlan.core.services import objects_bulk_create
from anlan.enforcement.models import PenaltyCase
from anlan.geo.models import Region, RegionLevel
from anlan.hazards.models import HiddenHazard
from anlan.rewards import clocks, rules
from anlan.rewards.models import Reward, Tip
from anlan.rewards.services import CODE_ALPHABET, DECIDED_CASE_STATES

__all__ = ["DEMO_PASSWORD", "load"]

SEED = 12350
DEMO_PASSWORD = "12350demo"
ID17 = ("50023719750312041", "50023719880706152", "50023719920215263", "50023719690928374")


def _id(first17: str) -> str:
    from anlan.core.validators import id_number_check_char

    return first17 + id_number_check_char(first17)


def _voucher() -> str:
    """A small image standing in for the bank's receipt; returns its stored name."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (240, 240, 235)).save(buffer, format="PNG")
    return default_storage.save("rewards/vouchers/demo/receipt.png", ContentFile(buffer.getvalue()))


def load(*, actor, county, townships, departments, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    prefix = county.code[:6]
    none = {"tips": 0, "rewards": 0}
    if Tip.objects.filter(region__code__startswith=prefix).exists():
        return none
    case = (
        PenaltyCase.objects.filter(region__code__startswith=prefix, status__in=DECIDED_CASE_STATES, fine_yuan__gt=0)
        .order_by("pk")
        .first()
    )
    if case is None:
        return none
    rng = random.Random(f"{SEED}-{county.code}")  # each county its own codes (several counties may be loaded)
    taken = set(Tip.objects.values_list("code", flat=True))

    def new_code() -> str:
        while (code := "JB" + "".join(rng.choice(CODE_ALPHABET) for _ in range(8))) in taken:
            pass
        taken.add(code)
        return code

    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=case.region_id[:9]).order_by("code")[:3]
    ) or list(Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=prefix).order_by("code")[:3])
    password = make_password(DEMO_PASSWORD)

    # (days ago received, place, description, claim, status)
    specs = [
        (1, "砖厂窑炉旁", "窑炉旁堆放大量煤粉，无人清理，存在粉尘爆炸风险", True, Tip.Status.RECEIVED),
        (12, "加油站后院", "后院私设储油罐向周边车辆加油", True, Tip.Status.RECEIVED),
        (10, "食品厂冷库", "冷库液氨管道多处锈蚀，有刺鼻气味", True, Tip.Status.ACCEPTED),
        (20, "小区广场", "广场舞音量过大", False, Tip.Status.DECLINED),
        (45, case.party_name or "石材开采点", f"{case.title}，夜间仍在作业", True, Tip.Status.VERIFIED),
    ]
    hazards = objects_bulk_create(
        actor=actor,
        model=HiddenHazard,
        instances=[
            HiddenHazard(
                title=f"群众举报：{place}"[:200],
                description=description,
                level=HiddenHazard.Level.GENERAL,
                region=villages[i % len(villages)],
                deadline=today + dt.timedelta(days=7),
                source=HiddenHazard.Source.PUBLIC_TIP,
                reporter_name="群众",
                synthetic=True,
            )
            for i, (_, place, description, _, _) in enumerate(specs)
        ],
    )
    tips = []
    for i, ((ago, _, _, claim, status), hazard) in enumerate(zip(specs, hazards, strict=True)):
        received = today - dt.timedelta(days=ago)
        tip = Tip(
            hazard=hazard,
            region_id=hazard.region_id,
            code=new_code(),
            password=password,
            claims_reward=claim,
            real_name=["刘建国", "陈秀英", "张伟", "", "李明"][i] if claim else "",
            id_number=_id(ID17[i % len(ID17)]) if claim else "",
            phone=f"1990002{1000 + i:04d}" if claim else "",
            status=status,
            received_on=received,
            accept_due=clocks.accept_due(received),
            synthetic=True,
        )
        if status in (Tip.Status.ACCEPTED, Tip.Status.VERIFIED):
            tip.accepted_on = received + dt.timedelta(days=2)
            tip.verify_due = clocks.verify_due(tip.accepted_on)
        if status == Tip.Status.DECLINED:
            tip.declined_reason = "反映事项属生活噪声，不属于安全生产领域，已告知向住建、公安部门反映"
        if status == Tip.Status.VERIFIED:
            tip.verified_on = received + dt.timedelta(days=20)
            tip.outcome, tip.matter = Tip.Outcome.TRUE, Tip.Matter.ILLEGAL
            tip.findings = "经现场核查，举报情况属实，已立案查处"
        tips.append(tip)
    tips = objects_bulk_create(actor=actor, model=Tip, instances=tips)
    verified = tips[-1]
    verified.cases.set([case])
    computed = rules.compute(outcome=verified.outcome, matter=verified.matter, fines=[case.fine_yuan])
    decided_on = verified.verified_on + dt.timedelta(days=5)
    reward = Reward(
        tip=verified,
        status=Reward.Status.PAID,
        amount_yuan=computed.amount,
        fine_yuan=computed.fine,
        explanation="\n".join(computed.lines),
        computed_on=verified.verified_on + dt.timedelta(days=1),
        decided_on=decided_on,
        opinion="同意按规定发放",
        paid_on=min(today, decided_on + dt.timedelta(days=3)),
        method=Reward.Method.BANK,
        voucher=_voucher(),
        payment_note="转入举报人登记的银行账户",
        synthetic=True,
    )
    objects_bulk_create(actor=actor, model=Reward, instances=[reward])
    append(
        [
            AuditItem(
                "tip_verify",
                "rewards.tip",
                str(verified.pk),
                str(verified),
                verified.region_id,
                None,
                {"outcome": verified.outcome, "cases": [case.pk]},
            )
        ],
        actor=actor,
    )
    return {"tips": len(tips), "rewards": 1}
