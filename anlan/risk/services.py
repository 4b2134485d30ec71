"""Risk services: assessing a risk point (history kept, grade updated) and re-grading a major hazard
source when its substances change. Each write is audited in the same transaction."""

from django.db import transaction

from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.regioncodes import county_of

from . import gb18218, lec, matrix
from .models import MajorHazardSource, MajorHazardSubstance, RiskAssessment, RiskMatrixSetting, RiskPoint


def matrix_thresholds(region_code: str) -> dict:
    """The LS thresholds of the county that holds `region_code` (the defaults when it set none)."""
    setting = RiskMatrixSetting.objects.filter(region_id=county_of(region_code)).first()
    return setting.thresholds() if setting else dict(matrix.DEFAULT_THRESHOLDS)


def _number(value, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DomainError("risk.not_a_number", f"{name} 应为数值") from None


@transaction.atomic
def assess(*, actor, point: RiskPoint, method: str, note: str = "", **factors) -> RiskAssessment:
    """Assess `point` by LEC (L, E, C) or the LS matrix (L, S); the result becomes its current grade."""
    point = RiskPoint.objects.select_for_update().get(pk=point.pk)
    before = snapshot(point)
    if method == RiskAssessment.Method.LEC:
        L, E, C = (_number(factors.get(k), k) for k in ("L", "E", "C"))
        try:
            result = lec.evaluate(L, E, C)
        except ValueError as exc:
            raise DomainError("risk.bad_factor", str(exc)) from None
        record = RiskAssessment(point=point, method=method, L=L, E=E, C=C, score=result.D, grade=result.grade)
    elif method == RiskAssessment.Method.MATRIX:
        try:
            L, S = int(factors.get("L")), int(factors.get("S"))
        except (TypeError, ValueError):
            raise DomainError("risk.bad_matrix_factor", "风险矩阵法的 L 与 S 应为 1–5 的整数") from None
        thresholds = matrix_thresholds(point.region_id)
        try:
            result = matrix.evaluate(L, S, thresholds)
        except ValueError as exc:
            raise DomainError("risk.bad_factor", str(exc)) from None
        record = RiskAssessment(
            point=point, method=method, L=L, S=S, score=result.R, grade=result.grade, thresholds=thresholds
        )
    else:
        raise DomainError("risk.unknown_method", f"未知的评估方法：{method}（lec 或 matrix）")
    record.assessor, record.note = actor_name(actor), note
    record.save()
    point.grade, point.assessed_at = record.grade, record.assessed_at
    point.save(update_fields=["grade", "assessed_at", "updated_at"])
    audit_record(
        action="risk_assess",
        obj=point,
        actor=actor,
        before={k: before[k] for k in ("grade", "assessed_at")},
        after={"grade": point.grade, "method": method, "score": record.score, "assessment": record.pk},
    )
    return record


def parse_substances(items: list[dict]) -> list[MajorHazardSubstance]:
    """Unsaved substance rows, each matched against GB 18218 (a DomainError names the bad row)."""
    rows = []
    for index, item in enumerate(items):
        row = MajorHazardSubstance(
            name=(item.get("name") or item.get("cas") or "").strip(),
            category=(item.get("category") or "").strip(),
            quantity_t=item.get("quantity_t"),
        )
        try:
            checked = gb18218.evaluate([row.as_input() | {"quantity_t": _number(row.quantity_t, "quantity_t")}], 0)
        except DomainError as exc:
            raise DomainError(exc.code, f"第{index + 1}种物质：{exc.message}", field="substances") from None
        row.quantity_t = checked.items[0].quantity_t
        row.matched_name, row.critical_t = checked.items[0].name, checked.items[0].critical_t
        rows.append(row)
    return rows


@transaction.atomic
def substances_replace(*, actor, source: MajorHazardSource, items: list[dict]) -> MajorHazardSource:
    """Replace the unit's substances and re-grade it; nothing changes if any row is bad."""
    rows = parse_substances(items)
    source = MajorHazardSource.objects.select_for_update().get(pk=source.pk)
    before = {
        "substances": [str(s) for s in source.substances.all()],
        "level": source.level,
        "is_major": source.is_major,
    }
    source.substances.all().delete()
    for row in rows:
        row.source = source
    MajorHazardSubstance.objects.bulk_create(rows)
    source.save()
    after = {"substances": [str(s) for s in rows], "level": source.level, "is_major": source.is_major}
    audit_record(action="major_hazard_regrade", obj=source, actor=actor, before=before, after=after)
    _sync_enterprise_flag(source)
    return source


def _sync_enterprise_flag(source: MajorHazardSource) -> None:
    """The enterprise's 重大危险源 flag follows its units (set when any unit is major)."""
    enterprise = source.enterprise
    has_major = MajorHazardSource.objects.filter(enterprise=enterprise, is_major=True).exists()
    if enterprise.has_major_hazard != has_major:
        enterprise.has_major_hazard = has_major
        enterprise.save(update_fields=["has_major_hazard", "updated_at"])
        audit_record(
            action="update",
            obj=enterprise,
            actor="重大危险源辨识",
            before={"has_major_hazard": not has_major},
            after={"has_major_hazard": has_major},
        )
