"""torch.nn.modules.pixelshuffle: the classes PyTorch defines there, at the same path (defined in
nn.layers.upsample)."""

from ..layers.upsample import PixelShuffle, PixelUnshuffle
from ._home import make_home

__all__ = ["PixelShuffle", "PixelUnshuffle"]

make_home(__name__, [globals()[name] for name in __all__])
