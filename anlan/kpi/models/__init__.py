"""Models of the kpi app, one module per part: indicators (核心指标 and their values, the yearly bases they are
divided by), tasks (重点任务分工: tasks, milestones, progress reports), assessment (考核: scheme, items, one sheet
per unit, scores with their evidence), duties (职责清单 and 工作清单)."""

from .assessment import *  # noqa: F403
from .duties import *  # noqa: F403
from .indicators import *  # noqa: F403
from .tasks import *  # noqa: F403
