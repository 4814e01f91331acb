"""torch.nn.modules.sparse: the classes PyTorch defines there, at the same path (defined in
nn.layers.embedding)."""

from ..layers.embedding import Embedding, EmbeddingBag
from ._home import make_home

__all__ = ["Embedding", "EmbeddingBag"]

make_home(__name__, [globals()[name] for name in __all__])
