"""避险转移到户到人: activations opened by warnings, incidents and by hand; marks, scope, rates, shelters."""

import pytest

from anlan.alerts import hooks
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.models import AuditEntry
from anlan.disasters import transfer
from anlan.disasters.models import TransferActivation, TransferMark
from anlan.resources.services import shelter_occupancy
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning

from .transfer_helpers import make_shelter, make_site

pytestmark = pytest.mark.django_db

State = TransferMark.State


@pytest.fixture
def site(tree):
    return make_site(tree.village)


@pytest.fixture
def activation(site):
    activation, _ = transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    return activation


def households(site):
    return list(site.households.order_by("head_name"))


def test_a_warning_over_the_village_opens_the_site_list_once_and_an_update_joins_it(tree, site):
    warning = issue_warning(tree, regions=[tree.village])
    activation = TransferActivation.objects.get(site=site, status="open")
    assert (activation.source, activation.warning) == ("warning", warning)
    assert "山洪红色预警" in activation.reason
    assert AuditEntry.objects.filter(action="transfer_open", object_id=str(activation.pk)).exists()
    issue_warning(tree, regions=[tree.village], headline="山洪红色预警（更新）")
    assert TransferActivation.objects.filter(site=site).count() == 1  # one open list per site


def test_a_warning_elsewhere_or_a_site_without_households_opens_nothing(tree, site):
    empty = make_site(tree.village, code="TEST-TR-2", households=())
    issue_warning(tree, regions=[tree.other_village])
    assert not TransferActivation.objects.filter(site=site).exists()
    issue_warning(tree, regions=[tree.village])
    assert not TransferActivation.objects.filter(site=empty).exists()


def test_a_failing_hook_does_not_stop_the_warning(tree, site):
    def broken(warning, codes, actor):
        raise RuntimeError("boom")

    hooks.register_on_issue("zz-broken", broken)
    try:
        warning = issue_warning(tree, regions=[tree.village])
    finally:
        hooks._ON_ISSUE.pop("zz-broken")
    warning.refresh_from_db()
    assert warning.status == "issued"
    assert TransferActivation.objects.filter(site=site, warning=warning).exists()


def test_marks_make_the_latest_state_and_the_rate(site, activation):
    worker = persona("village_grid_worker")
    a, b, c = households(site)  # 3, 4 and 2 people
    rate = transfer.activation_rates([activation])[activation.pk]
    assert (rate.due_people, rate.transferred_people, rate.pending_households, rate.rate) == (9, 0, 3, 0)
    transfer.mark(
        actor=worker,
        activation=activation,
        household=a,
        state=State.TRANSFERRED,
        lon=a.region.center_lon,
        lat=a.region.center_lat,
    )
    transfer.mark(actor=worker, activation=activation, household=b, state=State.REFUSED)
    rate = transfer.activation_rates([activation])[activation.pk]
    assert (rate.transferred_people, rate.due_people, rate.percent) == (3, 9, "33%")
    assert rate.refused_households == 1
    transfer.mark(actor=worker, activation=activation, household=c, state=State.AWAY)  # nobody home: not due
    transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED)
    rate = transfer.activation_rates([activation])[activation.pk]
    assert (rate.transferred_people, rate.due_people, rate.complete) == (7, 7, True)
    transfer.mark(actor=worker, activation=activation, household=a, state=State.RETURNED)  # back at risk
    rate = transfer.activation_rates([activation])[activation.pk]
    assert (rate.transferred_people, rate.returned_households, rate.complete) == (4, 1, False)
    last = TransferMark.objects.filter(household=b).first()
    assert (last.state, last.by_name) == ("transferred", worker.username)
    assert AuditEntry.objects.filter(action="transfer_mark", object_id=str(a.pk)).count() == 2


