"""Less common torch functions and Tensor methods, composed from the primitive ops.

Differentiable ones (diff, cov, trapezoid, vander, renorm, ...) are written in Tensor ops,
so their gradients come from the primitives; integer/bookkeeping ones (isin, histc, gcd, windows,
...) work on arrays and return constants, as in torch.
"""

from __future__ import annotations

import builtins
import itertools
import math
import warnings

import numpy as np

from .. import dtypes, grad_mode
from ..random import Generator, rng_of
from ..tensor import Tensor
from ._base import binary_operands, const, float_operand, norm_dim, to_tensor
from ._support import inplace, not_implemented
from .fill import _random_fill
from .shape import cat, sum_to_shape

# ---------------------------------------------------------------- differentiable compositions


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
    from .reduce import vector_norm

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


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Vandermonde matrix: columns are powers of ``x`` (torch.vander)."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = x.shape[0]
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype.kind == "b":
        x = x.to(dtypes.int64)
    if N == 0:
        return const(np.empty((x.shape[0], 0), x.dtype))
    columns = x.unsqueeze(1).expand(x.shape[0], N - 1)
    ones = const(np.ones((x.shape[0], 1), x.dtype))
    powers = cat([ones, columns], 1).cumprod(1) if N > 1 else ones
    return powers if increasing else powers.flip(1)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` (torch.renorm)."""
    from .reduce import vector_norm

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


def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """The elements of ``input``'s storage at ``storage_offset + sum(i_k * stride_k)``
    (torch.as_strided); a copy here, differentiable in ``input``."""
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: size {list(size)}, "
                           f"stride {list(stride)}")
    if any(st < 0 for st in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    data = input._data
    root = data
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous or root.dtype != data.dtype:
        root = data = np.ascontiguousarray(data)
    item = data.itemsize
    own = (_storage_offset(input) if root is not data else 0) + sum(
        (np.arange(n) * (st // item)).reshape([-1 if k == d else 1 for k in builtins.range(
            data.ndim)]) for d, (n, st) in enumerate(zip(data.shape, data.strides)))
    own = np.broadcast_to(np.asarray(own, dtype=np.int64), data.shape)
    offset = _storage_offset(input) if storage_offset is None else storage_offset
    wanted = offset + sum((np.arange(n, dtype=np.int64) * st).reshape(
        [-1 if k == d else 1 for k in builtins.range(len(size))])
        for d, (n, st) in enumerate(zip(size, stride))) if size else np.int64(offset)
    wanted = np.broadcast_to(np.asarray(wanted, dtype=np.int64), size)
    if wanted.size and (wanted.max() >= root.size or wanted.min() < 0):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset} require a larger storage than the tensor's "
                           f"({root.size} elements)")
    where_in_self = np.full(root.size, -1, dtype=np.int64)
    where_in_self[own.reshape(-1)] = np.arange(own.size)
    index = where_in_self[wanted]
    inside = index >= 0
    picked = input.reshape(-1)[const(np.where(inside, index, 0))] if input.numel() else \
        const(np.zeros(size, data.dtype))
    if inside.all():
        return picked
    # storage elements outside this view come from the storage itself, without gradient
    outside = const(root.reshape(-1)[wanted])
    return picked.where(const(inside), outside)


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Same as chunk (torch.unsafe_chunk: no view checks)."""
    return input.chunk(chunks, dim)


def unsafe_split(input: Tensor, split_size, dim: int = 0) -> tuple:
    """Same as split (torch.unsafe_split: no view checks)."""
    return input.split(split_size, dim)


def angle(input: Tensor) -> Tensor:
    """Argument of a real number: pi for negatives, 0 otherwise, nan kept (torch.angle)."""
    x = float_operand(to_tensor(input))
    return x.where(x.isnan(), 0.0).where(~(x < 0), math.pi)


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next representable float after ``input`` towards ``other`` (torch.nextafter)."""
    a, b = binary_operands("nextafter", input, other)
    return const(np.nextafter(a._data if isinstance(a, Tensor) else a,
                              b._data if isinstance(b, Tensor) else b))


def can_cast(from_, to) -> bool:
    """Whether a value of dtype ``from_`` may be cast to ``to`` under torch's same-kind rule
    (torch.can_cast)."""
    order = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return order[np.dtype(from_).kind] <= order[np.dtype(to).kind]


# ---------------------------------------------------------------- integer and set functions


def isin(elements, test_elements, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (torch.isin)."""
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return const(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Histogram of ``bins`` equal-width bins over [min, max] (torch.histc); min == max uses the
    data's range, and values outside are ignored."""
    if input.dtype.kind != "f":
        raise not_implemented("histogram_cpu", input.dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins} for bins")
    data = input._data.ravel()
    lo, hi = builtins.float(min), builtins.float(max)
    if lo == hi and data.size:
        lo, hi = builtins.float(data.min()), builtins.float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc: max must be larger than min, but got min {lo} and "
                           f"max {hi}")
    inside = data[(data >= lo) & (data <= hi)]
    index = ((inside - lo) * bins / (hi - lo)).astype(np.int64)
    index[index == bins] = bins - 1
    return const(np.bincount(index, minlength=bins).astype(input.dtype))


def histogram(input: Tensor, bins=100, *, range=None, weight: Tensor | None = None,
              density: bool = False):
    """Histogram counts and bin edges (torch.histogram): ``(hist, bin_edges)``."""
    from collections import namedtuple

    if input.dtype.kind != "f":
        raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the same "
                           f"dtype, but got input {input.dtype}")
    edges = bins._data if isinstance(bins, Tensor) else bins
    hist, bin_edges = np.histogram(
        input._data, bins=edges, range=range, density=density,
        weights=None if weight is None else weight._data)
    result = namedtuple("histogram", ["hist", "bin_edges"])
    return result(const(hist.astype(input.dtype)), const(bin_edges.astype(input.dtype)))


def _integer_binary(name: str, ufunc):
    def fn(input, other) -> Tensor:
        a, b = binary_operands(name, input, other)
        for x in (a, b):
            kind = x._data.dtype.kind if isinstance(x, Tensor) else np.asarray(x).dtype.kind
            if kind not in "iu":
                raise not_implemented(f"{name}_cpu", x.dtype if isinstance(x, Tensor)
                                      else np.asarray(x).dtype)
        arrays = [x._data if isinstance(x, Tensor) else x for x in (a, b)]
        return const(np.asarray(ufunc(*arrays)))

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} of integer tensors (torch.{name})."
    return fn


gcd = _integer_binary("gcd", np.gcd)
lcm = _integer_binary("lcm", np.lcm)
bitwise_left_shift = _integer_binary("bitwise_left_shift", np.left_shift)
bitwise_right_shift = _integer_binary("bitwise_right_shift", np.right_shift)


def frexp(input: Tensor):
    """Mantissa in [0.5, 1) and integer exponent of each element (torch.frexp)."""
    from collections import namedtuple

    if input.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(input._data)
    result = namedtuple("frexp", ["mantissa", "exponent"])
    return result(const(mantissa), const(exponent.astype(np.int32)))


def unravel_index(indices, shape) -> tuple:
    """Coordinates of flat ``indices`` in an array of ``shape`` (torch.unravel_index)."""
    index = to_tensor(indices)
    if index.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {index.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    total = math.prod(shape)
    if np.any((index._data < -total) | (index._data >= total)):
        raise RuntimeError(f"'indices' must be in range [-{total}, {total})")
    coords = np.unravel_index(np.mod(index._data, builtins.max(total, 1)), shape)
    return tuple(const(np.asarray(c, dtype=np.int64)) for c in coords)


# ---------------------------------------------------------------- creation


def range(start: float = 0, end: float | None = None, step: float = 1, *, dtype=None,
          device=None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` inclusive (the deprecated torch.range)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    count = builtins.int(math.floor((end - start) / step)) + 1
    dtype = dtypes.get_default_dtype() if dtype is None else dtype
    values = start + np.arange(builtins.max(count, 0), dtype=np.float64) * step
    return Tensor._make(values.astype(dtype), requires_grad, None)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor of the default float dtype holding ``s`` (torch.scalar_tensor)."""
    dtype = dtypes.get_default_dtype() if dtype is None else dtype
    return Tensor._make(np.asarray(s, dtype=dtype), requires_grad, None)


def asarray(obj, *, dtype=None, device=None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """A tensor from ``obj``, sharing memory when possible (torch.asarray)."""
    from ..creation import as_tensor, tensor

    if isinstance(obj, Tensor) and not copy and (dtype is None or obj.dtype == dtype):
        return obj.requires_grad_(requires_grad) if requires_grad else obj
    if copy:
        return tensor(obj, dtype=dtype, requires_grad=requires_grad)
    out = as_tensor(obj, dtype=dtype)
    return out.requires_grad_(True) if requires_grad else out


def _window(name: str, formula):
    def window(window_length: int, periodic: bool = True, *args, dtype=None, layout=None,
               device=None, requires_grad: bool = False) -> Tensor:
        if window_length < 0:
            raise RuntimeError(f"{name} requires non-negative window_length, got "
                               f"window_length={window_length}")
        dtype = dtypes.get_default_dtype() if dtype is None else dtype
        if window_length <= 1:
            values = np.ones(window_length)
        else:
            n = window_length + 1 if periodic else window_length
            values = formula(np.arange(n, dtype=np.float64), n, *args)[:window_length]
        return Tensor._make(values.astype(dtype), requires_grad, None)

    window.__name__ = name
    window.__doc__ = f"The {name.split('_')[0]} window (torch.{name})."
    return window


def _cosine_sum(*coefficients):
    def formula(k, n):
        phase = 2 * np.pi * k / (n - 1)
        return sum(c * (-1) ** i * np.cos(i * phase) for i, c in enumerate(coefficients))

    return formula


hann_window = _window("hann_window", _cosine_sum(0.5, 0.5))
blackman_window = _window("blackman_window", _cosine_sum(0.42, 0.5, 0.08))
bartlett_window = _window("bartlett_window", lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))
hamming_window = _window(
    "hamming_window",
    lambda k, n, alpha=0.54, beta=0.46: alpha - beta * np.cos(2 * np.pi * k / (n - 1)))
kaiser_window = _window(
    "kaiser_window",
    lambda k, n, beta=12.0: np.i0(beta * np.sqrt(np.clip(1 - (2 * k / (n - 1) - 1) ** 2, 0, None)))
    / np.i0(beta))


# ---------------------------------------------------------------- predicates and small helpers


def is_signed(input: Tensor) -> bool:
    """Whether the dtype is signed (torch.is_signed)."""
    return input.dtype.kind in "fic"


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape (torch.is_same_size)."""
    return tuple(input.shape) == tuple(other.shape)


