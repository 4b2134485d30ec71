"""Models of the disasters app, one module per part (statistics, registers, relief, transfers)."""

from .registers import *  # noqa: F403
from .relief import *  # noqa: F403
from .statistics import *  # noqa: F403
from .transfer import *  # noqa: F403