def test_a_village_worker_marks_only_his_households(tree, site, activation):
    other = make_site(tree.other_village, code="TEST-TR-3", guardian=None)
    other_activation, _ = transfer.open_activation(actor=persona("county_operator"), site=other, source="manual")
    worker = persona("village_grid_worker")
    stranger = households(other)[0]
    with pytest.raises(NotAllowed):
        transfer.mark(actor=worker, activation=other_activation, household=stranger, state=State.TRANSFERRED)
    assert not TransferMark.objects.filter(household=stranger).exists()
    assert list(transfer.my_activations(worker)) == [activation]
    # Named 包保责任人 of a household of another village, he may mark that one.
    stranger.guardian = worker
    stranger.save()
    transfer.mark(actor=worker, activation=other_activation, household=stranger, state=State.TRANSFERRED)
    # Township staff of another township may not; viewers and enterprises mark nothing.
    for name in ("other_township_officer", "viewer", "enterprise_user"):
        with pytest.raises(NotAllowed):
            transfer.mark(actor=persona(name), activation=activation, household=households(site)[0], state="refused")


def test_bad_input_is_refused_and_nothing_written(tree, site, activation):
    worker = persona("village_grid_worker")
    a = households(site)[0]
    for kwargs, code in [
        ({"state": "gone"}, "transfer.bad_state"),
        ({"state": State.TRANSFERRED, "lon": 0.0, "lat": 0.0}, "transfer.bad_position"),
        ({"state": State.TRANSFERRED, "lon": 150.0, "lat": 10.0}, "transfer.bad_position"),
        ({"state": State.REFUSED, "note": "x" * 201}, "transfer.note_too_long"),
    ]:
        with pytest.raises(DomainError) as exc:
            transfer.mark(actor=worker, activation=activation, household=a, **kwargs)
        assert exc.value.code == code
    other_site = make_site(tree.village, code="TEST-TR-4")
    with pytest.raises(DomainError) as exc:
        transfer.mark(actor=worker, activation=activation, household=households(other_site)[0], state="refused")
    assert exc.value.code == "transfer.other_site"
    transfer.close_activation(actor=persona("township_officer"), activation=activation)
    with pytest.raises(DomainError) as exc:
        transfer.mark(actor=worker, activation=activation, household=a, state="refused")
    assert exc.value.code == "transfer.closed"
    assert not TransferMark.objects.filter(household__site__in=[site, other_site]).exists()


def test_transferred_households_check_in_whole_and_never_over_capacity(tree, site, activation):
    worker = persona("village_grid_worker")
    a, b, c = households(site)  # 3, 4, 2 people
    shelter = make_shelter(tree.village, area_m2=12)  # 8 places
    transfer.mark(actor=worker, activation=activation, household=a, state=State.TRANSFERRED, shelter=shelter)
    transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED, shelter=shelter)
    assert shelter_occupancy(shelter) == 7
    with pytest.raises(DomainError) as exc:  # 2 more than the 1 place left
        transfer.mark(actor=worker, activation=activation, household=c, state=State.TRANSFERRED, shelter=shelter)
    assert exc.value.code == "shelter.over_capacity"
    assert not TransferMark.objects.filter(household=c).exists()  # the refused check-in wrote no mark
    mark = TransferMark.objects.filter(household=a).first()
    assert (mark.shelter_check.people, mark.shelter_check.household, mark.shelter_check.kind) == (3, "户主1户", "in")
    with pytest.raises(DomainError) as exc:  # the same household twice
        transfer.check_in(actor=worker, activation=activation, household=a, shelter=shelter)
    assert exc.value.code == "transfer.already_checked_in"
    transfer.mark(actor=worker, activation=activation, household=a, state=State.RETURNED)  # checks out again
    assert shelter_occupancy(shelter) == 4
    transfer.mark(actor=worker, activation=activation, household=c, state=State.TRANSFERRED, shelter=shelter)
    assert shelter_occupancy(shelter) == 6


