"""Which calculator grades what: the API's kinds (CONTRACT.md `POST /api/v1/incidents/grade`) and an incident's
kind (`plans.IncidentKind.grading`). Pure: reads the incident's fields, writes nothing."""

from anlan.plans.models import IncidentKind

from . import grading, grading_forest, grading_geo
from .grading import Grade

GEO_DISASTER, GEO_DANGER = "disaster", "danger"  # as models.GEO_STAGES

# The API's kinds: each with the calculator called on the validated input.
API_KINDS = {
    "production_safety": lambda v: grading.production_safety(
        v["deaths"], v["serious_injuries"], v["direct_loss_10k_yuan"]
    ),
    "forest_fire": lambda v: grading_forest.forest_fire(
        v["burned_forest_ha"], v["deaths"], v["serious_injuries"], other_woodland=v.get("other_woodland", False)
    ),
    "geological_disaster": lambda v: grading_geo.disaster(
        v["deaths"], v["direct_loss_10k_yuan"], missing=v.get("missing", 0)
    ),
    "geological_danger": lambda v: grading_geo.danger(v["people_to_relocate"], v["potential_loss_10k_yuan"]),
}

AUTOMATIC = frozenset(
    {IncidentKind.Grading.PRODUCTION_SAFETY, IncidentKind.Grading.FOREST_FIRE, IncidentKind.Grading.GEOLOGICAL}
)

# What the incident page says about an automatically graded kind, and the facts it grades by.
EXPLAINED = {
    IncidentKind.Grading.PRODUCTION_SAFETY: "本类事件按《生产安全事故报告和调查处理条例》第三条，按伤亡和损失自动定级",
    IncidentKind.Grading.FOREST_FIRE: "本类事件按《森林防火条例》第四十条，按受害森林面积和伤亡人数自动定级",
    IncidentKind.Grading.GEOLOGICAL: "本类事件按伤亡和损失（灾情，《地质灾害防治条例》第四条）"
    "或需转移人数和潜在经济损失（险情，《国家突发地质灾害应急预案》）自动定级",
}
GRADED_FACTS = ("burned_forest_ha", "other_woodland", "geo_stage", "people_to_relocate", "potential_loss_10k_yuan")
FACTS = {
    IncidentKind.Grading.FOREST_FIRE: ("burned_forest_ha", "other_woodland"),
    IncidentKind.Grading.GEOLOGICAL: ("geo_stage", "people_to_relocate", "potential_loss_10k_yuan"),
}


def geo_stage(incident) -> str:
    """灾情 or 险情: as recorded, else 灾情 when the hazard has caused deaths, missing persons or loss."""
    if incident.geo_stage in (GEO_DISASTER, GEO_DANGER):
        return incident.geo_stage
    harmed = incident.deaths or incident.missing or incident.direct_loss_10k_yuan
    return GEO_DISASTER if harmed else GEO_DANGER


def level_label(incident) -> str:
    """The grade as the incident's kind names it: 小型…特大型 for geological hazards, 一般…特别重大 otherwise."""
    if not incident.level:
        return ""
    if incident.kind.grading == IncidentKind.Grading.GEOLOGICAL:
        return f"{grading_geo.LABELS[incident.level]}（{incident.level}级）"
    return incident.get_level_display()


def grade_incident(incident) -> tuple[Grade, str] | None:
    """The incident's grade by its kind's calculator and the basis recorded with it (≤ 300 characters); None for
    a kind graded by people."""
    kind = incident.kind.grading
    if kind == IncidentKind.Grading.PRODUCTION_SAFETY:
        grade = grading.production_safety(incident.deaths, incident.serious_injuries, incident.direct_loss_10k_yuan)
        return grade, f"国务院令第493号第三条：{grade.basis}"
    if kind == IncidentKind.Grading.FOREST_FIRE:
        grade = grading_forest.forest_fire(
            incident.burned_forest_ha,
            incident.deaths,
            incident.serious_injuries,
            other_woodland=incident.other_woodland,
        )
        return grade, f"{grade.article}：{grade.label}森林火灾，{grade.basis}"[:300]
    if kind == IncidentKind.Grading.GEOLOGICAL:
        if geo_stage(incident) == GEO_DISASTER:
            grade = grading_geo.disaster(incident.deaths, incident.direct_loss_10k_yuan, missing=incident.missing)
            what = "灾情"
        else:
            grade = grading_geo.danger(incident.people_to_relocate, incident.potential_loss_10k_yuan)
            what = "险情"
        return grade, f"{grade.article}：{grade.label}地质灾害{what}，{grade.basis}"[:300]
    return None
