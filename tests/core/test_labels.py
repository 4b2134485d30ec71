"""Codes kept in history are named in Chinese (core.labels), and Django's own messages read as Chinese."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from anlan.core.labels import action_label, object_type_label, region_label, snapshot_rows
from anlan.core.workflow import Transition, Workflow


def test_a_workflow_names_its_steps_for_history_and_audit_rows():
    Workflow("drill", {"planned": "已计划", "done": "已完成"}, [Transition("finish", "完成演练", {"planned"}, "done")])
    assert action_label("drill_finish") == "完成演练"


def test_every_audit_action_the_platform_writes_has_a_name():
    # Generic writes, an app's own steps, workflow rows and codes built from choices (stock_<movement kind>).
    named = ["create", "update", "delete", "export", "hazard_report", "hazard_assign", "alarm_open", "alarm_raise"]
    named += ["warning_issue", "incident_create", "order_report", "stock_receive", "stock_write_off"]
    named += ["shelter_check_in", "risk_assess", "patrol_check_in", "assign_duty_roles", "login_failed"]
    assert [code for code in named if action_label(code) == code] == []
    assert action_label("stock_receive") == "物资入库"


def test_object_types_are_named_by_their_models():
    assert object_type_label("supplies.movement") == "出入库记录"
    assert object_type_label("nothing.here") == "nothing.here"


@pytest.mark.django_db
def test_region_codes_read_as_names_a_village_with_its_township(tree):
    assert region_label(tree.township.code) == tree.township.name
    assert region_label(tree.village.code) == f"{tree.township.name} {tree.village.name}"
    assert region_label("500237999999") == "500237999999"  # no region has it (any more): the code is all there is
    assert region_label("") == ""


@pytest.mark.django_db
def test_audit_snapshots_read_as_field_names_labels_names_and_local_times(tree):
    rows = snapshot_rows(
        "hazards.hiddenhazard",
        {"status": "reported", "region": tree.township.code, "created_at": "2026-06-01T08:58:00+00:00"},
        {"status": "rectifying", "region": tree.township.code, "created_at": "2026-06-01T08:58:00+00:00"},
    )
    assert rows[0] == ("状态", "已上报", "整改中")
    assert rows[1][1] == tree.township.name
    assert rows[2] == ("创建时间", "2026-06-01 16:58:00", "2026-06-01 16:58:00")


def test_decimal_limits_are_told_in_plain_chinese():
    field = forms.DecimalField(max_digits=12, decimal_places=2)
    with translation.override("zh-hans"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(Decimal("12345678901.25"))
        # The message is lazy: read it while Chinese is active. Read after the block, it took whatever language
        # the worker's thread had last (a test client request with Accept-Language: en left "en"), which is why
        # this check failed now and then in CI.
        messages = refused.value.messages
    assert messages == ["最多 12 位数字"]


def test_times_in_record_names_are_local():
    from anlan.monitoring.models import Reading

    reading = Reading(sensor_id=1, ts=dt.datetime(2026, 6, 1, 8, 58, tzinfo=dt.UTC), value=1.5)
    assert "2026-06-01 16:58:00" in str(reading)


@pytest.mark.django_db
def test_excel_exports_write_local_times(client, tree):
    """A major hazard source graded at 08:58 UTC reads 16:58 in the exported workbook (cells carry no zone)."""
    import io

    import openpyxl

    from anlan.risk.models import MajorHazardSource
    from anlan.testing.personas import persona

    MajorHazardSource.objects.update(graded_at=dt.datetime(2026, 6, 1, 8, 58, tzinfo=dt.UTC))
    client.force_login(persona("county_admin"))
    response = client.get("/risk/majorhazardsource/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert dt.datetime(2026, 6, 1, 16, 58) in cells
    assert dt.datetime(2026, 6, 1, 8, 58) not in cells
