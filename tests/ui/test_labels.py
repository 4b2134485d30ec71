"""Every page speaks Chinese: no raw choice code, English field name or bare region code on screen.

The guard renders, as a county administrator, every registered list and detail page (with every
choice value of the model's choice fields present on the rows shown), the history pages (audit list and
entries, the hazard handling page, alarm and assessment histories, a warning's steps, an incident's
workspace) and the map layers' popup properties, and reads the text a person sees (tags, scripts and
attributes stripped). It fails on:

- a choice code, workflow step or audit action code shown as it is stored (`open`, `Met`, `report`,
  `stock_receive`, `supplies.movement`), matched as a whole token of the visible text;
- an English field name (`Status`, `Live status`, `responsible`);
- a 12-digit region code without its region's name next to it, or written after it as "名称（代码）" (regions are
  named by name: `geo.Region.__str__`).
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from anlan.core.kit import all_configs
from anlan.core.views import PAGE_SIZE
from anlan.testing.personas import persona

SKIPPED_TAGS = {"script", "style", "template", "textarea"}
# Words as a person reads them: "audit-verify" (a command) is one word, not the step "verify".
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
ROMAN = re.compile(r"^[IVX]+$")  # grades (I–IV级) and classes, shown inside their labels
REGION_CODE = re.compile(r"(?<!\d)\d{12}(?!\d)")
# Words that are also field names or codes but are legitimately shown as they are: product and standard
# names, units and the platform's own name.
ALLOWED_WORDS = {"excel", "api", "cap", "xml", "id", "url", "mqtt", "http", "https", "sms", "gb", "lec", "json"}


class VisibleText(HTMLParser):
    """The text nodes a person sees, one chunk per node (scripts, styles and attribute values left out)."""

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.chunks.append(data.strip())


def visible_chunks(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.chunks


def _has_ascii_letter(value: str) -> bool:
    return any("a" <= c.lower() <= "z" for c in value)


def _anlan_models():
    return [m for m in apps.get_models() if m.__module__.startswith("anlan.")]


def choice_fields(model):
    """Concrete fields with choices (their codes are stored; pages must show the labels)."""
    return [f for f in model._meta.concrete_fields if f.choices]


def forbidden_codes() -> dict[str, str]:
    """Lower-cased code → where it comes from: choice codes, workflow steps and states, audit actions."""
    from anlan.core.models import AuditEntry
    from anlan.core.workflow import Workflow

    codes = {}
    for model in _anlan_models():
        for f in choice_fields(model):
            for code, label in f.flatchoices:
                text, label = str(code), str(label)
                # A code its own label contains ("HTTP 广播平台") is shown as part of that label.
                if _has_ascii_letter(text) and (text == label or text not in label):
                    for part in text.split(","):
                        codes.setdefault(part, f"{model._meta.label}.{f.name}")
    for module in ("hazards", "alerts", "incidents", "monitoring"):
        workflow_module = __import__(f"anlan.{module}.workflow", fromlist=["*"])
        for value in vars(workflow_module).values():
            if isinstance(value, Workflow):
                for action in value:
                    codes.setdefault(action, f"workflow {value.name}")
                    codes.setdefault(f"{value.name}_{action}", f"workflow {value.name}")
                for state in value.states:
                    codes.setdefault(state, f"workflow {value.name} state")
    for action in AuditEntry.objects.values_list("action", flat=True).distinct():
        codes.setdefault(action, "audit action")
    for object_type in AuditEntry.objects.values_list("object_type", flat=True).distinct():
        codes.setdefault(object_type, "audit object type")
    return {
        code: source for code, source in codes.items() if code.lower() not in ALLOWED_WORDS and not ROMAN.match(code)
    }


def field_names() -> set[str]:
    """English field names, also as Django would title them ("live_status" → "live status")."""
    names = set()
    for model in _anlan_models():
        for f in model._meta.get_fields():
            name = getattr(f, "name", "")
            if name and _has_ascii_letter(name):
                names.add(name.lower())
                names.add(name.replace("_", " ").lower())
    # One-letter names are the standards' symbols (LEC's L, E, C; the matrix's S; R of GB 18218).
    return {name for name in names if len(name) > 1} - ALLOWED_WORDS


class Problems:
    def __init__(self, usernames: set[str]):
        self.codes = forbidden_codes()
        self.fields = field_names()
        self.usernames = {u.lower() for u in usernames}
        from anlan.geo.models import Region

        self.region_names = dict(Region.objects.values_list("code", "name"))
        self.found: dict[tuple[str, str], str] = {}

    def check_text(self, where: str, chunks: list[str]) -> None:
        for i, chunk in enumerate(chunks):
            for token in TOKEN.findall(chunk):
                word = token.lower()
                if word in self.usernames:
                    continue
                if token in self.codes:
                    self.found[(where, token)] = f"code from {self.codes[token]} in “{chunk[:80]}”"
                elif word in self.fields:
                    self.found[(where, token)] = f"English field name in “{chunk[:80]}”"
            for phrase in self.fields:
                if " " in phrase and phrase in chunk.lower():
                    self.found[(where, phrase)] = f"English field name in “{chunk[:80]}”"
            for code in REGION_CODE.findall(chunk):
                name = self.region_names.get(code)
                if name is None:
                    continue
                around = " ".join(chunks[max(0, i - 1) : i + 2])
                # A cell labelled as the code ("区划代码") shows the code on purpose.
                labelled_code = i > 0 and chunks[i - 1].endswith("代码")
                if name not in around and not labelled_code:
                    self.found[(where, code)] = f"region code without its name {name} in “{chunk[:80]}”"
                elif f"{name}（{code}）" in chunk:
                    # Names, not "名称（代码）": the code beside every name was noise (a code column of its own,
                    # the region register's or an export's, is not this).
                    self.found[(where, code)] = f"region written as name（code） in “{chunk[:80]}”"

    def check_page(self, client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        self.check_text(url, visible_chunks(response.content.decode()))

    def report(self) -> str:
        return "\n".join(f"{where}: {token} — {why}" for (where, token), why in sorted(self.found.items()))


ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _assign(queryset, pks: list[int], field, value) -> bool:
    """Set `field` to `value` on the rows `pks`; False when the database refuses that value there."""
    try:
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=pks).update(**{field.name: value})
    except IntegrityError:
        return False
    return True


DETAIL_ROWS = 3  # detail pages rendered per round


def _rounds_of_choices(config, user, refused: list):
    """Yield once per round the rows of the list's first page; over the rounds every choice value of every
    choice field shown is on a row whose page is rendered: a list column's values spread over the page's
    rows, a detail-only field's over the rows whose detail pages are rendered."""
    rows = list(config.queryset(user).values_list("pk", flat=True)[:PAGE_SIZE])
    listed = set(config.list_columns)
    fields = [f for f in choice_fields(config.model) if f.name in listed | set(config.columns_for_detail())]
    if not rows or not fields:
        yield rows
        return

    def shown_on(f):
        return rows if f.name in listed else rows[:DETAIL_ROWS]

    rounds = max(-(-len(f.flatchoices) // len(shown_on(f))) for f in fields)
    for r in range(rounds):
        for f in fields:
            values = [code for code, _ in f.flatchoices]
            targets = shown_on(f)
            for j, pk in enumerate(targets):
                index = r * len(targets) + j
                if index < len(values) and not _assign(config.queryset(user), [pk], f, values[index]):
                    refused.append(f"{config.model._meta.label}.{f.name}={values[index]}")
        yield rows


def _history_pages(user) -> list[str]:
    from anlan.alerts.models import Warning
    from anlan.core.models import AuditEntry
    from anlan.hazards.models import HiddenHazard
    from anlan.incidents.models import Incident
    from anlan.monitoring.models import Alarm
    from anlan.risk.models import RiskPoint

    pages = ["/", reverse("core:audit_list")]
    pages += [
        reverse("core:audit_detail", args=[pk])
        for pk in AuditEntry.objects.restrict(user).order_by("-pk")[:5].values_list("pk", flat=True)
    ]
    for hazard in HiddenHazard.objects.filter(events__isnull=False).distinct().order_by("pk")[:3]:
        pages.append(reverse("hazards:handle", args=[hazard.pk]))
    for alarm in Alarm.objects.order_by("pk")[:2]:
        pages.append(reverse("monitoring:alarm_acknowledge", args=[alarm.pk]))
    for warning in Warning.objects.order_by("pk")[:2]:
        pages.append(reverse("alerts:warning_steps", args=[warning.pk]))
    for incident in Incident.objects.order_by("pk")[:2]:
        pages.append(reverse("incidents:workspace", args=[incident.pk]))
    for point in RiskPoint.objects.filter(assessments__isnull=False).distinct().order_by("pk")[:2]:
        pages.append(reverse("risk:assess", args=[point.pk]))
        pages.append(reverse("risk:card", args=[point.pk]))
    # Report and work pages beside the registries: statistics, indexes, adequacy, patrols, the inbox.
    pages += [reverse(name) for name in ("hazards:stats", "risk:index", "supplies:alerts", "supplies:adequacy")]
    pages += [reverse("sites:patrols"), reverse("inbox:list")]
    from anlan.resources.models import Shelter

    shelter = Shelter.objects.order_by("pk").first()
    pages.append(reverse("resources:shelter_checks", args=[shelter.pk]))
    return pages


def an_incident_with_an_order():
    """An incident recorded beside a sensor, with a rescue team dispatched (the demo county has none)."""
    from django.utils import timezone

    from anlan.incidents import services
    from anlan.incidents.models import Incident
    from anlan.monitoring.models import Sensor
    from anlan.plans.models import IncidentKind
    from anlan.resources.models import RescueTeam

    officer = persona("county_operator")
    sensor = Sensor.objects.filter(lon__isnull=False).order_by("pk").first()
    incident = services.incident_create(
        actor=officer,
        incident=Incident(
            title="标签检查滑坡",
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=sensor.region,
            lon=sensor.lon,
            lat=sensor.lat,
            occurred_at=timezone.now(),
            description="2 人被困",
        ),
    )
    team = RescueTeam.objects.filter(region__code__startswith="500237").order_by("pk").first()
    services.order_create(actor=officer, incident=incident, kind="team", target=team, instruction="赶赴现场")
    return incident


def an_alarm_that_rose(tree):
    """A water-level station whose readings open a yellow alarm and raise it to red (the demo has no alarm)."""
    import datetime as dt

    from django.utils import timezone

    from anlan.monitoring import services
    from anlan.monitoring.models import Rule, Sensor

    sensor = Sensor.objects.create(
        code="WL-LABELS", name="标签检查水位站", kind="water_level", region=tree.village,
        lon=tree.village.center_lon, lat=tree.village.center_lat,
    )  # fmt: skip
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=5.0, red=8.0)
    start = timezone.now() - dt.timedelta(minutes=30)
    values = [6.0, 9.0]
    services.ingest(
        [{"sensor": sensor.code, "ts": (start + dt.timedelta(minutes=10 * i)).isoformat(), "value": v}
         for i, v in enumerate(values)]
    )  # fmt: skip
    assert sensor.alarms.exists()


@pytest.mark.django_db
def test_pages_show_labels_not_codes(client, tree):
    from anlan.accounts.models import User

    an_incident_with_an_order()
    an_alarm_that_rose(tree)
    from tests.alerts.helpers import issue_warning

    # An issued warning with a township's own plan: its steps page lists the township by name.
    issue_warning(tree, regions=[tree.township], measures={f"township:{tree.township.code}": "转移沿河住户"})

    admin = persona("county_admin")
    client.force_login(admin)
    problems = Problems(set(User.objects.values_list("username", flat=True)))
    refused = []
    for config in all_configs():
        for rows in _rounds_of_choices(config, admin, refused):
            problems.check_page(client, config.reverse("list"))
            for pk in rows[:DETAIL_ROWS]:
                problems.check_page(client, config.reverse("detail", pk))
    for url in _history_pages(admin):
        problems.check_page(client, url)
    print("values the database refused on the rows shown:", refused)
    assert not problems.found, "\n" + problems.report()


@pytest.mark.django_db
def test_map_popups_show_labels_not_codes(client, tree):
    """What a popup shows (the layer's `labels` keys) is names: no choice code, bare region code or ISO time."""
    from anlan.accounts.models import User
    from anlan.geo.layers import all_layers

    client.force_login(persona("county_admin"))
    problems = Problems(set(User.objects.values_list("username", flat=True)))
    shown = 0
    for layer in all_layers():
        response = client.get(f"/api/v1/map/layers/{layer.key}/")
        assert response.status_code == 200, layer.key
        for feature in response.json()["features"][:200]:
            popup = []  # as map.js draws it: a row per label, the label and the value
            for key, label in layer.labels.items():
                value = feature["properties"].get(key)
                if value in (None, "", True, False):
                    continue
                text = str(value)
                assert not ISO_TIME.match(text), f"{layer.key}.{key}: {text} is not a local time"
                popup += [label, text]
                shown += 1
            problems.check_text(f"layer {layer.key}", popup)
    assert shown > 100
    assert not problems.found, "\n" + problems.report()


@pytest.mark.django_db
def test_command_map_popups_show_labels_not_codes(client, tree):
    """The command map's popups and heading (static/anlan/command.js) read names sent by the server."""
    from anlan.accounts.models import User
    from anlan.monitoring.models import Sensor

    client.force_login(persona("county_admin"))
    problems = Problems(set(User.objects.values_list("username", flat=True)))
    incident = an_incident_with_an_order()
    Sensor.objects.filter(lon=incident.lon, lat=incident.lat).update(live_status="unknown")
    data = client.get(reverse("incidents:situation", args=[incident.pk])).json()
    problems.check_text(
        "incident", [str(v) for k, v in data["incident"].items() if k in ("level", "response", "status")]
    )
    layers = set()
    for feature in data["features"]:
        p = feature["properties"]
        layers.add(p["layer"])
        if p["layer"] in ("sensor", "order"):  # command.js shows their status by `status_label`
            assert p.get("status_label"), p
        shown = [p.get(k) for k in ("name", "kind", "status_label", "level")]
        problems.check_text(f"feature {p['layer']}", [str(v) for v in shown if v not in (None, "")])
    assert "sensor" in layers
    assert not problems.found, "\n" + problems.report()


@pytest.mark.django_db
def test_risk_point_assessment_time_is_shanghai_time_on_the_page_and_in_its_history(client, tree):
    """评估时间 and the assessment's history row both read 16:58 for an assessment at 08:58 UTC."""
    import datetime as dt

    from anlan.core.kit import config_for
    from anlan.risk.models import RiskAssessment, RiskPoint

    client.force_login(persona("county_admin"))
    assessment = RiskAssessment.objects.order_by("pk").first()
    at = dt.datetime(2026, 6, 1, 8, 58, tzinfo=dt.UTC)
    RiskAssessment.objects.filter(pk=assessment.pk).update(assessed_at=at)
    RiskPoint.objects.filter(pk=assessment.point_id).update(assessed_at=at)
    html = client.get(config_for(RiskPoint).reverse("detail", assessment.point_id)).content.decode()
    chunks = visible_chunks(html)
    field = chunks[chunks.index("评估时间") + 1]
    assert field == "2026-06-01 16:58"
    history_row = [c for c in chunks if c.startswith("2026-06-01")]
    assert history_row == ["2026-06-01 16:58", "2026-06-01 16:58"]
    assert "08:58" not in " ".join(chunks)


@pytest.mark.django_db
def test_list_filters_speak_chinese_whatever_the_browser_language(client, tree):
    """A browser asking for English still gets the filters' Chinese names and choices (全部/是/否), not
    django-filter's or Django's English ("Live status", "Unknown", "Yes", "---------")."""
    from anlan.accounts.models import User

    client.force_login(persona("county_admin"))
    problems = Problems(set(User.objects.values_list("username", flat=True)))
    english = {"Unknown", "Yes", "No", "---------", "All"}
    for config in all_configs():
        html = client.get(config.reverse("list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        form = re.search(r'<form method="get" class="filters">(.*?)</form>', html, re.S)
        chunks = visible_chunks(form.group(1))
        problems.check_text(f"{config.reverse('list')} filters", chunks)
        leaked = english & set(chunks)
        assert not leaked, f"{config.reverse('list')}: {sorted(leaked)}"
    assert not problems.found, "\n" + problems.report()
