"""Reductions over one, several or all dimensions, with keepdim (torch semantics)."""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from ._base import Op, norm_dims
from .shape import expand, reshape


def _kept_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def restore_reduced(grad: Tensor, in_shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back over the reduced axes."""
    if not keepdim:
        grad = reshape(grad, _kept_shape(in_shape, axes))
    return expand(grad, in_shape)


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.in_shape = x.data.shape
        ctx.axes = axes
        ctx.keepdim = keepdim
        return np.asarray(x.data.sum(axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        return restore_reduced(grad, ctx.in_shape, ctx.axes, ctx.keepdim), None, None, None


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or all) (torch.sum); bools and ints sum to int64."""
    axes = norm_dims(dim, input.data.ndim, "sum")
    if dtype is None and input.data.dtype.kind in "biu":
        dtype = dtypes.int64
    elif dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    return Sum.apply(input, axes, keepdim, dtype)


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape = x.data.shape
        ctx.axes = axes
        ctx.keepdim = keepdim
        shape = x.data.shape
        ctx.count = int(np.prod([shape[a] for a in axes])) if axes else 1
        return np.asarray(x.data.mean(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        g = restore_reduced(grad, ctx.in_shape, ctx.axes, ctx.keepdim)
        return g / ctx.count if ctx.count else g, None, None


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Arithmetic mean over ``dim`` (torch.mean); floating inputs only, as in torch."""
    if dtype is not None:
        input = input.to(dtype)
    if input.data.dtype.kind not in "fc":
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype}")
    axes = norm_dims(dim, input.data.ndim, "mean")
    return Mean.apply(input, axes, keepdim)


__all__ = ["sum", "mean"]

METHODS = {"sum": sum, "mean": mean}
