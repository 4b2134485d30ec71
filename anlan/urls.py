from django.urls import include, path, re_path

from anlan.alerts import api as alerts_api
from anlan.alerts import feeds
from anlan.alerts import views as alerts_views
from anlan.core.api import SearchView, router
from anlan.core.apischema import SchemaView
from anlan.core.views import ApiDocsView
from anlan.disasters.urls_relief import public_urlpatterns as relief_public
from anlan.enforcement.api_draws import DrawVerifyNoSlash
from anlan.enforcement.api_penalty import PenaltyEvaluateView
from anlan.forestfire.api import DangerLevelFeedView
from anlan.geo.api import LocateView
from anlan.geo.urls import tile_urlpatterns
from anlan.hazards.api import HazardTransitionNoSlash
from anlan.hazards.views import public_tip
from anlan.incidents import views as incident_views
from anlan.incidents.api import GradeView
from anlan.kpi.urls_duties import public_urlpatterns as kpi_duty_public
from anlan.monitoring.api import ReadingsView
from anlan.overview import views as overview_views
from anlan.overview.api import SituationView
from anlan.resources.api import NearestView
from anlan.rewards.views import public_status as tip_status
from anlan.risk.api import LecEvaluateView, MajorHazardEvaluateView
from anlan.risk.views import public_card
from anlan.training.urls import public_urlpatterns as training_public

api_urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("geo/locate/", LocateView.as_view(), name="api-geo-locate"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("resources/nearest/", NearestView.as_view(), name="api-resources-nearest"),
    # CONTRACT.md publishes the calculators without a trailing slash; accept both.
    re_path(r"^risk/lec/evaluate/?$", LecEvaluateView.as_view(), name="api-risk-lec"),
    re_path(r"^risk/major-hazard/evaluate/?$", MajorHazardEvaluateView.as_view(), name="api-risk-major-hazard"),
    path(
        "hazards/<int:pk>/transition",
        HazardTransitionNoSlash.as_view({"post": "transition"}),
        name="hazard-transition-bare",
    ),
    *alerts_api.contract_urlpatterns(),
    re_path(r"^monitoring/readings/?$", ReadingsView.as_view(), name="api-monitoring-readings"),
    re_path(r"^incidents/grade/?$", GradeView.as_view(), name="api-incidents-grade"),
    path("forestfire/danger-levels/feed/", DangerLevelFeedView.as_view(), name="api-forestfire-feed"),
    path(
        "enforcement/draws/<int:pk>/verify",
        DrawVerifyNoSlash.as_view({"post": "verify"}),
        name="enforcement-draw-verify-bare",
    ),
    re_path(r"^enforcement/penalty/evaluate/?$", PenaltyEvaluateView.as_view(), name="api-enforcement-penalty"),
    path("situation/", SituationView.as_view(), name="api-situation"),
    path("", include(router.urls)),
]

urlpatterns = [
    # The home page is the 工作台 (overview sits above every app it counts, so core cannot hold it).
    path("", overview_views.WorkbenchView.as_view(), name="home"),
    path("", include("anlan.core.urls")),
    path("accounts/", include("anlan.accounts.urls")),
    path("geo/", include("anlan.geo.urls")),
    path("registry/", include("anlan.registry.urls")),
    path("resources/", include("anlan.resources.urls")),
    path("supplies/", include("anlan.supplies.urls")),
    path("hazards/", include("anlan.hazards.urls")),
    path("risk/", include("anlan.risk.urls")),
    path("sites/", include("anlan.sites.urls")),
    path("inbox/", include("anlan.inbox.urls")),
    path("monitoring/", include("anlan.monitoring.urls")),
    path("alerts/", include("anlan.alerts.urls")),
    path("incidents/", include("anlan.incidents.urls")),
    path("disasters/transfer/", include("anlan.disasters.urls_transfer")),
    path("plans/", include("anlan.plans.urls")),
    path("enforcement/", include("anlan.enforcement.urls")),
    path("drills/", include("anlan.drills.urls")),
    path("forestfire/", include("anlan.forestfire.urls")),
    path("flood/", include("anlan.flood.urls")),
    path("geohazard/", include("anlan.geohazard.urls")),
    path("rewards/", include("anlan.rewards.urls")),
    path("consultations/", include("anlan.consultations.urls")),
    path("kpi/", include("anlan.kpi.urls")),
    path("training/", include("anlan.training.urls")),
    path("duty/", include("anlan.duty.urls")),
    path("disasters/", include("anlan.disasters.urls")),
    path("notify/", include("anlan.notify.urls")),
    path("overview/", include("anlan.overview.urls")),
    path("disasters/relief/", include("anlan.disasters.urls_relief")),
    path("p/order/<str:token>/", incident_views.field_order, name="field_order"),
    # Public pages (no login): what a QR code opens, and the tip form.
    path("p/risk/<str:token>/", public_card, name="risk_public_card"),
    path("p/tip/", public_tip, name="public_tip"),
    path("p/tip/status/", tip_status, name="rewards_public_status"),
    path("p/relief/", include(relief_public)),
    path("p/enforcement/", include("anlan.enforcement.urls_public")),
    path("p/", include(training_public)),  # 科普 page and the exam link
    path("p/duty/", include(kpi_duty_public)),
    path("p/geohazard/", include("anlan.geohazard.urls_public")),
    path("p/flood/", include("anlan.flood.urls_public")),
    path("p/ack/<str:token>/", alerts_views.acknowledge, name="warning_ack"),
    path("p/warnings/", alerts_views.public_warnings, name="public_warnings"),
    path("gateway/sms-replies/", alerts_views.sms_replies, name="sms_replies"),
    path("p/warnings/subscribe/", alerts_views.public_subscribe, name="public_subscribe"),
    path("p/warnings/confirm/", alerts_views.public_confirm, name="public_confirm"),
    path("feeds/cap.atom", feeds.atom, name="cap_feed"),
    path("feeds/cap/<str:identifier>.xml", feeds.document, name="cap_document"),
    path("api/v1/", include(api_urlpatterns)),
    path("api/docs/", ApiDocsView.as_view(), name="api-docs"),
    *tile_urlpatterns,
]
