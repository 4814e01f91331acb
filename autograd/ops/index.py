"""Indexing: __getitem__ (basic and advanced) and __setitem__, each with its adjoint."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._base import Op, const


def _convert_index(idx, op: str = "index"):
    """Turn a torch-style index (ints, slices, None, Ellipsis, tensors, lists) into numpy's."""
    if isinstance(idx, tuple):
        return tuple(_convert_one(i, op) for i in idx)
    return _convert_one(idx, op)


def _convert_one(i, op):
    if isinstance(i, Tensor):
        a = i.data
        if a.dtype.kind not in "biu":
            raise IndexError(f"{op}: tensors used as indices must be long, int, byte or bool "
                             f"tensors (got {i.dtype})")
        return a
    if isinstance(i, (list,)):
        a = np.asarray(i)
        if a.dtype.kind not in "biu" and a.size:
            raise IndexError(f"{op}: lists used as indices must hold integers or bools")
        return a.astype(np.int64) if a.size == 0 else a
    return i


def _is_advanced(idx) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(i, np.ndarray) for i in items)


def _check_bounds(shape, idx, op):
    items = idx if isinstance(idx, tuple) else (idx,)
    dim = 0
    n_specified = sum(1 for i in items if i is not None and i is not Ellipsis and not (
        isinstance(i, np.ndarray) and i.dtype.kind == "b"))
    n_specified += sum(i.ndim for i in items if isinstance(i, np.ndarray) and i.dtype.kind == "b")
    if n_specified > len(shape):
        raise IndexError(f"{op}: too many indices for tensor of dimension {len(shape)}")
    for i in items:
        if i is Ellipsis:
            dim = len(shape) - (n_specified - dim)
            continue
        if i is None:
            continue
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            if not -shape[dim] <= i < shape[dim]:
                raise IndexError(f"{op}: index {i} is out of bounds for dimension {dim} with size "
                                 f"{shape[dim]}")
        elif isinstance(i, np.ndarray) and i.dtype.kind in "iu" and i.size:
            if i.max() >= shape[dim] or i.min() < -shape[dim]:
                raise IndexError(f"{op}: index {int(i.max() if i.max() >= shape[dim] else i.min())}"
                                 f" is out of bounds for dimension {dim} with size {shape[dim]}")
        dim += i.ndim if isinstance(i, np.ndarray) and i.dtype.kind == "b" else 1


class GetItem(Op):
    @staticmethod
    def forward(ctx, x, idx):
        ctx.in_shape = x.data.shape
        ctx.idx = idx
        out = x.data[idx]
        return out if isinstance(out, np.ndarray) else np.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        return IndexScatter.apply(grad, ctx.idx, ctx.in_shape), None


class IndexScatter(Op):
    """Place ``grad`` at ``idx`` in zeros of ``shape`` (summing repeats): GetItem's adjoint."""

    @staticmethod
    def forward(ctx, g, idx, shape):
        ctx.idx = idx
        out = np.zeros(shape, dtype=g.data.dtype)
        if _is_advanced(idx):
            np.add.at(out, idx, g.data)
        else:
            out[idx] = g.data
        return out

    @staticmethod
    def backward(ctx, grad):
        return GetItem.apply(grad, ctx.idx), None, None


def getitem(input: Tensor, idx) -> Tensor:
    """input[idx] with torch's indexing rules (torch.Tensor.__getitem__)."""
    idx = _convert_index(idx, "index")
    _check_bounds(input.data.shape, idx, "index")
    return GetItem.apply(input, idx)


class IndexPut(Op):
    """out = x with out[idx] = v (the differentiable form of x[idx] = v)."""

    @staticmethod
    def forward(ctx, x, v, idx):
        ctx.idx = idx
        ctx.v_shape = v.data.shape
        out = x.data.copy()
        out[idx] = v.data
        return out

    @staticmethod
    def backward(ctx, grad):
        gx = gv = None
        if ctx.needs_input_grad[0]:
            zero = const(np.zeros((), grad.dtype))
            gx = IndexPut.apply(grad, zero, ctx.idx)
        if ctx.needs_input_grad[1]:
            from .shape import sum_to_shape
            gv = sum_to_shape(GetItem.apply(grad, ctx.idx), ctx.v_shape)
        return gx, gv, None


def setitem(self: Tensor, idx, value) -> None:
    """self[idx] = value; differentiable when self is a non-leaf or value requires grad."""
    idx = _convert_index(idx, "index_put")
    _check_bounds(self.data.shape, idx, "index_put")
    v = value if isinstance(value, Tensor) else const(np.asarray(value, dtype=self.dtype))
    if v.dtype != self.dtype:
        v = v.to(self.dtype)
    target = self.data[idx].shape
    while v.ndim > len(target) and v.shape[0] == 1:
        v = v.reshape(v.shape[1:])  # torch drops leading size-1 dims of the value
    try:
        fits = np.broadcast_shapes(target, v.shape) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"index_put: shape mismatch: value tensor of shape {tuple(v.shape)} "
                           f"cannot be broadcast to indexing result of shape {tuple(target)}")
    self._check_inplace("index_put_")
    from .. import grad_mode

    if grad_mode.STATE.enabled and (self.requires_grad or v.requires_grad):
        from .elementwise import _alias
        result = IndexPut.apply(_alias(self), v, idx)
        self._assign(result, "index_put_")
        return
    if not self.data.flags.writeable:
        self.data = self.data.copy()
    self.data[idx] = v.data
    self._version += 1


__all__ = []

METHODS = {"__getitem__": getitem, "__setitem__": setitem}