def typename(obj) -> str:
    """The type name of a tensor ('<pkg>.FloatTensor') or any object (torch.typename)."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", None) else f"{module}.{cls.__qualname__}"


def detach(input: Tensor) -> Tensor:
    """A new tensor sharing data, cut from the graph (torch.detach)."""
    return input.detach()


def fill(input: Tensor, value) -> Tensor:
    """A copy of ``input`` with every element set to ``value`` (torch.fill)."""
    out = input.detach().clone()
    return out.fill_(value)


# ---------------------------------------------------------------- Tensor-only methods


def apply_(self: Tensor, callable) -> Tensor:
    """Apply a Python function to every element, in place (torch.Tensor.apply_)."""
    if self.requires_grad:
        raise RuntimeError("apply_ is only implemented on CPU tensors that do not require grad")
    flat = self._data.reshape(-1)
    for i, v in enumerate(flat.tolist()):
        flat[i] = callable(v)
    self._data[...] = flat.reshape(self._data.shape)
    self._version += 1
    return self


def map_(self: Tensor, tensor: Tensor, callable) -> Tensor:
    """``self[i] = callable(self[i], tensor[i])`` with ``tensor`` broadcast (torch.Tensor.map_)."""
    other = np.broadcast_to(tensor._data, self._data.shape).reshape(-1).tolist()
    flat = self._data.reshape(-1)
    for i, (a, b) in enumerate(zip(flat.tolist(), other)):
        flat[i] = callable(a, b)
    self._data[...] = flat.reshape(self._data.shape)
    self._version += 1
    return self


def map2_(self: Tensor, x: Tensor, y: Tensor, callable) -> Tensor:
    """``self[i] = callable(self[i], x[i], y[i])`` (torch.Tensor.map2_)."""
    xs = np.broadcast_to(x._data, self._data.shape).reshape(-1).tolist()
    ys = np.broadcast_to(y._data, self._data.shape).reshape(-1).tolist()
    flat = self._data.reshape(-1)
    for i, (a, b, c) in enumerate(zip(flat.tolist(), xs, ys)):
        flat[i] = callable(a, b, c)
    self._data[...] = flat.reshape(self._data.shape)
    self._version += 1
    return self


def random_(self: Tensor, from_: int = 0, to: int | None = None, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with integers uniform on [from, to) (torch.Tensor.random_); ``random_(to)`` is
    [0, to), and with no bound the range is what the dtype holds exactly."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        kind = self._data.dtype
        to = (2 ** (np.finfo(kind).nmant + 1) + 1 if kind.kind == "f"
              else 2 if kind.kind == "b" else builtins.int(np.iinfo(kind).max) + 1)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} "
                           f">= to={to}")
    values = rng_of(generator).integers(from_, to, self.shape)
    self._check_inplace("random_")
    with grad_mode.set_grad_enabled(False):
        np.copyto(self._data, values.astype(self._data.dtype))
    self._version += 1
    return self


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with Cauchy(median, sigma) samples (torch.Tensor.cauchy_)."""
    rng = rng_of(generator)
    return _random_fill(self, "cauchy_", lambda s: median + sigma * rng.standard_cauchy(s))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Generator | None = None) -> Tensor:
    """Fill with samples whose log is N(mean, std**2) (torch.Tensor.log_normal_)."""
    rng = rng_of(generator)
    return _random_fill(self, "log_normal_", lambda s: rng.lognormal(mean, std, s))


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success
    (torch.Tensor.geometric_)."""
    if not 0 < p <= 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    values = rng_of(generator).geometric(p, self.shape)
    with grad_mode.set_grad_enabled(False):
        np.copyto(self._data, values.astype(self._data.dtype))
    self._version += 1
    return self


def new(self: Tensor, *args, **kwargs) -> Tensor:
    """The legacy constructor: ``t.new(2, 3)`` is uninitialised of t's dtype, ``t.new(data)``
    copies data, ``t.new()`` is empty (torch.Tensor.new)."""
    if not args:
        return self.new_empty((0,), **kwargs)
    if builtins.all(isinstance(a, (int, np.integer)) for a in args):
        return self.new_empty(args, **kwargs)
    if len(args) == 1 and isinstance(args[0], tuple) and builtins.all(
            isinstance(a, int) for a in args[0]) and type(args[0]).__name__ == "Size":
        return self.new_empty(args[0], **kwargs)
    return self.new_tensor(args[0], **kwargs)


def resize_(self: Tensor, *sizes) -> Tensor:
    """Change the shape in place, keeping the elements that fit (torch.Tensor.resize_)."""
    shape = tuple(sizes[0]) if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    count = math.prod(shape)
    if count == self._data.size:
        self._data = self._data.reshape(shape)
    else:
        values = np.zeros(count, self._data.dtype)
        keep = builtins.min(count, self._data.size)
        values[:keep] = self._data.reshape(-1)[:keep]
        self._data = values.reshape(shape)
    self._version += 1
    return self


def _storage_offset(self: Tensor) -> int:
    base = self._data
    while isinstance(base.base, np.ndarray):
        base = base.base
    start = self._data.__array_interface__["data"][0]
    return (start - base.__array_interface__["data"][0]) // self._data.itemsize


def storage_offset(self: Tensor) -> int:
    """Offset of the first element in the underlying buffer, in elements
    (torch.Tensor.storage_offset)."""
    return _storage_offset(self)


def data_ptr(self: Tensor) -> int:
    """Address of the first element (torch.Tensor.data_ptr)."""
    return self._data.__array_interface__["data"][0]


def _real_only(name: str):
    def identity(self: Tensor) -> Tensor:
        return self

    identity.__name__ = name
    identity.__doc__ = f"``self``: a real tensor is its own {name} (torch.Tensor.{name})."
    return identity


def _imag(self: Tensor):
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def _matrix_adjoint(self: Tensor) -> Tensor:
    if self.dim() < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return self.transpose(-2, -1)


def _hermitian(self: Tensor) -> Tensor:
    if self.dim() not in (0, 2):
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{self.dim()}-D tensor.")
    return self.T if self.dim() == 2 else self


def _false(self: Tensor) -> bool:
    return False


def _volatile(self: Tensor) -> bool:
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def _returns_self(name: str):
    def method(self: Tensor, *args, **kwargs) -> Tensor:
        return self

    method.__name__ = name
    method.__doc__ = f"``self`` (torch.Tensor.{name}: no pinned or shared memory on numpy)."
    return method


def _top_inplace(name: str):
    def fn(input: Tensor, *args, **kwargs) -> Tensor:
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"In-place ``input.{name}(...)`` (torch.{name})."
    return fn


_TOP_INPLACE = ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_",
                "arctan_", "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
                "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_",
                "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_",
                "gcd_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_",
                "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "round_",
                "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_",
                "tanh_", "trunc_", "xlogy_", "zero_"]
for _name in _TOP_INPLACE:
    globals()[_name] = _top_inplace(_name)


def _dropout_top(kind: str):
    def fn(input: Tensor, p: float, train: bool) -> Tensor:
        import nn.functional as F

        return getattr(F, kind)(input, p, train)

    fn.__name__ = kind
    fn.__doc__ = f"``F.{kind}(input, p, train)`` (torch.{kind})."
    return fn


def _dropout_inplace(kind: str):
    def fn(input: Tensor, p: float, train: bool) -> Tensor:
        import nn.functional as F

        return getattr(F, kind)(input, p, train, inplace=True)

    fn.__name__ = kind + "_"
    fn.__doc__ = f"``F.{kind}(input, p, train, inplace=True)`` (torch.{kind}_)."
    return fn


dropout_ = _dropout_inplace("dropout")
alpha_dropout_ = _dropout_inplace("alpha_dropout")
feature_alpha_dropout_ = _dropout_inplace("feature_alpha_dropout")
dropout = _dropout_top("dropout")
alpha_dropout = _dropout_top("alpha_dropout")
feature_alpha_dropout = _dropout_top("feature_alpha_dropout")


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Channel dropout over dim 1 (torch.feature_dropout, like F.dropout2d/3d)."""
    import nn.functional as F

    return F.dropout1d(input, p, train) if input.dim() <= 3 else F.dropout2d(input, p, train) \
        if input.dim() == 4 else F.dropout3d(input, p, train)


