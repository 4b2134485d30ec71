from django.apps import AppConfig


class ForestfireConfig(AppConfig):
    """森林防火: fire periods, daily danger levels, 野外用火审批 and 护林员. Its own app because it joins several
    lower ones without belonging to any: rangers patrol through sites (PatrolRule/PatrolTask on 森林火险区),
    danger levels draft alerts' 森林火险 warnings, and a ranger's fire report enters incidents' intake (the
    in-permit flag is a panel on the incident workspace). So it sits above incidents, in the natural-hazard
    layer with flood, geohazard and rewards (above disasters, enforcement, drills and consultations), and
    below the 工作台, which shows its 防火期 notice through `core.kit.register_home_notice`."""

    name = "anlan.forestfire"
    label = "forestfire"
    verbose_name = "森林防火"

    def ready(self):
        from anlan.core.kit import register_home_notice
        from anlan.core.panels import register_panel

        from . import api, layers, views  # noqa: F401  (API routes, map layers, menu and kit pages)
        from .panels import home_notices, incident_permit_panel

        register_home_notice(home_notices)
        register_panel("incidents.incident", incident_permit_panel, order=15, name="forestfire.incident")
