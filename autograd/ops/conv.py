"""Sliding windows for convolution and pooling: unfold (im2col) and fold (col2im).

``unfold`` copies every kernel-sized window of a (N, C, H, W) input into a column of a
(N, C*kh*kw, L) matrix; ``fold`` sums such columns back into an image. They are linear and each is
the other's adjoint, so each is the other's backward and conv, conv-transpose and pooling built on
them get first and higher-order gradients from these two primitives alone.

The 1-D forms (``unfold1d`` / ``fold1d``) treat a (N, C, L) input as an image of height 1; the
3-D forms (``unfold3d`` / ``fold3d``) run the same two ops on (N, C, D, H, W) volumes (the window
geometry is written for any number of spatial dimensions).
A convolution is ``weight.reshape(O, -1) @ unfold(x, k)`` -> (N, O, L): measured faster here than
a (N, L, C*kh*kw) row layout, so no second layout is provided.

The copies themselves are ``autograd.kernels.im2col`` / ``col2im`` (col2im has a compiled twin).
Each op's Tensor ``backward`` (the other op, so higher orders come free) and its
``backward_array`` (the other kernel) sit side by side.
"""

from __future__ import annotations

import math

import numpy as np

from .. import grad_mode, kernels
from ..tensor import Tensor
from ._base import Op, const


class Geometry:
    """Kernel, dilation, padding and stride of a 2-D or 3-D sliding window, plus the image
    size; every field is a tuple with one entry per spatial dimension."""

    __slots__ = ("kernel", "dilation", "padding", "stride", "size", "blocks")

    def __init__(self, kernel, dilation, padding, stride, size, blocks) -> None:
        self.kernel, self.dilation, self.padding, self.stride = kernel, dilation, padding, stride
        self.size, self.blocks = size, blocks

    @property
    def ndim(self) -> int:
        """Number of spatial dimensions."""
        return len(self.kernel)


def _unfold_array(x: np.ndarray, g: Geometry) -> np.ndarray:
    return kernels.im2col(x, g.kernel, g.dilation, g.padding, g.stride)


def _fold_array(cols: np.ndarray, g: Geometry) -> np.ndarray:
    return kernels.col2im(cols, g.size, g.kernel, g.dilation, g.padding, g.stride)


class Unfold(Op):
    """(N, C, *size) -> (N, C*prod(kernel), L); backward is Fold."""

    @staticmethod
    def forward(ctx, x, geometry):
        ctx.geometry = geometry
        return _unfold_array(x._data, geometry)

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.STATE.enabled:
            return const(Unfold.backward_array(ctx, grad._data)[0]), None
        return Fold.apply(grad, ctx.geometry), None

    @staticmethod
    def backward_array(ctx, grad):
        return _fold_array(grad, ctx.geometry), None


class Fold(Op):
    """(N, C*prod(kernel), L) -> (N, C, *size), summing overlaps; backward is Unfold."""

    @staticmethod
    def forward(ctx, cols, geometry):
        ctx.geometry = geometry
        return _fold_array(cols._data, geometry)

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.STATE.enabled:
            return const(Fold.backward_array(ctx, grad._data)[0]), None
        return Unfold.apply(grad, ctx.geometry), None

    @staticmethod
    def backward_array(ctx, grad):
        return _unfold_array(grad, ctx.geometry), None


# ---------------------------------------------------------------- argument checking
def _pair(value, name: str, op: str, n: int = 2) -> tuple:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        items = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got "
                        f"{value!r}") from None
    if len(items) != n:
        raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return items


_AXES = {2: ("height", "width"), 3: ("depth", "height", "width")}


def _check_positive(values: tuple, name: str, what: str, op: str, allow_zero=False) -> None:
    bad = any(v < 0 for v in values) if allow_zero else any(v <= 0 for v in values)
    if bad:
        qualifier = "non-negative" if allow_zero else "greater than zero"
        got = " ".join(f"{name}_{axis}: {v}" for axis, v in zip(_AXES[len(values)], values))
        raise RuntimeError(f"{op}: {what} should be {qualifier}, but got {got}")


def _geometry(op: str, size, kernel_size, dilation, padding, stride) -> Geometry:
    n = len(size)
    kernel = _pair(kernel_size, "kernel_size", op, n)
    dil = _pair(dilation, "dilation", op, n)
    pad = _pair(padding, "padding", op, n)
    st = _pair(stride, "stride", op, n)
    _check_positive(kernel, "kernel", "kernel size", op)
    _check_positive(dil, "dilation", "dilation", op)
    _check_positive(pad, "pad", "padding", op, allow_zero=True)
    _check_positive(st, "stride", "stride", op)
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, k, d, p, s in zip(size, kernel, dil, pad, st))
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"{op}: given input with spatial size {tuple(size)}, kernel_size={kernel}, "
            f"dilation={dil}, padding={pad}, calculated shape of the array of sliding blocks as "
            f"{blocks}, but its components must be at least one (the kernel is larger than the "
            f"padded input)")
    return Geometry(kernel, dil, pad, st, tuple(size), blocks)


