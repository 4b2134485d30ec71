"""Models of the enforcement app, one module per part (see each module's docstring)."""

from .campaigns import *  # noqa: F403
from .cases import *  # noqa: F403
from .credit import *  # noqa: F403
from .documents import *  # noqa: F403
from .draws import *  # noqa: F403
from .inspections import *  # noqa: F403
from .inspectors import *  # noqa: F403
from .supervision import *  # noqa: F403
