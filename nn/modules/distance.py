"""torch.nn.modules.distance: the classes PyTorch defines there, at the same path (defined in
nn.layers.distance)."""

from ..layers.distance import CosineSimilarity, PairwiseDistance
from ._home import make_home

__all__ = ["CosineSimilarity", "PairwiseDistance"]

make_home(__name__, [globals()[name] for name in __all__])
