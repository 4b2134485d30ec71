"""Chart data in the one shape `static/anlan/chart.js` draws (ECharts, served by Anlan).

The apps' selectors and statistics aggregate in SQL and hand their figures to these builders; pages embed
the result with `json_script` (no inline script, so the CSP holds) and the big screen receives it from its
data endpoint. The browser only draws: names, rounding and units are decided here, on the server, so a
chart and the table or list beside it say the same thing.

    {"type": "bar" | "line" | "hbar", "unit": "次", "unit2": "%"?, "categories": [...],
     "series": [{"name": "红色", "data": [...], "colour": "#e02020", "stack": "level", "type": "line"?, "axis": 1?}],
     "empty": "没有数据时显示的话"}
"""

from collections.abc import Iterable, Mapping

__all__ = ["LEVELS", "LEVEL_COLOURS", "LEVEL_NAMES", "chart", "level_series", "series"]

# The four warning colours, in rising order, as every page of Anlan draws them.
LEVELS = ("blue", "yellow", "orange", "red")
LEVEL_COLOURS = {"blue": "#2f7fd8", "yellow": "#f5d000", "orange": "#f28c28", "red": "#e02020"}
LEVEL_NAMES = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}


def series(
    name: str, data: list, *, colour: str | None = None, stack: str | None = None, type: str = "", axis: int = 0
) -> dict:
    """One series; `type` overrides the chart's own ("line" over bars), `axis` 1 puts it on the second value
    axis (a rate beside counts). A value may be {"value": n, "colour": "#…"} to colour one bar."""
    out: dict = {"name": name, "data": list(data)}
    if axis:
        out["axis"] = axis
    if colour:
        out["colour"] = colour
    if stack:
        out["stack"] = stack
    if type:
        out["type"] = type
    return out


def chart(
    type: str,
    categories: Iterable,
    series_list: list[dict],
    *,
    unit: str = "",
    unit2: str = "",
    empty: str = "暂无数据",
    all_labels: bool = False,
) -> dict:
    """`all_labels`: name every category (slanted) rather than skip those that would overlap — for names
    (townships), not for dates."""
    out = {"type": type, "unit": unit, "categories": list(categories), "series": series_list, "empty": empty}
    if unit2:
        out["unit2"] = unit2
    if all_labels:
        out["all_labels"] = True
    return out


def level_series(counts: Mapping[tuple, int], categories: list, *, stack: str = "level") -> list[dict]:
    """A stacked series per warning colour from {(category, level): n}, zeros where nothing was counted."""
    return [
        series(
            LEVEL_NAMES[level],
            [counts.get((category, level), 0) for category in categories],
            colour=LEVEL_COLOURS[level],
            stack=stack,
        )
        for level in LEVELS
    ]
