"""Demo: the 执法检查人员名录库 (20 officers of the emergency bureau and three industry departments), a few
declared conflicts (回避), the county's 随机抽查事项清单 and four 双随机 draws this year over townships.

Deterministic: names, certificates, conflicts and draw seeds come from the county code and `seed`; the
officers' passwords are random (they are logins, not data) and must be changed at first login.
"""

import datetime as dt
import random
import secrets

from django.utils import timezone

from anlan.accounts.services import user_create
from anlan.core.roles import Role
from anlan.core.services import objects_bulk_create
from anlan.enforcement import services_draws
from anlan.enforcement.models import CheckMatter, Draw, DrawObject, Inspector, InspectorConflict
from anlan.geo.models import Region
from anlan.registry.models import Department, Enterprise

__all__ = ["load"]

# 20 synthetic officers' names (no real person meant).
NAMES = [
    "张建华",
    "李志强",
    "王海燕",
    "刘德明",
    "陈晓东",
    "杨光荣",
    "赵国庆",
    "黄永红",
    "周立新",
    "吴俊峰",
    "徐春梅",
    "孙卫东",
    "胡晓明",
    "朱文斌",
    "高建军",
    "林丽华",
    "何成刚",
    "郭志勇",
    "马晓燕",
    "罗国平",
]

# (department kind, role, how many): 12 of the emergency bureau, 8 of three industry departments.
SPREAD = (
    ("emergency", Role.COUNTY_OPERATOR, 12),
    ("market", Role.DEPARTMENT_OPERATOR, 3),
    ("housing", Role.DEPARTMENT_OPERATOR, 3),
    ("economy", Role.DEPARTMENT_OPERATOR, 2),
)

# The 随机抽查事项清单: (事项, 依据, implementing department kind, 行业组, 方式).
MATTERS = (
    ("安全生产主体责任落实情况", "《安全生产法》第二十一条、第二十二条", "emergency", "other", "现场检查"),
    ("安全生产教育和培训情况", "《安全生产法》第二十八条", "emergency", "other", "现场检查"),
    ("事故隐患排查治理情况", "《安全生产法》第四十一条", "emergency", "other", "现场检查"),
    ("危险化学品企业重大事故隐患判定标准执行情况", "安监总管三〔2017〕121号", "emergency", "hazchem", "现场检查"),
    (
        "非煤矿山安全生产条件",
        "《安全生产法》第二十条、《非煤矿矿山企业安全生产许可证实施办法》",
        "emergency",
        "non_coal_mine",
        "现场检查",
    ),
    ("生产安全事故应急预案管理与演练", "《生产安全事故应急预案管理办法》", "emergency", "other", "书面检查"),
    ("建筑施工企业安全生产许可条件", "《建筑施工企业安全生产许可证管理规定》", "housing", "other", "现场检查"),
    ("特种设备使用单位安全管理", "《特种设备安全法》第三十二条至第四十三条", "market", "other", "现场检查"),
)


def _by_kind(county: Region, departments) -> dict[str, Department]:
    pool = list(departments.values() if isinstance(departments, dict) else departments or ())
    if not pool:
        pool = list(Department.objects.filter(region=county))
    found: dict[str, Department] = {}
    for department in sorted(pool, key=lambda d: d.code):
        found.setdefault(department.kind, department)
    return found


