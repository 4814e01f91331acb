"""torch.nn.modules.fold: the classes PyTorch defines there, at the same path (defined in
nn.layers.conv)."""

from ..layers.conv import Fold, Unfold
from ._home import make_home

__all__ = ["Fold", "Unfold"]

make_home(__name__, [globals()[name] for name in __all__])
