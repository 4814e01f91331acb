"""torch.nn.modules.linear: the classes PyTorch defines there, at the same path (defined in
nn.layers.attention, nn.layers.linear)."""

from ..layers.attention import NonDynamicallyQuantizableLinear
from ..layers.linear import Bilinear, Identity, LazyLinear, Linear
from ._home import make_home

__all__ = ["Bilinear", "Identity", "LazyLinear", "Linear", "NonDynamicallyQuantizableLinear"]

make_home(__name__, [globals()[name] for name in __all__])
