"""torch.nn.modules.normalization: the classes PyTorch defines there, at the same path (defined in
nn.layers.normalization)."""

from ..layers.normalization import GroupNorm, LayerNorm, LocalResponseNorm, RMSNorm
from ._home import make_home

__all__ = ["GroupNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm"]

make_home(__name__, [globals()[name] for name in __all__])
