"""torch.nn.modules.container: the classes PyTorch defines there, at the same path (defined in
nn.containers)."""

from ..containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from ._home import make_home

__all__ = ["ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential"]

make_home(__name__, [globals()[name] for name in __all__])
