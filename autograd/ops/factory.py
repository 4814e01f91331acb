"""Tensor.new_* factories: new tensors with this tensor's dtype unless told otherwise.

torch's ``x.new_zeros(2, 3)``, ``x.new_full((2,), 5.0)``, ``x.new_tensor([1, 2])``: not ops (the
results are fresh leaves), bound onto Tensor through ``METHODS`` like the ops are.
"""

from __future__ import annotations

from .. import creation
from ..tensor import Tensor


def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Tensor.new_zeros: zeros of ``size`` with this tensor's dtype by default."""
    return creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Tensor.new_ones: ones of ``size`` with this tensor's dtype by default."""
    return creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Tensor.new_empty: an uninitialized tensor of ``size`` with this tensor's dtype by default."""
    return creation.empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_full(self: Tensor, size, fill_value, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """Tensor.new_full: ``fill_value`` everywhere, with this tensor's dtype by default."""
    return creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_tensor(self: Tensor, data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Tensor.new_tensor: a copy of ``data`` as a leaf with this tensor's dtype by default."""
    if isinstance(data, Tensor):
        data = data.detach()
    return creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


__all__: list[str] = []

METHODS = {
    "new_zeros": new_zeros,
    "new_ones": new_ones,
    "new_empty": new_empty,
    "new_full": new_full,
    "new_tensor": new_tensor,
}
