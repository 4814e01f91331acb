"""Numerical functions composed from the primitive ops (torch.diff, gradient, cov, corrcoef,
trapezoid, renorm, ...): written in Tensor ops, so their gradients come from the
primitives."""

from __future__ import annotations

import builtins
import itertools
import math

import numpy as np

from ..ops._base import binary_operands, const, float_operand, norm_dim, to_tensor
from ..ops._support import inplace
from ..ops.reduce import vector_norm
from ..ops.shape import cat, sum_to_shape
from ..tensor import Tensor


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The n-th forward difference along ``dim`` (torch.diff); bool tensors use xor."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    axis = norm_dim(dim, input.dim(), "diff")
    parts = [to_tensor(p) for p in (prepend, input, append) if p is not None]
    for p in parts:
        if p.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    x = cat(parts, axis) if len(parts) > 1 else input
    for _ in builtins.range(n):
        length = x.shape[axis]
        if length == 0:
            break
        head, tail = x.narrow(axis, 1, length - 1), x.narrow(axis, 0, length - 1)
        x = head.logical_xor(tail) if x.dtype.kind == "b" else head - tail
    return x


def _as_2d(input: Tensor, op: str) -> Tensor:
    if input.dim() > 2:
        raise RuntimeError(f"{op}(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    return input.reshape(1, -1) if input.dim() < 2 else input


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """Covariance of the rows (variables) over the columns (observations) (torch.cov)."""
    x = float_operand(_as_2d(input, "cov"))
    observations = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.dim() > 1 or fweights.shape[0] != observations:
            raise RuntimeError(f"cov(): expected fweights to have one dimension of size "
                               f"{observations} but got shape {tuple(fweights.shape)}")
        if fweights.dtype.kind not in "iu":
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got "
                               f"fweights with {fweights.dtype} dtype")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1 or aweights.shape[0] != observations:
            raise RuntimeError(f"cov(): expected aweights to have one dimension of size "
                               f"{observations} but got shape {tuple(aweights.shape)}")
        if aweights.dtype.kind != "f":
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got "
                               f"aweights with {aweights.dtype} dtype")
        w = aweights if w is None else w * aweights
    if w is None:
        mean = x.mean(1, keepdim=True)
        norm = builtins.float(observations - correction)
        centered = x - mean
        c = centered @ centered.T
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        mean = (x * w).sum(1, keepdim=True) / w_sum
        if aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights.to(x.dtype)).sum() / w_sum
        centered = x - mean
        c = (centered * w) @ centered.T
    if isinstance(norm, Tensor):
        norm = norm.clamp_min(0)
    else:
        norm = builtins.max(norm, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = c / norm
    return c.squeeze()


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows (torch.corrcoef)."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    return c.clamp(-1, 1)


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last dims: shape a.shape[:-1] + b.shape[:-1] (torch.inner)."""
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input.shape)} and {list(other.shape)}")
    k = input.shape[-1]
    flat = input.reshape(-1, k) @ other.reshape(-1, k).T
    return flat.reshape(*input.shape[:-1], *other.shape[:-1])


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other`` (torch.dist)."""
    return vector_norm(input - other, p)


def _spacing(y: Tensor, x: Tensor | None, dx, axis: int, op: str):
    if x is None:
        return 1.0 if dx is None else dx
    x = to_tensor(x)
    if x.dim() == 1:
        if x.shape[0] != y.shape[axis]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[axis] = x.shape[0]
        x = x.reshape(shape)
        return diff(x, dim=axis)
    return diff(x, dim=axis - y.dim() if x.dim() == y.dim() else -1)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
              dim: int = -1) -> Tensor:
    """Integral of ``y`` along ``dim`` by the trapezoidal rule (torch.trapezoid)."""
    y = float_operand(y)
    axis = norm_dim(dim, y.dim(), "trapezoid")
    n = y.shape[axis]
    if n == 0:
        return y.sum(axis)
    pairs = y.narrow(axis, 1, n - 1) + y.narrow(axis, 0, n - 1)
    return (pairs * _spacing(y, x, dx, axis, "trapezoid")).sum(axis) / 2


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
          dim: int = -1) -> Tensor:
    """Alias of trapezoid (torch.trapz)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:
    """Running trapezoidal integral of ``y`` along ``dim`` (torch.cumulative_trapezoid)."""
    y = float_operand(y)
    axis = norm_dim(dim, y.dim(), "cumulative_trapezoid")
    n = y.shape[axis]
    if n == 0:
        return y
    pairs = y.narrow(axis, 1, n - 1) + y.narrow(axis, 0, n - 1)
    return (pairs * _spacing(y, x, dx, axis, "cumulative_trapezoid")).cumsum(axis) / 2


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` (torch.renorm)."""
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported, got p={p}")
    axis = norm_dim(dim, input.dim(), "renorm")
    others = tuple(i for i in builtins.range(input.dim()) if i != axis)
    norms = vector_norm(input, p, others, keepdim=True)
    factor = (maxnorm / (norms + 1e-7)).where(norms > maxnorm, const(np.ones((), input.dtype)))
    return input * factor


def _along(coefficients: np.ndarray, axis: int, ndim: int, dtype) -> Tensor:
    shape = [1] * ndim
    shape[axis] = -1
    return const(coefficients.astype(dtype).reshape(shape))


