"""Compiled API lists (core.fastlist): the hidden hazards and sensors lists are built from `values_list()`
rows without model instances, and must answer exactly what DRF's serializers answered — the same JSON,
field for field, for every role, with the same filters, pages and phone masking — in a fixed number of
queries."""

import datetime as dt

import orjson
import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from anlan.accounts.services import token_create
from anlan.core import fastlist
from anlan.core.api import ScopedSerializer
from anlan.hazards.api import HiddenHazardDetailSerializer, HiddenHazardSerializer
from anlan.hazards.models import HiddenHazard
from anlan.registry.models import Enterprise, Person
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/hazards/",
    "/api/v1/hazards/?status=reported&page_size=7",
    "/api/v1/hazards/?overdue=true&page=2&page_size=5",
    "/api/v1/hazards/?open=false",
    "/api/v1/monitoring/sensors/",
    "/api/v1/monitoring/sensors/?kind=rain_gauge&page=2&page_size=10",
    "/api/v1/monitoring/sensors/?page_size=1000",
]


def _token(role: str) -> dict:
    key = token_create(actor="test", user=persona(role), name="fastlist")
    return {"HTTP_AUTHORIZATION": f"Token {key}", "HTTP_ACCEPT": "application/json"}


def _drf_only(monkeypatch):
    def refuse(serializer, values_fields=None):
        raise fastlist.NotCompilable("the test asks for DRF's own list")

    monkeypatch.setattr(fastlist, "compile_serializer", refuse)


@pytest.mark.parametrize("role", ["county_admin", "township_officer", "department_operator", "enterprise_user"])
def test_compiled_lists_answer_what_the_serializers_answered(client, monkeypatch, role):
    headers = _token(role)
    fast, statuses = {}, {}
    for url in LISTS:
        response = client.get(url, **headers)
        assert response["Content-Type"] == "application/json"
        fast[url], statuses[url] = response.content, response.status_code
    assert statuses["/api/v1/hazards/"] == statuses["/api/v1/monitoring/sensors/"] == 200
    _drf_only(monkeypatch)
    for url in LISTS:
        slow = client.get(url, **headers)
        assert statuses[url] == slow.status_code, (role, url)  # a page past the end: 404 both ways
        assert orjson.loads(fast[url]) == orjson.loads(slow.content), (role, url)
    # Real rows were compared, overdue ones and others, located and not.
    hazards = orjson.loads(fast["/api/v1/hazards/"])["results"]
    if role == "county_admin":
        assert len(hazards) == 50
        assert {h["overdue"] for h in hazards} == {True, False}
        assert any(h["closed_at"] for h in orjson.loads(fast["/api/v1/hazards/?open=false"])["results"])


