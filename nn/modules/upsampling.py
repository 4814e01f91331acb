"""torch.nn.modules.upsampling: the classes PyTorch defines there, at the same path (defined in
nn.layers.upsample)."""

from ..layers.upsample import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from ._home import make_home

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]

make_home(__name__, [globals()[name] for name in __all__])