def _check_tensor(input, op: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")


def _batched(input: Tensor, ndim: int, op: str, layout: str) -> tuple:
    """The input with a batch dimension, and whether one was added (unbatched input)."""
    _check_tensor(input, op)
    if input.ndim == ndim:
        return input, False
    if input.ndim == ndim - 1:
        return input.unsqueeze(0), True
    raise RuntimeError(f"{op}: expected {ndim - 1}D (unbatched) or {ndim}D (batched) input "
                       f"{layout}, but got input of shape {tuple(input.shape)}")


# ---------------------------------------------------------------- public functions
def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding blocks: (N, C, H, W) -> (N, C*kh*kw, L) (torch.nn.functional.unfold).

    A 3-D (C, H, W) input is treated as unbatched and gives (C*kh*kw, L).
    """
    x, unbatched = _batched(input, 4, "unfold", "(N, C, H, W)")
    g = _geometry("unfold", x.shape[2:], kernel_size, dilation, padding, stride)
    out = Unfold.apply(x, g)
    return out.squeeze(0) if unbatched else out


def _fold_geometry(op: str, rows: int, blocks: int, output_size, kernel_size, dilation, padding,
                   stride, n: int = 2) -> Geometry:
    size = _pair(output_size, "output_size", op, n)
    g = _geometry(op, size, kernel_size, dilation, padding, stride)
    if rows % math.prod(g.kernel):
        raise RuntimeError(
            f"{op}: expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={rows} and kernel_size={g.kernel}")
    if blocks != math.prod(g.blocks):
        product = " * ".join(str(b) for b in g.blocks)
        raise RuntimeError(
            f"{op}: given output_size={size}, kernel_size={g.kernel}, dilation={g.dilation}, "
            f"padding={g.padding}, stride={g.stride}, expected size of input's dimension 2 to "
            f"match the calculated number of sliding blocks {product} = "
            f"{math.prod(g.blocks)}, but got input.size(2)={blocks}.")
    return g


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum sliding blocks into an image: (N, C*kh*kw, L) -> (N, C, H, W), the adjoint of unfold
    (torch.nn.functional.fold). A 2-D (C*kh*kw, L) input gives (C, H, W)."""
    cols, unbatched = _batched(input, 3, "fold", "(N, C*kh*kw, L)")
    g = _fold_geometry("fold", cols.shape[1], cols.shape[2], output_size, kernel_size, dilation,
                       padding, stride)
    out = Fold.apply(cols, g)
    return out.squeeze(0) if unbatched else out


def _single(value, name: str, op: str) -> tuple:
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{op}: {name} must be an int or a tuple of 1 int, got {value!r}")
        value = value[0]
    return (1, int(value)) if name != "padding" else (0, int(value))


def unfold1d(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """1-D sliding blocks: (N, C, L_in) -> (N, C*k, L_out); a (C, L_in) input is unbatched.
    The building block of Conv1d and 1-D pooling (no single torch function)."""
    x, unbatched = _batched(input, 3, "unfold1d", "(N, C, L)")
    args = [_single(v, n, "unfold1d") for v, n in
            ((kernel_size, "kernel_size"), (dilation, "dilation"), (padding, "padding"),
             (stride, "stride"))]
    g = _geometry("unfold1d", (1,) + x.shape[2:], *args)
    out = Unfold.apply(x.unsqueeze(2), g)
    return out.squeeze(0) if unbatched else out


def fold1d(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum 1-D blocks into a sequence: (N, C*k, L_out) -> (N, C, output_size), the adjoint of
    unfold1d; a 2-D input is unbatched."""
    cols, unbatched = _batched(input, 3, "fold1d", "(N, C*k, L)")
    size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    args = [_single(v, n, "fold1d") for v, n in
            ((kernel_size, "kernel_size"), (dilation, "dilation"), (padding, "padding"),
             (stride, "stride"))]
    g = _fold_geometry("fold1d", cols.shape[1], cols.shape[2], (1, int(size)), *args)
    out = Fold.apply(cols, g).squeeze(2)
    return out.squeeze(0) if unbatched else out


def unfold3d(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """3-D sliding blocks: (N, C, D, H, W) -> (N, C*kd*kh*kw, L); a (C, D, H, W) input is
    unbatched. The building block of Conv3d and 3-D pooling (torch has no public equivalent;
    it is the volumetric form of torch.nn.functional.unfold)."""
    x, unbatched = _batched(input, 5, "unfold3d", "(N, C, D, H, W)")
    g = _geometry("unfold3d", x.shape[2:], kernel_size, dilation, padding, stride)
    out = Unfold.apply(x, g)
    return out.squeeze(0) if unbatched else out


def fold3d(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum 3-D blocks into a volume: (N, C*kd*kh*kw, L) -> (N, C, D, H, W), the adjoint of
    unfold3d (volumetric form of torch.nn.functional.fold); a 2-D input is unbatched."""
    cols, unbatched = _batched(input, 3, "fold3d", "(N, C*kd*kh*kw, L)")
    g = _fold_geometry("fold3d", cols.shape[1], cols.shape[2], output_size, kernel_size,
                       dilation, padding, stride, 3)
    out = Fold.apply(cols, g)
    return out.squeeze(0) if unbatched else out


__all__ = []

METHODS = {}