def test_only_township_and_county_open_and_close(site):
    with pytest.raises(NotAllowed):
        transfer.close_activation(
            actor=persona("village_grid_worker"),
            activation=transfer.open_activation(actor=persona("county_operator"), site=site, source="manual")[0],
        )
    assert not transfer.may_open(persona("village_grid_worker"))
    assert transfer.may_open(persona("township_officer"))


def test_the_workbench_counts(tree, site, activation):
    worker, township = persona("village_grid_worker"), persona("township_officer")
    assert transfer.my_pending_households(worker) == 3
    assert activation in transfer.incomplete_open_activations(township)
    assert activation not in transfer.incomplete_open_activations(persona("other_township_officer"))
    for h in households(site):
        transfer.mark(actor=worker, activation=activation, household=h, state=State.TRANSFERRED)
    assert transfer.my_pending_households(worker) == 0
    assert activation not in transfer.incomplete_open_activations(township)


def test_leaving_the_shelter_any_way_frees_its_places_and_a_move_checks_out_first(tree, site, activation):
    worker = persona("village_grid_worker")
    a, b, _ = households(site)  # 3, 4 people
    shelter = make_shelter(tree.village, area_m2=15)  # 10 places
    school = make_shelter(tree.village, area_m2=15, name="测试学校")
    for leaving in (State.AWAY, State.REFUSED, State.RETURNED):
        transfer.mark(actor=worker, activation=activation, household=a, state=State.TRANSFERRED, shelter=shelter)
        assert shelter_occupancy(shelter) == 3
        transfer.mark(actor=worker, activation=activation, household=a, state=State.TRANSFERRED)  # a second tap
        assert shelter_occupancy(shelter) == 3
        transfer.mark(actor=worker, activation=activation, household=a, state=leaving)
        assert shelter_occupancy(shelter) == 0, leaving  # not counted twice on the next check-in
        assert transfer.open_check_in(a) is None
    transfer.mark(actor=worker, activation=activation, household=a, state=State.TRANSFERRED)  # with relatives
    assert transfer.open_check_in(a) is None
    transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED, shelter=shelter)
    transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED, shelter=school)
    assert (shelter_occupancy(shelter), shelter_occupancy(school)) == (0, 4)
    assert transfer.open_check_in(b).shelter == school
    full = make_shelter(tree.village, area_m2=3, name="小点")  # 2 places: the move is refused, b stays
    with pytest.raises(DomainError):
        transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED, shelter=full)
    assert (shelter_occupancy(school), shelter_occupancy(full)) == (4, 0)


def test_closing_the_list_checks_out_every_family_still_in_a_shelter(tree, site, activation):
    worker = persona("village_grid_worker")
    a, b, c = households(site)  # 3, 4, 2 people
    shelter = make_shelter(tree.village, area_m2=15)
    transfer.mark(actor=worker, activation=activation, household=a, state=State.TRANSFERRED, shelter=shelter)
    transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED, shelter=shelter)
    transfer.mark(actor=worker, activation=activation, household=b, state=State.TRANSFERRED)
    transfer.mark(actor=worker, activation=activation, household=c, state=State.TRANSFERRED, shelter=shelter)
    transfer.mark(actor=worker, activation=activation, household=c, state=State.RETURNED)
    assert shelter_occupancy(shelter) == 7
    closed = transfer.close_activation(actor=persona("township_officer"), activation=activation)
    assert shelter_occupancy(shelter) == 0
    assert sorted(h.head_name for _, h in closed.checked_out) == ["户主1", "户主2"]
    entry = AuditEntry.objects.filter(action="transfer_close").latest("pk")
    assert (entry.after["checked_out_households"], entry.after["checked_out_people"]) == (2, 7)
    # The rate at closing stays: the marks keep their 已转移 state.
    assert transfer.activation_rates([closed])[closed.pk].transferred_people == 7
    again, _ = transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    transfer.mark(actor=worker, activation=again, household=a, state=State.TRANSFERRED, shelter=shelter)
    assert shelter_occupancy(shelter) == 3