def _gradient_along(f: Tensor, axis: int, spacing, edge_order: int) -> Tensor:
    n = f.shape[axis]
    nd, dtype = f.dim(), f._data.dtype

    def part(start: int, length: int) -> Tensor:
        return f.narrow(axis, start, length)

    if isinstance(spacing, Tensor):
        x = spacing._data.astype(np.float64)
        if x.ndim != 1 or x.shape[0] != n:
            raise RuntimeError(f"torch.gradient expected each tensor to be on the same device "
                               f"and the coordinates of dim {axis} to have {n} entries, got "
                               f"shape {tuple(spacing.shape)}")
        left, right = x[1:-1] - x[:-2], x[2:] - x[1:-1]
        a = -right / (left * (left + right))
        b = (right - left) / (left * right)
        c = left / (right * (left + right))
        interior = (part(0, n - 2) * _along(a, axis, nd, dtype)
                    + part(1, n - 2) * _along(b, axis, nd, dtype)
                    + part(2, n - 2) * _along(c, axis, nd, dtype))
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / float(x[1] - x[0])
            last = (part(n - 1, 1) - part(n - 2, 1)) / float(x[-1] - x[-2])
        else:
            d1, d2 = x[1] - x[0], x[2] - x[1]
            first = (part(0, 1) * float(-(2 * d1 + d2) / (d1 * (d1 + d2)))
                     + part(1, 1) * float((d1 + d2) / (d1 * d2))
                     + part(2, 1) * float(-d1 / (d2 * (d1 + d2))))
            d1, d2 = x[-2] - x[-3], x[-1] - x[-2]
            last = (part(n - 3, 1) * float(d2 / (d1 * (d1 + d2)))
                    + part(n - 2, 1) * float(-(d2 + d1) / (d1 * d2))
                    + part(n - 1, 1) * float((2 * d2 + d1) / (d2 * (d1 + d2))))
    else:
        h = float(spacing)
        interior = (part(2, n - 2) - part(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h
            last = (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (part(0, 1) * -3 + part(1, 1) * 4 - part(2, 1)) / (2 * h)
            last = (part(n - 1, 1) * 3 - part(n - 2, 1) * 4 + part(n - 3, 1)) / (2 * h)
    return cat([first, interior, last], axis)


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """Central-difference estimate of the derivative along each of ``dim`` (all dims by
    default), one-sided of order ``edge_order`` at the ends (torch.gradient); ``spacing`` is a
    step, a step per dim, or the sample coordinates per dim."""
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2, got "
                           f"{edge_order}")
    f = float_operand(input)
    dims = list(builtins.range(f.dim())) if dim is None else \
        [dim] if isinstance(dim, int) else list(dim)
    axes = [norm_dim(d, f.dim(), "gradient") for d in dims]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(axes):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or "
                               f"it's spacing and dim arguments to have the same length, but "
                               f"got a spacing argument of length {len(spacing)} and a dim "
                               f"argument of length {len(axes)}.")
        steps = list(spacing)
    else:
        steps = [spacing] * len(axes)
    for axis in axes:
        if f.shape[axis] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
    return tuple(_gradient_along(f, axis, step, edge_order) for axis, step in zip(axes, steps))


def sum_to_size(self: Tensor, *size) -> Tensor:
    """Sum ``self`` down to ``size`` (undoing broadcasting) (torch.Tensor.sum_to_size)."""
    shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else size
    try:
        if np.broadcast_shapes(shape, tuple(self.shape)) != tuple(self.shape):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"size {list(shape)} is not expandable to size "
                           f"{list(self.shape)}") from None
    return sum_to_shape(self, shape)


def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """``input * 2**other`` (torch.ldexp)."""
    input = float_operand(to_tensor(input))
    other = to_tensor(other)
    return input * (2.0 ** other.to(input.dtype))


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-r combinations of a 1-D tensor's elements, one per row (torch.combinations)."""
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return const(np.empty((0,), input.dtype))
    pick = itertools.combinations_with_replacement if with_replacement \
        else itertools.combinations
    index = np.array(list(pick(builtins.range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return input[const(index)]


def angle(input: Tensor) -> Tensor:
    """Argument of a real number: pi for negatives, 0 otherwise, nan kept (torch.angle)."""
    x = float_operand(to_tensor(input))
    return x.where(x.isnan(), 0.0).where(~(x < 0), math.pi)


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next representable float after ``input`` towards ``other`` (torch.nextafter)."""
    a, b = binary_operands("nextafter", input, other)
    return const(np.nextafter(a._data if isinstance(a, Tensor) else a,
                              b._data if isinstance(b, Tensor) else b))


__all__ = ["diff", "gradient", "cov", "corrcoef", "inner", "dist", "trapezoid", "trapz",
           "cumulative_trapezoid", "renorm", "ldexp", "combinations", "angle",
           "nextafter"]

METHODS = {"diff": diff, "cov": cov, "corrcoef": corrcoef, "inner": inner, "dist": dist,
           "renorm": renorm, "sum_to_size": sum_to_size, "ldexp": ldexp, "angle": angle,
           "nextafter": nextafter, "ldexp_": inplace(ldexp, "ldexp_"),
           "renorm_": inplace(renorm, "renorm_")}
