"""The alarm engine on its own: levels, hysteresis, sliding windows, rates."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from anlan.monitoring import engine

T = [(0, 10.0), (1, 20.0), (2, 30.0), (3, 40.0)]  # blue 10, yellow 20, orange 30, red 40


def test_levels_above_and_below():
    assert engine.levels_of(np.array([5, 10, 25, 45.0]), T, True).tolist() == [0, 1, 2, 4]
    low = [(1, 2.0), (3, 1.0)]  # yellow at 2 m, red at 1 m (a falling reservoir)
    assert engine.levels_of(np.array([3, 2, 1.5, 0.5]), low, False).tolist() == [0, 2, 2, 4]


def test_open_raise_close_with_hysteresis():
    values = np.array([5, 12, 11, 33, 25, 9.8, 9.4, 12.0])
    levels = engine.levels_of(values, T, True)
    clear = engine.cleared(values, T, True, 0.5)  # clears below 9.5
    steps, final = engine.run(levels, clear, 0)
    assert [(s.index, s.action, s.level) for s in steps] == [
        (1, "open", 1),
        (3, "raise", 3),
        (6, "close", 0),
        (7, "open", 1),
    ]
    assert final == 1


def test_a_flapping_sensor_opens_one_alarm():
    values = np.array([9.9, 10.1] * 500)
    steps, _ = engine.run(engine.levels_of(values, T, True), engine.cleared(values, T, True, 0.5), 0)
    assert [s.action for s in steps] == ["open"]


@given(st.lists(st.floats(min_value=-50, max_value=100), min_size=1, max_size=200))
def test_steps_alternate_and_never_lower_a_level(values):
    arr = np.array(values)
    steps, _ = engine.run(engine.levels_of(arr, T, True), engine.cleared(arr, T, True, 0.5), 0)
    level = 0
    for step in steps:
        if step.action == "open":
            assert level == 0 and step.level > 0
        elif step.action == "raise":
            assert 0 < level < step.level
        else:
            assert level > 0 and arr[step.index] < 9.5
        level = step.level


def test_window_sums_and_rates():
    t = np.array([0, 600, 1200, 3600, 4200.0])
    v = np.array([1, 2, 3, 4, 5.0])
    assert engine.window_sums(t, v, 3600).tolist() == [1, 3, 6, 9, 12]  # (t−1h, t]
    rates = engine.window_rates(t, np.array([0, 1, 2, 6, 7.0]), 3600)
    assert np.isnan(rates[0]) and rates[1] == 6.0 and rates[3] == 6.0
