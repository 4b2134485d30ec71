"""The pure 双随机 algorithm (anlan/enforcement/draw.py): determinism from (seed, pools), the constraints,
balanced load, clear refusals, and the documented hand computation."""

import hashlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from anlan.enforcement import draw
from anlan.enforcement.draw import DrawRefused, Pools


def _pools(n_enterprises=10, n_inspectors=6, conflicts=()):
    return Pools.of(range(1, n_enterprises + 1), [f"u{i}" for i in range(n_inspectors)], conflicts)


@st.composite
def cases(draw_):
    enterprises = draw_(st.lists(st.integers(1, 10_000), min_size=1, max_size=40, unique=True))
    inspectors = draw_(
        st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=2, max_size=12, unique=True)
    )
    conflicts = draw_(
        st.lists(st.tuples(st.sampled_from(inspectors), st.sampled_from(enterprises)), max_size=30, unique=True)
    )
    count = draw_(st.integers(1, len(enterprises)))
    per_object = draw_(st.integers(2, len(inspectors)))
    seed = draw_(st.text(min_size=1, max_size=64))
    return enterprises, inspectors, conflicts, count, per_object, seed


@given(cases())
def test_any_pools_and_seed_give_a_reproducible_draw_within_the_constraints(case):
    enterprises, inspectors, conflicts, count, per_object, seed = case
    pools = Pools.of(enterprises, inspectors, conflicts)
    try:
        result = draw.run(seed, pools, count, per_object)
    except DrawRefused as refused:
        # Only when some drawn enterprise really lacks enough conflict-free inspectors.
        assert refused.enterprise is not None
        blocked = {u for u, e in conflicts if e == refused.enterprise}
        assert len(set(inspectors) - blocked) < per_object
        return
    # The same draw from the same seed and the same pools listed in any other order.
    shuffled = Pools.of(reversed(enterprises), reversed(inspectors), reversed(conflicts))
    assert draw.run(seed, shuffled, count, per_object) == result
    assert draw.run(seed, Pools.from_json(pools.as_json()), count, per_object) == result
    assert [o.position for o in result] == list(range(1, count + 1))
    assert len({o.enterprise for o in result}) == count and {o.enterprise for o in result} <= set(enterprises)
    conflicted = set(conflicts)
    for o in result:
        assert len(set(o.inspectors)) == per_object and set(o.inspectors) <= set(inspectors)
        assert not any((u, o.enterprise) in conflicted for u in o.inspectors)
    assert draw.same_result(result, [(o.position, o.enterprise, reversed(o.inspectors)) for o in result])


@given(cases())
def test_without_conflicts_the_load_differs_by_at_most_one(case):
    enterprises, inspectors, _conflicts, count, per_object, seed = case
    result = draw.run(seed, Pools.of(enterprises, inspectors, ()), count, per_object)
    load = dict.fromkeys(inspectors, 0)
    for o in result:
        for u in o.inspectors:
            load[u] += 1
    assert max(load.values()) - min(load.values()) <= 1


@given(st.text(min_size=1, max_size=64), st.text(min_size=1, max_size=64))
def test_another_seed_usually_draws_otherwise(a, b):
    assume(a != b)
    pools = _pools(60, 10)
    first, second = draw.run(a, pools, 10, 2), draw.run(b, pools, 10, 2)
    # 60 choose 10 orders: two seeds agreeing on every object would be a broken hash.
    assert first != second


def test_the_documented_hand_computation():
    """docs/enforcement.md: sort by SHA-256 hex of "seed|enterprise|id", then per object by
    (load, SHA-256 of "seed|inspector|position|enterprise|username")."""
    seed, pools = "2026-一季度", _pools(5, 4)

    def sha(text):
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    order = sorted(pools.enterprises, key=lambda e: sha(f"{seed}|enterprise|{e}"))[:2]
    result = draw.run(seed, pools, 2, 2)
    assert [o.enterprise for o in result] == order
    first = sorted(pools.inspectors, key=lambda u: sha(f"{seed}|inspector|1|{order[0]}|{u}"))[:2]
    assert list(result[0].inspectors) == first
    # The second object takes the two not yet used (load 0 before load 1).
    rest = sorted(set(pools.inspectors) - set(first), key=lambda u: sha(f"{seed}|inspector|2|{order[1]}|{u}"))
    assert list(result[1].inspectors) == rest


def test_conflicted_inspectors_are_never_drawn_for_that_enterprise():
    conflicts = [("u0", e) for e in range(1, 11)] + [("u1", e) for e in range(1, 11)]
    for seed in ("a", "b", "c", "d"):
        for o in draw.run(seed, _pools(10, 4, conflicts), 10, 2):
            assert set(o.inspectors) == {"u2", "u3"}


@pytest.mark.parametrize(
    ("count", "per_object", "field", "text"),
    [
        (3, 1, "inspectors_per_object", "不得少于两人"),
        (11, 2, "count", "只有 10 家企业"),
        (0, 2, "count", "至少为 1"),
        (3, 7, "inspectors_per_object", "只有 6 名"),
    ],
)
def test_refusals_name_the_field(count, per_object, field, text):
    with pytest.raises(DrawRefused) as refused:
        draw.run("s", _pools(), count, per_object)
    assert refused.value.field == field and text in refused.value.message


def test_an_enterprise_without_a_free_pair_is_named():
    conflicts = [(f"u{i}", 3) for i in range(5)]
    with pytest.raises(DrawRefused) as refused:
        draw.run("s", _pools(3, 6, conflicts), 3, 2)
    assert refused.value.enterprise == 3 and "编号 3" in refused.value.message


@pytest.mark.parametrize("seed", ["", "x" * 65])
def test_a_seed_is_one_to_sixty_four_characters(seed):
    with pytest.raises(DrawRefused) as refused:
        draw.run(seed, _pools(), 1, 2)
    assert refused.value.field == "seed"


def test_pools_keep_only_conflicts_inside_them():
    pools = Pools.of([2, 1, 2], ["b", "a"], [("a", 1), ("a", 9), ("z", 1), ("a", 1)])
    assert pools.as_json() == {"enterprises": [1, 2], "inspectors": ["a", "b"], "conflicts": [["a", 1]]}
