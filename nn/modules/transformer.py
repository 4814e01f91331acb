"""torch.nn.modules.transformer: the classes PyTorch defines there, at the same path (defined in
nn.layers.transformer)."""

from ..layers.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from ._home import make_home

__all__ = ["Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder",
           "TransformerEncoderLayer"]

make_home(__name__, [globals()[name] for name in __all__])
