"""torch.nn.modules.batchnorm: the classes PyTorch defines there, at the same path (defined in
nn.layers.lazy, nn.layers.normalization, nn.layers.wrappers)."""

from ..layers.lazy import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d
from ..layers.normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm, _NormBase
from ..layers.wrappers import SyncBatchNorm
from ._home import make_home

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
           "LazyBatchNorm3d", "SyncBatchNorm", "_BatchNorm", "_NormBase"]

make_home(__name__, [globals()[name] for name in __all__])