def test_an_overdue_hazard_turns_overdue_in_the_list_the_day_after_its_deadline(client, monkeypatch):
    headers = _token("county_admin")
    hazard = HiddenHazard.objects.exclude(status="closed").order_by("-created_at", "-id").first()
    HiddenHazard.objects.filter(pk=hazard.pk).update(deadline=dt.date.today() + dt.timedelta(days=3))

    def shown():
        rows = client.get("/api/v1/hazards/?page_size=1000", **headers).json()["results"]
        return next(row["overdue"] for row in rows if row["id"] == hazard.pk)

    assert shown() is False
    HiddenHazard.objects.filter(pk=hazard.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    assert shown() is True


def test_a_list_page_is_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    headers = _token("county_admin")
    for url in ("/api/v1/hazards/?page_size=5", "/api/v1/hazards/?page_size=500", "/api/v1/monitoring/sensors/"):
        client.get(url, **headers)  # warm: the compiled serializer is made once per process
        # token, COUNT, the page's rows
        with django_assert_max_num_queries(3):
            assert client.get(url, **headers).status_code == 200


class _EnterprisePhones(ScopedSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "region", "principal", "principal_phone", "safety_manager_phone", "employees"]


@pytest.mark.parametrize(("role", "masked"), [("county_operator", False), ("viewer", True)])
def test_phones_are_masked_as_the_serializer_masks_them_for_the_role(role, masked):
    user = persona(role)
    request = Request(RequestFactory().get("/api/v1/enterprises/"))
    request.user = user
    context = {"request": request}
    rows = Enterprise.objects.restrict(user).exclude(principal_phone="").order_by("pk")[:40]
    assert rows, "the demo county has enterprises with phones"
    expected = orjson.loads(JSONRenderer().render(_EnterprisePhones(rows, many=True, context=context).data))
    compiled = fastlist.compile_serializer(_EnterprisePhones(context=context))
    values = Enterprise.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list(*compiled.columns)
    got = orjson.loads(fastlist.OrjsonRenderer().render(compiled.rows(values, user)))
    assert got == expected
    phones = [row["principal_phone"] for row in got]
    assert all("*" in phone for phone in phones) is masked
    assert any("*" in phone for phone in phones) is masked


def test_what_cannot_be_reproduced_from_columns_is_left_to_the_serializer():
    request = Request(RequestFactory().get("/"))
    request.user = persona("county_admin")
    # Nested events and photos: not columns of the row.
    with pytest.raises(fastlist.NotCompilable):
        fastlist.compile_serializer(HiddenHazardDetailSerializer(context={"request": request}))
    # A model property without a declared ValuesField.
    with pytest.raises(fastlist.NotCompilable):
        fastlist.compile_serializer(HiddenHazardSerializer(context={"request": request}))

    class Method(ScopedSerializer):
        shout = serializers.SerializerMethodField()

        class Meta:
            model = Enterprise
            fields = ["id", "shout"]

        def get_shout(self, obj) -> str:
            return obj.name.upper()

    with pytest.raises(fastlist.NotCompilable):
        fastlist.compile_serializer(Method(context={"request": request}))


class _PersonIds(ScopedSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "phone", "id_number"]


def test_full_id_numbers_are_left_to_the_serializer_which_audits_each_one_shown():
    """A full ID number shown is audited per object (core.masking.note_full_id_view): compiled rows would
    skip that, so they refuse it; a masked one is as the serializer masks it."""
    people = Person.objects.exclude(id_number="").order_by("pk")[:10]
    assert people
    for role, full in (("county_admin", True), ("viewer", False)):
        user = persona(role)
        request = Request(RequestFactory().get("/"))
        request.user = user
        compiled = fastlist.compile_serializer(_PersonIds(context={"request": request}))
        values = Person.objects.filter(pk__in=[p.pk for p in people]).order_by("pk").values_list(*compiled.columns)
        if full:
            with pytest.raises(fastlist.NotCompilable):
                compiled.rows(values, user)
            continue
        expected = _PersonIds(people, many=True, context={"request": request}).data
        assert compiled.rows(values, user) == [dict(row) for row in expected]
        assert all("*" in row["id_number"] for row in compiled.rows(values, user))


def test_list_pages_still_draw_the_region_drop_down_with_the_users_regions(client, tree):
    """The API no longer builds the drop-down (its choices are read when a page draws it): a page does."""
    from django.urls import reverse

    from anlan.core.kit import config_for
    from anlan.geo.models import Region

    client.force_login(persona("township_officer"))
    html = client.get(reverse(config_for(HiddenHazard).url_name("list"))).content.decode()
    select = html[html.index('name="region"') :]
    select = select[: select.index("</select>")]
    assert f'value="{tree.township.code}"' in select and tree.township.name in select
    assert f'value="{tree.other_township.code}"' not in select  # not another township's
    villages = Region.objects.filter(parent=tree.township)
    assert all(f'value="{v.code}"' in select for v in villages)
    # The API answers a region filter by the same scoped rules.
    headers = _token("township_officer")
    ours = client.get(f"/api/v1/hazards/?region={tree.township.code}", **headers)
    assert ours.status_code == 200 and ours.json()["count"] > 0


def test_the_hazard_list_count_is_kept_until_a_hazard_changes(client, django_assert_max_num_queries):
    """The page count of /api/v1/hazards/ is kept by the process (core.kept): the second request runs no COUNT,
    and a hazard reported through the service shows in the count at once."""
    from django.utils import timezone

    from anlan.core.kept import forget_kept
    from anlan.hazards.services import hazard_report

    forget_kept()
    headers = _token("county_operator")
    first = client.get("/api/v1/hazards/", **headers).json()["count"]
    with django_assert_max_num_queries(5) as captured:
        assert client.get("/api/v1/hazards/", **headers).json()["count"] == first
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    worker = persona("village_grid_worker")
    hazard = HiddenHazard(
        title="挡墙开裂",
        description="挡墙出现 2 米裂缝",
        level="general",
        region=worker.region,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    hazard_report(actor=worker, hazard=hazard)
    assert client.get("/api/v1/hazards/", **headers).json()["count"] == first + 1
