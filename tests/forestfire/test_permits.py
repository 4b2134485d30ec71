"""野外用火审批: the approver by the §19.3 rule and the county's delegation, the time window, the 高火险期 rule
(refuse or escalate), the danger-level ceiling, and the flag on a fire inside an approved area."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.forestfire import rules, services
from anlan.forestfire.models import BurnPermit, DangerLevel, FireSeason, ForestFireSetting
from anlan.testing.personas import persona

from .helpers import permit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_demo_fire_rules():
    """The demo county's danger levels and periods would decide approvals by chance: each test sets its own."""
    DangerLevel.objects.all().delete()
    FireSeason.objects.all().delete()


def _high_period(tree, days=10):
    today = timezone.localdate()
    return FireSeason.objects.create(
        region=tree.county,
        kind=FireSeason.Kind.HIGH,
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=days),
    )


def test_the_county_approves_unless_it_delegates_and_blasting_goes_to_the_province(tree):
    worker = persona("village_grid_worker")
    p = services.permit_apply(actor=worker, permit=permit(tree.village))
    assert (p.approver_level, p.status) == (rules.COUNTY, BurnPermit.Status.PENDING)
    assert p.number.startswith(f"YH{tree.county.code[:6]}")
    assert p.region_id[:9] == tree.village.code[:9]
    assert AuditEntry.objects.filter(action="burn_permit_apply", object_id=str(p.pk)).exists()
    # A township may not approve a county-approved permit; the county may.
    with pytest.raises(DomainError):
        services.permit_decide(actor=persona("township_officer"), permit=p, action="approve")
    p = services.permit_decide(actor=persona("county_operator"), permit=p, action="approve", reason="同意")
    assert p.status == BurnPermit.Status.APPROVED and p.decided_by

    ForestFireSetting.objects.create(region=tree.county, township_approves=True)
    delegated = services.permit_apply(actor=worker, permit=permit(tree.village))
    assert delegated.approver_level == rules.TOWNSHIP
    services.permit_decide(actor=persona("township_officer"), permit=delegated, action="approve")
    assert BurnPermit.objects.get(pk=delegated.pk).status == BurnPermit.Status.APPROVED

    blasting = services.permit_apply(actor=worker, permit=permit(tree.village, purpose=BurnPermit.Purpose.BLASTING))
    assert (blasting.approver_level, blasting.status) == (rules.PROVINCE, BurnPermit.Status.ESCALATED)
    with pytest.raises(DomainError):
        services.permit_decide(actor=persona("county_operator"), permit=blasting, action="approve")


def test_a_refusal_needs_a_reason_and_a_window_must_be_sane(tree):
    county = persona("county_operator")
    p = services.permit_apply(actor=county, permit=permit(tree.village))
    with pytest.raises(DomainError) as refused:
        services.permit_decide(actor=county, permit=p, action="refuse", reason=" ")
    assert "理由" in refused.value.message
    services.permit_decide(actor=county, permit=p, action="refuse", reason="风力过大")
    assert BurnPermit.objects.get(pk=p.pk).reason == "风力过大"

    backwards = permit(tree.village)
    backwards.ends_at = backwards.starts_at - dt.timedelta(hours=1)
    with pytest.raises(Exception) as bad:
        services.permit_apply(actor=county, permit=backwards)
    assert "结束时间应晚于开始时间" in str(bad.value)
    with pytest.raises(DomainError):
        services.permit_apply(actor=county, permit=permit(tree.village, start_in_hours=-5))
    long = permit(tree.village, hours=24 * 8)
    with pytest.raises(Exception) as too_long:
        services.permit_apply(actor=county, permit=long)
    assert "7 天" in str(too_long.value)
    assert BurnPermit.objects.filter(applicant="李大山").count() == 1


def test_a_township_cannot_register_a_fire_in_another_township(tree):
    with pytest.raises(DomainError) as refused:
        services.permit_apply(actor=persona("other_township_officer"), permit=permit(tree.village))
    assert refused.value.code == "forestfire.place_outside"


def test_in_a_high_danger_period_a_permit_is_refused_by_default(tree):
    _high_period(tree)
    county = persona("county_operator")
    p = services.permit_apply(actor=county, permit=permit(tree.village))
    assert services.approval_obstacles(p)
    with pytest.raises(DomainError) as refused:
        services.permit_decide(actor=county, permit=p, action="approve")
    assert "高火险期" in refused.value.message
    assert BurnPermit.objects.get(pk=p.pk).status == BurnPermit.Status.PENDING


def test_with_the_escalate_rule_a_township_passes_a_high_period_permit_to_the_county(tree):
    _high_period(tree)
    ForestFireSetting.objects.create(
        region=tree.county, township_approves=True, high_period_rule=ForestFireSetting.HighPeriodRule.ESCALATE
    )
    township = persona("township_officer")
    p = services.permit_apply(actor=township, permit=permit(tree.village))
    assert services.needs_county(p)
    with pytest.raises(DomainError) as refused:
        services.permit_decide(actor=township, permit=p, action="approve")
    assert refused.value.code == "forestfire.needs_county"
    p = services.permit_decide(actor=township, permit=p, action="escalate", reason="高火险期，报县级")
    assert p.status == BurnPermit.Status.ESCALATED
    p = services.permit_decide(actor=persona("county_operator"), permit=p, action="approve", reason="严格看守")
    assert p.status == BurnPermit.Status.APPROVED


def test_a_danger_level_above_the_ceiling_blocks_approval(tree):
    county = persona("county_operator")
    p = services.permit_apply(actor=county, permit=permit(tree.village))
    DangerLevel.objects.create(region=tree.township, day=timezone.localdate(p.starts_at), level=4)
    with pytest.raises(DomainError) as refused:
        services.permit_decide(actor=county, permit=p, action="approve")
    assert "高于允许用火的 3 级" in refused.value.message


def test_a_fire_inside_an_active_permit_is_flagged_and_one_outside_is_not(tree):
    county = persona("county_operator")
    p = services.permit_apply(actor=county, permit=permit(tree.village, start_in_hours=0, radius_m=300))
    services.permit_decide(actor=county, permit=p, action="approve")
    now = timezone.now() + dt.timedelta(minutes=5)
    inside = services.permits_at(tree.village.center_lon + 0.001, tree.village.center_lat, now)
    assert [x.number for x in inside] == [p.number]
    assert services.permits_at(tree.village.center_lon + 0.01, tree.village.center_lat, now) == []
    assert services.permits_at(tree.village.center_lon, tree.village.center_lat, now + dt.timedelta(days=1)) == []
    assert services.in_permit_note(inside) == f"位于已批准用火范围内：许可证号 {p.number}"
