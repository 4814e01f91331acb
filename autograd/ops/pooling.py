"""Max pooling with indices: a running maximum over strided sub-grids (one slice per kernel offset).

The forward keeps, for every output, which kernel offset won; the gradient then moves through two
ops that are each other's adjoint: ``PoolGather`` (pick the winner of every window) and
``PoolScatter`` (send each output's gradient back to its winner, summing where windows overlap).
Ties go to the first offset in row-major order and NaN wins, as in torch's CPU kernel.
The array work is ``autograd.kernels.max_pool2d_forward`` / ``max_pool2d_backward`` (numpy
reference, compiled twin with the ``fast`` extra); each op also has a ``backward_array``.
"""

from __future__ import annotations

import numpy as np

from .. import grad_mode, kernels
from ..tensor import Tensor
from ._base import Op, const


class _Geometry:
    """Where every kernel offset of a 2-D pooling window reads from (input size, kernel, stride,
    padding, dilation and the output size)."""

    __slots__ = ("size", "kernel", "stride", "padding", "dilation", "out", "padded")

    def __init__(self, size, kernel, stride, padding, dilation, out) -> None:
        self.size, self.kernel, self.stride = size, kernel, stride
        self.padding, self.dilation, self.out = padding, dilation, out
        # the padded extent must hold the last window (ceil_mode may read past the padding)
        self.padded = tuple(
            max(n + 2 * p, (o - 1) * s + d * (k - 1) + 1)
            for n, p, o, s, d, k in zip(size, padding, out, stride, dilation, kernel))

    def offsets(self):
        """(flat offset, slice tuple into the padded input) for every kernel position."""
        (kh, kw), (sh, sw), (dh, dw), (oh, ow) = self.kernel, self.stride, self.dilation, self.out
        for i in range(kh):
            for j in range(kw):
                yield i * kw + j, (Ellipsis, slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
                                   slice(j * dw, j * dw + (ow - 1) * sw + 1, sw))

    def pad(self, x: np.ndarray, fill) -> np.ndarray:
        """``x`` placed in a buffer of the padded extent filled with ``fill`` (no copy if none)."""
        (ph, pw), (hp, wp) = self.padding, self.padded
        h, w = self.size
        if (ph, pw) == (0, 0) and (hp, wp) == (h, w):
            return x
        out = np.full(x.shape[:-2] + (hp, wp), fill, dtype=x.dtype)
        out[..., ph:ph + h, pw:pw + w] = x
        return out

    def crop(self, x: np.ndarray) -> np.ndarray:
        """The input-sized part of a padded-extent array."""
        (ph, pw), (h, w) = self.padding, self.size
        return x[..., ph:ph + h, pw:pw + w]


class PoolGather(Op):
    """out[..., a, b] = x at the winning offset of window (a, b); the adjoint of PoolScatter."""

    @staticmethod
    def forward(ctx, x, winner, geometry):
        ctx.winner, ctx.geometry = winner, geometry
        return _gather(x._data, winner, geometry)

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.STATE.enabled:
            return const(PoolGather.backward_array(ctx, grad._data)[0]), None, None
        return PoolScatter.apply(grad, ctx.winner, ctx.geometry), None, None

    @staticmethod
    def backward_array(ctx, grad):
        return _scatter(grad, ctx.winner, ctx.geometry), None, None


def _gather(x: np.ndarray, winner: np.ndarray, geometry) -> np.ndarray:
    xp = geometry.pad(x, 0)
    out = np.zeros(winner.shape, dtype=x.dtype)
    for k, window in geometry.offsets():
        np.copyto(out, xp[window], where=winner == k)
    return out


def _scatter(grad: np.ndarray, winner: np.ndarray, geometry) -> np.ndarray:
    out = kernels.max_pool2d_backward(grad, winner, geometry.kernel, geometry.stride,
                                      geometry.dilation, geometry.padded)
    return np.ascontiguousarray(geometry.crop(out))


class PoolScatter(Op):
    """Each window's gradient added at its winning input position; the adjoint of PoolGather."""

    @staticmethod
    def forward(ctx, grad, winner, geometry):
        ctx.winner, ctx.geometry = winner, geometry
        return _scatter(grad._data, winner, geometry)

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.STATE.enabled:
            return const(PoolScatter.backward_array(ctx, grad._data)[0]), None, None
        return PoolGather.apply(grad, ctx.winner, ctx.geometry), None, None

    @staticmethod
    def backward_array(ctx, grad):
        return _gather(grad, ctx.winner, ctx.geometry), None, None


