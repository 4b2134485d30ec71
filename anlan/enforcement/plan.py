"""The 年度监督检查计划 as arithmetic (pure: no database).

Planned inspections of a department in a sector group for the year = the sum of the yearly caps of the
classes of the enterprises it supervises (安全生产法 Art. 62(2): the plan follows 分类分级监督管理; a cap is
the most a class may be inspected, so the sum is what the department may plan).

Spreading over the months. A year total T over the months first..12 (n months): the running total after
the k-th month is C(k) = round(T·k/n) (half up, ⌊(2Tk + n) / 2n⌋) and the month gets C(k) − C(k−1). The
months' sum telescopes to C(n) − C(0) = T − 0 exactly, every month gets ⌊T/n⌋ or ⌈T/n⌉, and the extra ones
fall evenly through the year (T = 6 over 12 months: Jan, Mar … Nov; T = 1: June) rather than all in January
or all in December.

The random share (双随机抽查占比, default 70 %, standards.md §11.4 "不低于") of a total is rounded up, so the
shown minimum is never below the share.
"""

from collections import defaultdict
from collections.abc import Iterable

MONTHS = tuple(range(1, 13))


def spread(total: int, first_month: int = 1) -> dict[int, int]:
    """`total` over the months first_month..12 by cumulative rounding; the values sum to `total`."""
    if total < 0:
        raise ValueError("total must not be negative")
    if not 1 <= first_month <= 12:
        raise ValueError("first_month must be 1–12")
    months = list(range(first_month, 13))
    n = len(months)

    def running(k: int) -> int:
        return (2 * total * k + n) // (2 * n)

    return {month: running(k) - running(k - 1) for k, month in enumerate(months, start=1)}


def year_totals(caps: Iterable[tuple[object, str, int]]) -> dict[tuple[object, str], int]:
    """Sum of caps per (department, sector group) from (department, sector group, cap) rows, one per
    enterprise."""
    totals: dict[tuple[object, str], int] = defaultdict(int)
    for department, group, cap in caps:
        totals[(department, group)] += cap
    return dict(totals)


def lines(totals: dict[tuple[object, str], int], first_month: int = 1) -> dict[tuple[object, str, int], int]:
    """Planned count per (department, sector group, month); months with 0 are left out."""
    out = {}
    for (department, group), total in totals.items():
        for month, n in spread(total, first_month).items():
            if n:
                out[(department, group, month)] = n
    return out


def random_minimum(total: int, share_percent: int) -> int:
    """At least `share_percent` % of `total` by random draw (rounded up)."""
    return -(-total * share_percent // 100)


def percent(done: int, planned: int) -> str:
    """ "45%" (whole percent, rounded half up), "—" when nothing is planned."""
    if planned <= 0:
        return "—"
    return f"{(done * 200 + planned) // (planned * 2)}%"


__all__ = ["MONTHS", "lines", "percent", "random_minimum", "spread", "year_totals"]
