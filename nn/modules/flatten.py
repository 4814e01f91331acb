"""torch.nn.modules.flatten: the classes PyTorch defines there, at the same path (defined in
nn.layers.linear)."""

from ..layers.linear import Flatten, Unflatten
from ._home import make_home

__all__ = ["Flatten", "Unflatten"]

make_home(__name__, [globals()[name] for name in __all__])
