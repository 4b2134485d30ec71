"""Template tags for a process page's sections (the stats helper's page includes them):

{% load disaster_registers %}
{% include "disasters/_completeness.html" %}   {# needs `process` #}
{% include "disasters/_charts.html" %}         {# needs `process` #}
"""

from django import template

from .. import completeness
from ..charts import process_charts

register = template.Library()


@register.simple_tag
def materials_notice(process) -> str:
    """ "核报材料不全：…" while the registers or photos are short of the 核报's needs, else ""."""
    return completeness.notice(process)


@register.simple_tag
def disaster_charts(process) -> list:
    return process_charts(process)
