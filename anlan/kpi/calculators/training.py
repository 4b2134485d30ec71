"""Training rates (anlan/training): trainees of a category who completed the year's required hours / all active
trainees of that category in the county (training.selectors: units, required hours per category)."""

from anlan.kpi.computed import Figure, calculator, ratio
from anlan.training import selectors
from anlan.training.models import Audience


def _rate(county_code, start, end, categories, noun: str) -> Figure:
    done, total = selectors.overall(selectors.county_trainees(county_code), start, end, categories)
    figure = ratio(done, total)
    return Figure(figure.value, figure.numerator, figure.denominator, f"达到规定学时 {done} 人 / {noun} {total} 人")


@calculator(
    "training_rate_cadres",
    label="应急管理干部专业培训率",
    unit="%",
    formula="本期参训学时达到规定学时的领导干部/应急干部人数 ÷ 在岗领导干部/应急干部人数 × 100%",
)
def cadres(county_code, start, end) -> Figure:
    return _rate(county_code, start, end, [Audience.CADRE], "在岗干部")


@calculator(
    "training_rate_grid",
    label="网格员（信息员）培训率",
    unit="%",
    formula="本期参训学时达到规定学时的网格员/信息员人数 ÷ 在岗网格员/信息员人数 × 100%",
)
def grid(county_code, start, end) -> Figure:
    return _rate(county_code, start, end, [Audience.GRID], "在岗网格员")


@calculator(
    "training_rate_enterprise",
    label="企业主要负责人和安全管理人员培训率",
    unit="%",
    formula="本期再培训学时达到规定学时的企业主要负责人和安全管理人员人数 ÷ 在岗人数 × 100%",
)
def enterprise(county_code, start, end) -> Figure:
    return _rate(county_code, start, end, [Audience.PRINCIPAL, Audience.SAFETY], "在岗人员")


@calculator(
    "training_rate_rescue",
    label="救援队伍人员培训率",
    unit="%",
    formula="本期参训学时达到规定学时的救援队员人数 ÷ 在册救援队员人数 × 100%",
)
def rescue(county_code, start, end) -> Figure:
    return _rate(county_code, start, end, [Audience.RESCUE], "在册队员")
