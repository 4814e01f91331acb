"""Rounding: floor, ceil, trunc/fix, round (with decimals) have zero gradient, as in torch; frac
(x - trunc(x)) passes the gradient through. Integer tensors round to themselves."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._base import Op, const
from ._support import inplace, not_implemented, write_out


class Rounding(Op):
    """A step function applied elementwise: the gradient is zero everywhere."""

    _abstract = True

    @staticmethod
    def kernel(data: np.ndarray, decimals: int) -> np.ndarray:
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x, decimals=0):
        ctx.in_shape, ctx.in_dtype = x._data.shape, x._data.dtype
        if x._data.dtype.kind != "f":
            return x._data.copy()
        with np.errstate(over="ignore", invalid="ignore"):
            return cls.kernel(x._data, decimals)

    @staticmethod
    def backward(ctx, grad):
        return const(np.zeros(ctx.in_shape, ctx.in_dtype)), None


class Floor(Rounding):
    """floor(x) (torch.floor)."""

    kernel = staticmethod(lambda data, decimals: np.floor(data))


class Ceil(Rounding):
    """ceil(x) (torch.ceil)."""

    kernel = staticmethod(lambda data, decimals: np.ceil(data))


class Trunc(Rounding):
    """x rounded toward zero (torch.trunc)."""

    kernel = staticmethod(lambda data, decimals: np.trunc(data))


class Round(Rounding):
    """Half to even, like torch; ``decimals`` scales by 10**decimals first."""

    kernel = staticmethod(lambda data, decimals: np.round(data, decimals))


class Frac(Op):
    """x - trunc(x) (torch.frac); gradient 1."""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):  # inf - inf: NaN, like torch
            return x._data - np.trunc(x._data)

    @staticmethod
    def backward(ctx, grad):
        return grad


def _not_bool(op: str, input: Tensor) -> Tensor:
    if input.dtype.kind == "b":
        raise not_implemented(f"{op}_vml_cpu", input.dtype)
    return input


def floor(input: Tensor, *, out=None) -> Tensor:
    """Largest integer <= x; zero gradient (torch.floor)."""
    return write_out(Floor.apply(_not_bool("floor", input)), out, "floor")


def ceil(input: Tensor, *, out=None) -> Tensor:
    """Smallest integer >= x; zero gradient (torch.ceil)."""
    return write_out(Ceil.apply(_not_bool("ceil", input)), out, "ceil")


def trunc(input: Tensor, *, out=None) -> Tensor:
    """x rounded toward zero; zero gradient (torch.trunc)."""
    return write_out(Trunc.apply(_not_bool("trunc", input)), out, "trunc")


def fix(input: Tensor, *, out=None) -> Tensor:
    """Alias of trunc (torch.fix)."""
    return trunc(input, out=out)


def round(input: Tensor, *, decimals: int = 0, out=None) -> Tensor:
    """x rounded half to even, to ``decimals`` places; zero gradient (torch.round)."""
    if decimals != 0 and input.dtype.kind != "f":
        raise not_implemented("round_cpu", input.dtype)
    return write_out(Round.apply(_not_bool("round", input), int(decimals)), out, "round")


def frac(input: Tensor, *, out=None) -> Tensor:
    """x - trunc(x), the fractional part with x's sign; gradient 1 (torch.frac)."""
    if input.dtype.kind != "f":
        raise not_implemented("frac_cpu", input.dtype)
    return write_out(Frac.apply(input), out, "frac")


__all__ = ["floor", "ceil", "trunc", "fix", "round", "frac"]

METHODS = {name: globals()[name] for name in __all__}
for _name in __all__:
    METHODS[_name + "_"] = inplace(globals()[_name], _name + "_")
