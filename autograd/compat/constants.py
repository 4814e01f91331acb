"""Module-level numbers torch scripts read: torch.inf, torch.nan, torch.pi, torch.e, __version__."""

import math

__version__ = "0.1.0"

inf = math.inf
nan = math.nan
pi = math.pi
e = math.e