def _functional_alias(name: str):
    def fn(*args, **kwargs):
        import nn.functional as F

        return getattr(F, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"Same as nn.functional.{name} (torch.{name})."
    return fn


_FUNCTIONAL = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "cosine_similarity",
               "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "hardshrink",
               "bilinear", "avg_pool1d", "adaptive_avg_pool1d", "group_norm", "channel_shuffle",
               "conv3d", "conv_transpose3d",
               "native_channel_shuffle"]
for _name in _FUNCTIONAL:
    globals()[_name] = _functional_alias(_name)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` at ``indices`` (torch.embedding; note weight comes first)."""
    import nn.functional as F

    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq)


def batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:
    """torch.batch_norm (weight and bias before the running statistics, unlike
    F.batch_norm)."""
    import nn.functional as F

    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight, bias, running_mean, running_var,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool = True) -> Tensor:
    """torch.instance_norm (weight and bias before the running statistics)."""
    import nn.functional as F

    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


def constant_pad_nd(input: Tensor, pad, value: float = 0) -> Tensor:
    """Pad with a constant (torch.constant_pad_nd, F.pad's constant mode)."""
    from .shape import pad as pad_fn

    return pad_fn(input, tuple(pad), "constant", value)


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Samples from Poisson(rate) for each rate in ``input`` (torch.poisson)."""
    if input.dtype.kind != "f":
        raise not_implemented("poisson_cpu", input.dtype)
    if bool((input._data < 0).any()):
        raise RuntimeError("poisson: rates must be non-negative")
    return const(rng_of(generator).poisson(input._data).astype(input._data.dtype))


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """Samples from Binomial(count, prob) elementwise (torch.binomial)."""
    if count.dtype.kind != "f" or prob.dtype.kind != "f":
        raise not_implemented("binomial_cpu", count.dtype)
    samples = rng_of(generator).binomial(count._data.astype(np.int64), prob._data)
    return const(np.asarray(samples, dtype=np.result_type(count._data, prob._data)))


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple:
    """``(values, indices)`` of 1-d adaptive max pooling (torch.adaptive_max_pool1d)."""
    import nn.functional as F

    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, generator: Generator | None = None) -> Tensor:
    """Randomized leaky ReLU (torch.rrelu, as nn.functional.rrelu)."""
    import nn.functional as F

    return F.rrelu(input, lower, upper, training)


__all__ = ["diff", "gradient", "cov", "corrcoef", "inner", "dist", "trapezoid", "trapz",
           "cumulative_trapezoid", "vander", "renorm", "ldexp", "combinations", "isin", "histc",
           "histogram", "gcd", "lcm", "bitwise_left_shift", "bitwise_right_shift", "frexp",
           "unravel_index", "range", "scalar_tensor", "asarray", "hann_window",
           "hamming_window", "blackman_window", "bartlett_window", "kaiser_window", "is_signed",
           "is_same_size", "typename", "detach", "fill", "dropout",
           "alpha_dropout", "feature_alpha_dropout", "feature_dropout", "adaptive_max_pool1d",
           "rrelu", "as_strided", "unsafe_chunk", "unsafe_split", "angle", "nextafter",
           "can_cast", "dropout_", "alpha_dropout_", "feature_alpha_dropout_", "embedding",
           "batch_norm", "instance_norm", "constant_pad_nd", "poisson", "binomial",
           *_TOP_INPLACE, *_FUNCTIONAL]

METHODS = {
    "diff": diff, "cov": cov, "corrcoef": corrcoef, "inner": inner,
    "dist": dist, "renorm": renorm, "sum_to_size": sum_to_size, "ldexp": ldexp, "isin": isin,
    "histc": histc, "histogram": histogram, "gcd": gcd, "lcm": lcm,
    "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift,
    "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift, "frexp": frexp,
    "is_signed": is_signed, "is_same_size": is_same_size, "hardshrink": globals()["hardshrink"],
    "apply_": apply_, "map_": map_, "map2_": map2_, "random_": random_, "cauchy_": cauchy_,
    "log_normal_": log_normal_, "geometric_": geometric_, "new": new, "resize_": resize_,
    "resize_as_": lambda self, other: resize_(self, tuple(other.shape)),
    "storage_offset": storage_offset, "data_ptr": data_ptr,
    "is_set_to": lambda self, other: (data_ptr(self) == data_ptr(other)
                                      and self._data.shape == other._data.shape
                                      and self._data.strides == other._data.strides),
    "conj": _real_only("conj"), "resolve_conj": _real_only("resolve_conj"),
    "resolve_neg": _real_only("resolve_neg"), "conj_physical": _real_only("conj_physical"),
    "to_dense": _real_only("to_dense"), "real": property(_real_only("real")),
    "imag": property(_imag), "is_conj": _false, "is_neg": _false, "is_inference": _false,
    "is_pinned": _false, "is_shared": _false, "pin_memory": _returns_self("pin_memory"),
    "share_memory_": _returns_self("share_memory_"),
    "H": property(_hermitian), "mH": property(_matrix_adjoint), "adjoint": _matrix_adjoint,
    "bernoulli": lambda self, p=None, *, generator=None: _bernoulli(self, p, generator),
    "multinomial": lambda self, num_samples, replacement=False, *, generator=None:
        _multinomial(self, num_samples, replacement, generator),
    "output_nr": property(lambda self: self._output_nr),
    "layout": property(lambda self: _strided()),
    "as_strided": as_strided, "unsafe_chunk": unsafe_chunk, "unsafe_split": unsafe_split,
    "angle": angle, "nextafter": nextafter, "is_nonzero": lambda self: _is_nonzero(self),
    "name": property(lambda self: None), "volatile": property(_volatile),
}


def _strided():
    from ..compat.layout import strided

    return strided
for _flag in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mps", "is_xpu",
              "is_mkldnn", "is_vulkan", "is_xla", "is_ipu", "is_mtia", "is_maia", "is_nested"):
    METHODS[_flag] = property(_false)
for _name, _fn in [("gcd_", gcd), ("lcm_", lcm), ("ldexp_", ldexp), ("renorm_", renorm),
                   ("bitwise_left_shift_", bitwise_left_shift),
                   ("bitwise_right_shift_", bitwise_right_shift),
                   ("__ilshift__", bitwise_left_shift), ("__irshift__", bitwise_right_shift)]:
    METHODS[_name] = inplace(_fn, _name)


def _method(name: str):
    def call(self: Tensor, *args, **kwargs) -> Tensor:
        return getattr(self, name)(*args, **kwargs)

    return call


for _name in ("addmm", "addbmm", "baddbmm", "addmv", "addr", "cumsum", "cumprod", "greater",
              "greater_equal", "less", "less_equal", "not_equal"):
    METHODS[_name + "_"] = inplace(_method(_name), _name + "_")


def _bernoulli(self: Tensor, p, generator) -> Tensor:
    from ..creation import bernoulli

    if p is None:
        return bernoulli(self, generator=generator)
    return bernoulli(const(np.full(self.shape, p, self._data.dtype)), generator=generator)


def _multinomial(self: Tensor, num_samples: int, replacement: bool, generator) -> Tensor:
    from ..creation import multinomial

    return multinomial(self, num_samples, replacement, generator=generator)


def _is_nonzero(self: Tensor) -> bool:
    from ..compat.queries import is_nonzero

    return is_nonzero(self)
