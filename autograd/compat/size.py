"""torch.Size: a tuple of dimension sizes that prints as ``autograd.Size([2, 3])``."""

from __future__ import annotations

import math


class Size(tuple):
    """torch.Size: the shape of a tensor, a tuple of ints with ``numel()``."""

    __slots__ = ()

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        return math.prod(self)

    def __repr__(self) -> str:
        return f"autograd.Size({list(self)})"

    __str__ = __repr__

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))
