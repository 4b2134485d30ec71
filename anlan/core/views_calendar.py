"""节假日与调休: the county administrator enters the year's public holidays and 调休 working weekends once a
year (by hand or by importing the State Council's arrangement from Excel); every statutory working-day clock
reads them through core.workdays (penalty cases, disaster 核报)."""

from .kit import ModelConfig, register
from .models import CalendarDay

register(
    ModelConfig(
        model=CalendarDay,
        list_columns=["date", "kind", "name"],
        form_fields=["date", "kind", "name"],
        import_fields=["date", "kind", "name"],
        search_fields=["name"],
        sortable=["date", "kind"],
        menu_group="系统",
        menu_label="节假日与调休",
        menu_order=92,
        icon="▦",
    )
)