def _first_inside(geometry) -> np.ndarray:
    """Per output position, the first kernel offset inside the unpadded input (the winner of a
    window without any value above -inf)."""
    kw = geometry.kernel[1]
    (oh, ow), (sh, sw), (ph, pw), (dh, dw) = (geometry.out, geometry.stride,
                                              geometry.padding, geometry.dilation)
    first_row = np.maximum(0, -((np.arange(oh) * sh - ph) // dh))
    first_col = np.maximum(0, -((np.arange(ow) * sw - pw) // dw))
    return (first_row[:, None] * kw + first_col[None, :]).astype(np.int16)


class MaxPool2D(Op):
    """Max over every (dilated, strided, -inf padded) window of the last two dims, optionally
    with the flat H*W index of each maximum (torch.nn.functional.max_pool2d_with_indices)."""

    @staticmethod
    def forward(ctx, x, geometry, with_indices):
        xp = geometry.pad(x._data, -np.inf)
        values, winner = kernels.max_pool2d_forward(xp, geometry.kernel, geometry.stride,
                                                    geometry.dilation, geometry.out,
                                                    _first_inside(geometry))
        ctx.winner, ctx.geometry = winner, geometry
        if not with_indices:
            return values
        ctx.set_materialize_grads(False)
        kw, width = geometry.kernel[1], geometry.size[1]
        (oh, ow), (sh, sw), (ph, pw), (dh, dw) = (geometry.out, geometry.stride, geometry.padding,
                                                  geometry.dilation)
        corner = (np.arange(oh) * sh - ph)[:, None] * width + (np.arange(ow) * sw - pw)
        step = (np.arange(geometry.kernel[0])[:, None] * dh * width
                + np.arange(kw) * dw).ravel()
        indices = corner + step[winner]
        ctx.mark_non_differentiable(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        if grad is None:
            return None, None, None
        if not grad_mode.STATE.enabled:
            return const(MaxPool2D.backward_array(ctx, grad._data)[0]), None, None
        return PoolScatter.apply(grad, ctx.winner, ctx.geometry), None, None

    @staticmethod
    def backward_array(ctx, grad, grad_indices=None):
        if grad is None:
            return None, None, None
        return _scatter(grad, ctx.winner, ctx.geometry), None, None

    def _free_extra(self) -> None:
        self.winner = None


def _pair(value, name: str, op: str, n: int) -> tuple:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(items) == 1:
        items = items * n
    if len(items) != n or not all(isinstance(v, (int, np.integer)) for v in items):
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return tuple(int(v) for v in items)


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int,
                     ceil_mode: bool) -> int:
    """torch's pooling output length: the last window must start inside the input or left pad."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _max_pool(input: Tensor, kernel_size, stride, padding, dilation, ceil_mode, dims: int,
              with_indices: bool):
    op = f"max_pool{dims}d"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor as input, got {type(input).__name__}")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"{op}: expected a {dims + 1}-D (unbatched) or {dims + 2}-D (batched) input, got "
            f"shape {tuple(input.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: not implemented for dtype {input.dtype}")
    kernel = _pair(kernel_size, "kernel_size", op, dims)
    stride = kernel if stride is None or stride == [] or stride == () else \
        _pair(stride, "stride", op, dims)
    padding = _pair(padding, "padding", op, dims)
    dilation = _pair(dilation, "dilation", op, dims)
    if min(kernel) <= 0 or min(stride) <= 0 or min(dilation) <= 0:
        raise RuntimeError(f"{op}: kernel_size, stride and dilation must be greater than zero, got "
                           f"kernel_size={kernel}, stride={stride}, dilation={dilation}")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"{op}: pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}")
    spatial = input.shape[-dims:]
    out = tuple(pool_output_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    if min(out) < 1 or min(spatial) < 1:
        raise RuntimeError(
            f"{op}: given input size {tuple(input.shape)}, the calculated output size "
            f"{out} is too small (kernel_size={kernel}, stride={stride}, padding={padding}, "
            f"dilation={dilation})")
    lead = input.shape[:-dims]
    x = input.reshape((-1,) + (1,) * (2 - dims) + spatial)
    if dims == 1:
        kernel, stride, padding, dilation, out = ((1,) + kernel, (1,) + stride, (0,) + padding,
                                                  (1,) + dilation, (1,) + out)
    geometry = _Geometry(tuple(x.shape[-2:]), kernel, stride, padding, dilation, out)
    shape = lead + out[-dims:]
    if not with_indices:
        return MaxPool2D.apply(x, geometry, False).reshape(shape)
    values, indices = MaxPool2D.apply(x, geometry, True)
    return values.reshape(shape), indices.reshape(shape)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False) -> tuple:
    """2-D max pooling over (N, C, H, W) or (C, H, W), returning values and flat H*W indices
    (torch.nn.functional.max_pool2d_with_indices)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2, True)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False) -> tuple:
    """1-D max pooling over (N, C, L) or (C, L), with indices (torch.max_pool1d_with_indices)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1, True)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """2-D max pooling (torch.max_pool2d)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2, False)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """1-D max pooling (torch.max_pool1d)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1, False)


__all__ = ["max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices"]

METHODS = {}
