"""Inspectors (执法人员名录库), their declared conflicts (回避) and 双随机 draws.

The draw itself is the pure `draw.run`; this module gathers the pools a user may draw from, records the
seed and pools with the result (three bulk inserts and one audit entry) and recomputes a draw to verify it.
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core import services as core_services
from anlan.core.audit import audit_bulk_create, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import Role
from anlan.core.scoping import region_in_scope
from anlan.geo.models import Region
from anlan.registry.models import Enterprise

from . import draw as algorithm
from .models import CheckMatter, CreditListing, Draw, DrawObject, Inspector, InspectorConflict
from .models.common import CAMPAIGN_INSPECTORS

# Who may be entered in the 执法检查人员名录库: the roles that inspect (county, departments, townships in
# 专项整治). Village workers, enterprises, team leaders and viewers hold no 执法证.
OFFICER_ROLES = CAMPAIGN_INSPECTORS


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- inspectors and conflicts


def _enterprises_in_scope(actor, ids, field: str) -> list[Enterprise]:
    wanted = []
    for raw in ids:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise DomainError("enforcement.bad_enterprise", f"企业编号应为整数：{raw!r}", field=field)
        wanted.append(raw)
    found = {e.pk: e for e in Enterprise.objects.restrict(actor, "view").filter(pk__in=wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise DomainError(
            "enforcement.enterprise_outside",
            f"企业编号 {missing[0]} 不存在或不在您的管辖范围内",
            field=field,
        )
    return [found[i] for i in dict.fromkeys(wanted)]


@transaction.atomic
def inspector_create(
    *,
    actor,
    username: str,
    certificate: str,
    conflicts=(),
    certificate_valid_until: dt.date | None = None,
    reason: str = "",
) -> Inspector:
    """Mark a user as a law-enforcement officer (执法证号), with the enterprises they must not inspect."""
    user = User.objects.filter(username=username).select_related("region", "department").first()
    if user is None or not region_in_scope(actor, user.region_id or "", "view"):
        raise DomainError("enforcement.user_unknown", f"用户 {username} 不存在或不在您的管辖范围内", field="user")
    if user.role not in OFFICER_ROLES:
        raise DomainError(
            "enforcement.user_not_officer",
            f"用户 {username} 的角色（{user.get_role_display()}）不能登记为执法人员：应为县级、行业部门或乡镇人员",
            field="user",
        )
    if not user.is_active:
        raise DomainError("enforcement.user_inactive", f"用户 {username} 已停用", field="user")
    if Inspector.objects.filter(user=user).exists():
        raise DomainError("enforcement.inspector_exists", f"用户 {username} 已在执法人员名录库中", field="user")
    certificate = (certificate or "").strip()
    if not certificate:
        raise DomainError("enforcement.certificate_required", "请填写执法证号", field="certificate")
    if Inspector.objects.filter(certificate=certificate).exists():
        raise DomainError("enforcement.certificate_taken", f"执法证号 {certificate} 已被登记", field="certificate")
    enterprises = _enterprises_in_scope(actor, conflicts, "conflicts")
    inspector = Inspector(
        user=user,
        certificate=certificate,
        certificate_valid_until=certificate_valid_until,
        region=user.region,
        department=user.department,
    )
    try:
        inspector.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("enforcement.inspector_invalid", messages[0], field=field) from None
    inspector.save()
    if not Inspector.objects.restrict(actor, "view").filter(pk=inspector.pk).exists():
        raise DomainError("scope.outside_after_save", "保存后的记录不在您的管辖范围内，已撤销")
    audit_record(action="create", obj=inspector, actor=actor, after=snapshot(inspector))
    if enterprises:
        declared = InspectorConflict.objects.bulk_create(
            [
                InspectorConflict(inspector=inspector, enterprise=e, reason=reason, declared_on=_today())
                for e in enterprises
            ]
        )
        audit_bulk_create(declared, actor=actor)
    return inspector


# ---------------------------------------------------------------- pools


def inspector_pool(actor, region: Region):
    """The 执法检查人员名录库 a draw in `region` takes from: the actor's inspectors, active, their user active,
    the certificate not expired, whose own region covers the whole draw region (a township's officer is not
    drawn for another township)."""
    today = _today()
    qs = (
        Inspector.objects.restrict(actor, "view")
        .filter(active=True, user__is_active=True)
        .filter(Q(certificate_valid_until__isnull=True) | Q(certificate_valid_until__gte=today))
        .select_related("user", "department", "region")
    )
    return [i for i in qs if region.code.startswith(region_prefix(i.region_id))]


def enterprise_pool(actor, region: Region):
    """The 检查对象名录库 of a draw in `region`: the enterprises of the region's subtree in the actor's scope."""
    return Enterprise.objects.restrict(actor, "view").filter(region__pk__startswith=region_prefix(region.code))


def pools_for(actor, region: Region) -> tuple[algorithm.Pools, dict[str, Inspector]]:
    inspectors = {i.user.username: i for i in inspector_pool(actor, region)}
    enterprise_ids = list(enterprise_pool(actor, region).values_list("pk", flat=True))
    conflicts = InspectorConflict.objects.filter(
        inspector__in=[i.pk for i in inspectors.values()], enterprise_id__in=enterprise_ids
    ).values_list("inspector__user__username", "enterprise_id")
    return algorithm.Pools.of(enterprise_ids, inspectors, conflicts), inspectors


def listed_ids(enterprise_ids) -> set[int]:
    """Which of these enterprises are on the 严重失信主体名单 now (flagged wherever a draw shows them)."""
    return set(
        CreditListing.objects.filter(
            enterprise_id__in=list(enterprise_ids), status=CreditListing.Status.LISTED
        ).values_list("enterprise_id", flat=True)
    )


# ---------------------------------------------------------------- draws


def new_seed() -> str:
    return secrets.token_hex(16)


def _region(actor, code) -> Region:
    region = Region.objects.filter(code=str(code or "")).first()
    if region is None:
        raise DomainError("enforcement.region_unknown", f"区划代码不存在：{code}", field="region")
    if not region_in_scope(actor, region.code, "add"):
        raise DomainError("enforcement.region_outside", f"{region.name}不在您的管辖范围内", field="region")
    return region


@transaction.atomic
def draw_create(
    *,
    actor,
    name: str,
    region: str,
    count: int,
    inspectors_per_object: int,
    seed: str | None = None,
    matter: CheckMatter | None = None,
) -> Draw:
    """Draw `count` enterprises of `region` and `inspectors_per_object` officers for each, record it all."""
    name = (name or "").strip()
    if not name:
        raise DomainError("enforcement.draw_name", "请填写抽取名称", field="name")
    place = _region(actor, region)
    if seed is None or seed == "":
        seed = new_seed()
    pools, inspectors = pools_for(actor, place)
    try:
        result = algorithm.run(seed, pools, count, inspectors_per_object)
    except algorithm.DrawRefused as refused:
        message = refused.message
        if refused.enterprise is not None:
            named = Enterprise.objects.filter(pk=refused.enterprise).values_list("name", flat=True).first()
            message = f"企业「{named}」（编号 {refused.enterprise}）：与其无回避关系的执法人员只有 "
            message += f"{len(pools.inspectors) - sum(1 for _, e in pools.conflicts if e == refused.enterprise)} 名，"
            message += f"不足每家 {inspectors_per_object} 名；请调整回避申报或名录库后再抽取"
        raise DomainError("enforcement.draw_refused", message, field=refused.field) from None
    department = actor.department if getattr(actor, "role", "") == Role.DEPARTMENT_OPERATOR else None
    record = Draw.objects.create(
        name=name,
        region=place,
        count=count,
        inspectors_per_object=inspectors_per_object,
        seed=seed,
        algorithm=algorithm.ALGORITHM,
        pools=pools.as_json(),
        matter=matter,
        department=department,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    objects = DrawObject.objects.bulk_create(
        [DrawObject(draw=record, position=o.position, enterprise_id=o.enterprise) for o in result]
    )
    through = DrawObject.inspectors.through
    through.objects.bulk_create(
        [
            through(drawobject_id=obj.pk, inspector_id=inspectors[username].pk)
            for obj, drawn in zip(objects, result, strict=True)
            for username in drawn.inspectors
        ]
    )
    if not Draw.objects.restrict(actor, "view").filter(pk=record.pk).exists():
        raise DomainError("scope.outside_after_save", "保存后的记录不在您的管辖范围内，已撤销")
    audit_record(
        action="draw.create",
        obj=record,
        actor=actor,
        after={
            **snapshot(record),
            "objects": [
                {"position": o.position, "enterprise": o.enterprise, "inspectors": list(o.inspectors)} for o in result
            ],
        },
    )
    return record


def stored_objects(record: Draw) -> list[tuple[int, int, list[str]]]:
    """(position, enterprise id, [username…]) of a draw as stored, in two queries."""
    rows = list(record.objects_drawn.order_by("position").prefetch_related("inspectors__user"))
    return [(o.position, o.enterprise_id, sorted(i.user.username for i in o.inspectors.all())) for o in rows]


def draw_verify(record: Draw) -> bool:
    """Compute the draw again from its recorded seed and pools and compare with what is stored."""
    if record.algorithm != algorithm.ALGORITHM:
        return False
    try:
        expected = algorithm.run(
            record.seed, algorithm.Pools.from_json(record.pools or {}), record.count, record.inspectors_per_object
        )
    except algorithm.DrawRefused:
        return False
    return algorithm.same_result(expected, stored_objects(record))


def conflict_declare(*, actor, inspector: Inspector, enterprise: Enterprise, reason: str = "") -> InspectorConflict:
    """Declare that `inspector` must not inspect `enterprise` (回避); audited like any registry write."""
    if InspectorConflict.objects.filter(inspector=inspector, enterprise=enterprise).exists():
        raise DomainError("enforcement.conflict_exists", f"已登记过对「{enterprise}」的回避", field="enterprise")
    conflict = InspectorConflict(inspector=inspector, enterprise=enterprise, reason=reason, declared_on=_today())
    return core_services.object_create(actor=actor, instance=conflict)
