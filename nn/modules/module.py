"""torch.nn.modules.module: the classes PyTorch defines there, at the same path (defined in
nn.module)."""

from ..module import Module, _IncompatibleKeys
from ._home import make_home

__all__ = ["Module", "_IncompatibleKeys"]

make_home(__name__, [globals()[name] for name in __all__])
