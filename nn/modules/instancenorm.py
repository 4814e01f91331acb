"""torch.nn.modules.instancenorm: the classes PyTorch defines there, at the same path (defined in
nn.layers.lazy, nn.layers.normalization)."""

from ..layers.lazy import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d
from ..layers.normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm
from ._home import make_home

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d", "_InstanceNorm"]

make_home(__name__, [globals()[name] for name in __all__])
