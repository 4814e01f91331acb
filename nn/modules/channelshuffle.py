"""torch.nn.modules.channelshuffle: the classes PyTorch defines there, at the same path (defined in
nn.layers.wrappers)."""

from ..layers.wrappers import ChannelShuffle
from ._home import make_home

__all__ = ["ChannelShuffle"]

make_home(__name__, [globals()[name] for name in __all__])
