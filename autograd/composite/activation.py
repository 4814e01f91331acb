"""Activations composed from primitives that are also Tensor methods (torch.Tensor.hardshrink)."""

from __future__ import annotations

from ..ops.elementwise import where
from ..tensor import Tensor


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0 (torch.nn.functional.hardshrink)."""
    return where((input > lambd) | (input < -lambd), input, input * 0.0)


__all__ = ["hardshrink"]

METHODS = {"hardshrink": hardshrink}
