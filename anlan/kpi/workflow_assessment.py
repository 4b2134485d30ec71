"""The ways of a 考核 scheme and of one unit's sheet (pure; core.workflow):

    scheme: draft ─open→ self ─review→ review ─publish→ published      (县级)
    sheet:  open ─submit→ submitted ─finish→ reviewed                  (submit: the unit; finish: 县级)
            submitted ─return→ open (退回重新自评, with the reason)     (县级)

Who is "the unit" (the township's operator for a township sheet, the department's operator for a department
sheet) is decided in kpi.services_assessment.is_unit and passed as the transition's `when`.
"""

from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.workflow import Requires, Transition, Workflow

from .models import Assessment, AssessmentScheme

S = AssessmentScheme.Status
A = Assessment.Status


def _is_unit(actor, sheet) -> bool:
    role = getattr(actor, "role", "")
    if sheet.department_id:
        return role == Role.DEPARTMENT_OPERATOR and actor.department_id == sheet.department_id
    return role == Role.TOWNSHIP_OPERATOR and actor.region_id == sheet.region_id


def _self_stage(actor, sheet) -> bool:
    return _is_unit(actor, sheet) and sheet.scheme.status == S.SELF


def _all_reviewed(scheme, data) -> bool:
    return not scheme.sheets.exclude(status=A.REVIEWED).exists()


ALL_REVIEWED = Requires(_all_reviewed, "还有单位未完成评审，不能公布", "pending", on_record=True)
REASON = Requires(
    lambda s, data: bool((data.get("reason") or "").strip()), "退回须写明原因", "reason_required", "reason"
)

SCHEME_FLOW = Workflow(
    "assessment_scheme",
    dict(S.choices),
    [
        Transition("open", "下发自评", {S.DRAFT}, S.SELF, roles=COUNTY_ROLES, who="县级"),
        Transition("review", "开始评审", {S.SELF}, S.REVIEW, roles=COUNTY_ROLES, who="县级"),
        Transition(
            "publish", "公布结果", {S.REVIEW}, S.PUBLISHED, roles=COUNTY_ROLES, who="县级", requires=(ALL_REVIEWED,)
        ),
    ],
    model="kpi.AssessmentScheme",
)

SHEET_FLOW = Workflow(
    "assessment",
    dict(A.choices),
    [
        Transition("submit", "提交自评", {A.OPEN}, A.SUBMITTED, when=_self_stage, who="自评阶段的被考核单位"),
        Transition("finish", "完成评审", {A.SUBMITTED}, A.REVIEWED, roles=COUNTY_ROLES, who="县级"),
        Transition("return", "退回重新自评", {A.SUBMITTED}, A.OPEN, roles=COUNTY_ROLES, who="县级", requires=(REASON,)),
    ],
    model="kpi.Assessment",
)

is_unit = _is_unit