def load(*, actor, county: Region, townships, departments, seed: int = 42) -> dict[str, int]:
    rng = random.Random(seed + 1700)
    county6, year = county.code[:6], timezone.localdate().year
    kinds = _by_kind(county, departments)
    taken = set(Inspector.objects.values_list("certificate", flat=True))
    users, number = [], 0
    for kind, role, how_many in SPREAD:
        department = kinds.get(kind)
        for _ in range(how_many):
            number += 1
            username = f"zf{county6}{number:02d}"
            user = user_create(
                actor=actor,
                username=username,
                # Upper, lower, digit and a sign whatever the random part holds (the password policy wants 3 of 4).
                password=f"Zf-{secrets.token_urlsafe(12)}9a",
                role=role if department or role != Role.DEPARTMENT_OPERATOR else Role.COUNTY_OPERATOR,
                region_code=county.code,
                department_code=department.code if department else None,
                display_name=NAMES[number - 1],
            )
            users.append(user)
    certificates = []
    for n in range(1, len(users) + 1):
        certificate = f"{county6}{year}{n:04d}"
        while certificate in taken:  # a second load on the same server: next free number
            n += 100
            certificate = f"{county6}{year}{n:04d}"
        taken.add(certificate)
        certificates.append(certificate)
    inspectors = objects_bulk_create(
        actor=actor,
        model=Inspector,
        instances=[
            Inspector(
                user=user,
                certificate=certificate,
                certificate_valid_until=timezone.localdate().replace(year=year + 3, month=12, day=31),
                region=county,
                department=user.department,
                synthetic=True,
            )
            for user, certificate in zip(users, certificates, strict=True)
        ],
    )
    enterprises = list(
        Enterprise.objects.filter(region__pk__startswith=county6).order_by("pk").values_list("pk", flat=True)
    )
    conflicts = []
    if enterprises:
        reasons = ("近亲属在该企业任职", "曾在该企业任职未满两年", "与企业主要负责人有利害关系")
        for inspector in rng.sample(inspectors, 5):
            enterprise = rng.choice(enterprises)
            conflicts.append(
                InspectorConflict(
                    inspector=inspector,
                    enterprise_id=enterprise,
                    reason=rng.choice(reasons),
                    declared_on=timezone.localdate().replace(month=1, day=5),
                    synthetic=True,
                )
            )
        objects_bulk_create(actor=actor, model=InspectorConflict, instances=conflicts)
    matters = objects_bulk_create(
        actor=actor,
        model=CheckMatter,
        instances=[
            CheckMatter(
                name=name,
                basis=basis,
                department=kinds.get(kind),
                sector_group=group,
                method=method,
                region=county,
                synthetic=True,
            )
            for name, basis, kind, group, method in MATTERS
        ],
    )
    # Four draws by the bureau's first officer, over the townships with the most enterprises.
    officer = users[0]
    per_township = {}
    for code in Enterprise.objects.filter(region__pk__startswith=county6).values_list("region_id", flat=True):
        township = code[:9].ljust(12, "0")
        per_township[township] = per_township.get(township, 0) + 1
    chosen = [
        t for t in sorted(townships, key=lambda t: (-per_township.get(t.code, 0), t.code)) if per_township.get(t.code)
    ]
    draws = []
    for quarter, township in enumerate(chosen[:4], start=1):
        record = services_draws.draw_create(
            actor=officer,
            name=f"{year}年第{'一二三四'[quarter - 1]}季度{township.name}双随机抽查",
            region=township.code,
            count=min(5, per_township[township.code]),
            inspectors_per_object=2,
            seed=f"{county6}-{year}-Q{quarter}",
            matter=matters[(quarter - 1) % len(matters)],
        )
        draws.append(record.pk)
        # Each quarter's draw is dated at the quarter's start (never after today), so the inspections of its
        # enterprises spread over the year and the older ones are past their 一公开 deadline.
        opened = min(timezone.localdate(), dt.date(year, 3 * quarter - 2, 1))
        when = timezone.make_aware(dt.datetime.combine(opened, dt.time(9, 0)))
        Draw.objects.filter(pk=record.pk).update(created_at=when)
    Draw.objects.filter(pk__in=draws).update(synthetic=True)  # demo records are marked as such everywhere
    DrawObject.objects.filter(draw_id__in=draws).update(synthetic=True)
    return {
        "inspectors": len(inspectors),
        "inspector_conflicts": len(conflicts),
        "check_matters": len(matters),
        "draws": len(draws),
    }
