"""Padding layers (torch.nn.ZeroPad*, ConstantPad*, ReflectionPad*, ReplicationPad*,
CircularPad* for 1, 2 and 3 spatial dims): each holds its padding and calls F.pad."""

from __future__ import annotations

from autograd import Tensor

from .. import functional as F
from ..module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _expand(padding, dims: int, name: str) -> tuple:
    """An int pads every side; a tuple gives (left, right, top, bottom, front, back)."""
    if isinstance(padding, int):
        return (padding,) * (2 * dims)
    padding = tuple(padding)
    if len(padding) != 2 * dims or not all(isinstance(p, int) for p in padding):
        raise ValueError(f"{name}: padding must be an int or a tuple of {2 * dims} ints, got "
                         f"{padding!r}")
    return padding


class _PadNd(Module):
    mode = "constant"
    dims = 1

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _expand(padding, self.dims, type(self).__name__)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dimension with zeros (torch.nn.ZeroPad1d)."""

    dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 dimensions with zeros (torch.nn.ZeroPad2d)."""

    dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 dimensions with zeros (torch.nn.ZeroPad3d)."""

    dims = 3


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with a constant value (torch.nn.ConstantPad1d)."""

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dimensions with a constant value (torch.nn.ConstantPad2d)."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dimensions with a constant value (torch.nn.ConstantPad3d)."""

    dims = 3


class ReflectionPad1d(_PadNd):
    """Pad the last dimension by reflecting the input at its edges (torch.nn.ReflectionPad1d)."""

    dims = 1
    mode = "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last 2 dimensions by reflecting the input at its edges (torch.nn.ReflectionPad2d)."""

    dims = 2
    mode = "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last 3 dimensions by reflecting the input at its edges (torch.nn.ReflectionPad3d)."""

    dims = 3
    mode = "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last dimension by repeating the edge values (torch.nn.ReplicationPad1d)."""

    dims = 1
    mode = "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last 2 dimensions by repeating the edge values (torch.nn.ReplicationPad2d)."""

    dims = 2
    mode = "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last 3 dimensions by repeating the edge values (torch.nn.ReplicationPad3d)."""

    dims = 3
    mode = "replicate"


class CircularPad1d(_PadNd):
    """Pad the last dimension by wrapping the input around (torch.nn.CircularPad1d)."""

    dims = 1
    mode = "circular"


class CircularPad2d(_PadNd):
    """Pad the last 2 dimensions by wrapping the input around (torch.nn.CircularPad2d)."""

    dims = 2
    mode = "circular"


class CircularPad3d(_PadNd):
    """Pad the last 3 dimensions by wrapping the input around (torch.nn.CircularPad3d)."""

    dims = 3
    mode = "circular"
