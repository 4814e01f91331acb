"""torch.nn.modules.dropout: the classes PyTorch defines there, at the same path (defined in
nn.layers.dropout)."""

from ..layers.dropout import (
    AlphaDropout,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
    _DropoutNd,
)
from ._home import make_home

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout",
           "_DropoutNd"]

make_home(__name__, [globals()[name] for name in __all__])
