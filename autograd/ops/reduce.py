"""Reductions over one, several or all dimensions, with keepdim (torch semantics).

Every backward broadcasts the incoming gradient back over the reduced axes (``restore_reduced``)
and multiplies by a local factor: 1 (sum), 1/n (mean), a tie-splitting mask (max/amax), a one-hot
mask of the chosen index (max(dim), median(dim)), a softmax (logsumexp)... No loops over elements.
Masks are constants (the derivative of a selection is piecewise constant), so the backward pass
stays made of Tensor ops and is differentiable again.
"""

from __future__ import annotations

import builtins
import math
from collections import namedtuple

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from ._base import Op, const, norm_dim, norm_dims
from ._names import named
from .elementwise import maximum, minimum, where
from .shape import _accepts_axis, expand, flip, reshape

# ---------------------------------------------------------------- helpers


def _kept_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def restore_reduced(grad: Tensor, in_shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back over the reduced axes."""
    if not keepdim:
        grad = reshape(grad, _kept_shape(in_shape, axes))
    return expand(grad, in_shape)


def restore_reduced_array(grad: np.ndarray, in_shape: tuple, axes: tuple,
                          keepdim: bool) -> np.ndarray:
    """The array twin of ``restore_reduced`` (a read-only broadcast view)."""
    if not keepdim:
        grad = grad.reshape(_kept_shape(in_shape, axes))
    return np.broadcast_to(grad, in_shape)


def _kept(grad: Tensor, in_shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """The reduced gradient with the reduced axes present as size 1 (broadcastable to input)."""
    return grad if keepdim else reshape(grad, _kept_shape(in_shape, axes))


def _axes(dim, x: Tensor, op: str) -> tuple:
    """dim (None / int / tuple) as sorted non-negative axes; () for 0-d tensors (whose only
    valid dims, 0 and -1, reduce nothing)."""
    axes = norm_dims(dim, x._data.ndim, op)
    return axes if x._data.ndim else ()


def _one_axis(dim, x: Tensor, op: str) -> int | None:
    """A single dim as a non-negative axis, None for a 0-d tensor."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    d = norm_dim(int(dim), x._data.ndim, op)
    return d if x._data.ndim else None


def _check_tensor(x, op: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}")


def _require_float(x: Tensor, op: str) -> None:
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"{op}(): input dtype should be floating point, got {x.dtype}")


def _count(shape: tuple, axes: tuple) -> int:
    return math.prod(shape[a] for a in axes)


def _check_nonempty(x: Tensor, axes: tuple, op: str, dim_given: bool) -> None:
    """max/min-like reductions have no identity: refuse empty reductions like torch."""
    if x._data.size and builtins.all(x._data.shape[a] for a in axes):
        return
    if not dim_given:
        if x._data.size == 0:
            raise RuntimeError(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                f"the reduction dim with the 'dim' argument.")
        return
    for a in axes:
        if x._data.shape[a] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {a} to have non-zero size.")


def _result_type(name: str, fields: str = "values indices"):
    cls = namedtuple(name, fields)
    cls.__module__ = "autograd.return_types"
    cls.__doc__ = f"Result of {name}() with a dim: a tuple with named fields (torch.return_types)."
    cls.__repr__ = lambda self: (f"autograd.return_types.{name}(\n" + ",\n".join(
        f"{k}={v!r}" for k, v in zip(self._fields, self)) + ")")
    return cls


class return_types:  # noqa: N801 (mirrors the torch.return_types module)
    """Named result tuples of the reductions (and sort/topk/kthvalue) that also return indices."""

    max = _result_type("max")
    min = _result_type("min")
    median = _result_type("median")
    nanmedian = _result_type("nanmedian")
    cummax = _result_type("cummax")
    cummin = _result_type("cummin")
    aminmax = _result_type("aminmax", "min max")
    sort = _result_type("sort")
    topk = _result_type("topk")
    kthvalue = _result_type("kthvalue")
    mode = _result_type("mode")


# ---------------------------------------------------------------- sum, mean, nansum, nanmean
class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.in_shape = x._data.shape
        ctx.axes = axes
        ctx.keepdim = keepdim
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is NaN, silently
            return np.asarray(x._data.sum(axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        return restore_reduced(grad, ctx.in_shape, ctx.axes, ctx.keepdim), None, None, None

    @staticmethod
    def backward_array(ctx, grad):
        return restore_reduced_array(grad, ctx.in_shape, ctx.axes, ctx.keepdim), None, None, None


def _sum_dtype(x: Tensor, dtype):
    if dtype is not None:
        return dtypes.as_dtype(dtype)
    if x._data.dtype.kind in "biu":
        return dtypes.int64
    return None


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or all) (torch.sum); bools and ints sum to int64."""
    _check_tensor(input, "sum")
    axes = _axes(dim, input, "sum")
    out = Sum.apply(input, axes, keepdim, _sum_dtype(input, dtype))
    return out if dim is None else named(out, "SumBackward1")


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape = x._data.shape
        ctx.axes = axes
        ctx.keepdim = keepdim
        ctx.count = _count(x._data.shape, axes)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if ctx.count == 0:  # torch: the mean of nothing is nan, without a warning
                shape = np.sum(x._data, axis=axes, keepdims=keepdim).shape
                return np.full(shape, np.nan, dtype=x._data.dtype)
            return np.asarray(x._data.mean(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        g = restore_reduced(grad, ctx.in_shape, ctx.axes, ctx.keepdim)
        return g / ctx.count if ctx.count else g, None, None

    @staticmethod
    def backward_array(ctx, grad):
        g = restore_reduced_array(grad, ctx.in_shape, ctx.axes, ctx.keepdim)
        return g / ctx.count if ctx.count else g, None, None


def _float_input(input: Tensor, dtype, op: str) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.kind not in "fc":
        raise RuntimeError(
            f"{op}(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_torch_dtype_name(input.dtype)}")
    return input


def _torch_dtype_name(dtype) -> str:
    names = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
             "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half"}
    return names.get(np.dtype(dtype).name, str(dtype))


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Arithmetic mean over ``dim`` (torch.mean); floating inputs only, as in torch."""
    _check_tensor(input, "mean")
    input = _float_input(input, dtype, "mean")
    axes = _axes(dim, input, "mean")
    out = Mean.apply(input, axes, keepdim)
    return out if dim is None else named(out, "MeanBackward1")


def _nan_to_zero(x: Tensor) -> Tensor:
    nan = np.isnan(x._data)
    if not nan.any():
        return x
    return where(const(nan), const(np.zeros((), x._data.dtype)), x)


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum treating NaN as zero (torch.nansum); NaN entries get zero gradient."""
    _check_tensor(input, "nansum")
    axes = _axes(dim, input, "nansum")
    x = _nan_to_zero(input) if input._data.dtype.kind == "f" else input
    return Sum.apply(x, axes, keepdim, _sum_dtype(input, dtype))


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean of the non-NaN entries (torch.nanmean); an all-NaN slice gives NaN."""
    _check_tensor(input, "nanmean")
    input = _float_input(input, dtype, "nanmean")
    axes = _axes(dim, input, "nanmean")
    count = np.sum(~np.isnan(input._data), axis=axes, keepdims=keepdim).astype(input._data.dtype)
    return Sum.apply(_nan_to_zero(input), axes, keepdim, None) / const(count)


# ---------------------------------------------------------------- prod
class Prod(Op):
    """Product over one axis (or all). The gradient prod_{j != i} x_j is out / x when nothing is
    zero; with one zero only that entry gets a gradient (the product of the others); with two or
    more, every gradient is zero."""

    @staticmethod
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.axis, ctx.keepdim = axis, keepdim
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.asarray(np.prod(x._data, axis=axis, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axes = tuple(range(x.ndim)) if ctx.axis is None else (ctx.axis,)
        g = _kept(grad, x.shape, axes, ctx.keepdim)
        out = _kept(out, x.shape, axes, ctx.keepdim)
        zero = x._data == 0
        if not zero.any():
            return g * out / x, None, None, None
        zeros_per_slice = np.sum(zero, axis=axes, keepdims=True)
        one = const(np.ones((), x._data.dtype))
        safe = where(const(zero), one, x)
        rest = prod(safe, ctx.axis, keepdim=True) if ctx.axis is not None else prod(safe)
        rest = rest * const((zeros_per_slice == 1).astype(x._data.dtype))
        others = where(const(zero), rest, out / safe)
        return g * others, None, None, None


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of all elements, or along one dim (torch.prod); ints and bools give int64."""
    _check_tensor(input, "prod")
    axis = None if dim is None else _one_axis(dim, input, "prod")
    if dim is None:
        keepdim = False
    return Prod.apply(input, axis, keepdim, _sum_dtype(input, dtype))


# ---------------------------------------------------------------- var, std
class Var(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, correction):
        ctx.save_for_backward(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.denom = _count(x._data.shape, axes) - correction
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            m = x._data.mean(axis=axes, keepdims=True) if x._data.size else x._data.sum(
                axis=axes, keepdims=True)
            sq = np.square(x._data - m).sum(axis=axes, keepdims=keepdim)
            return np.asarray(sq / builtins.max(ctx.denom, 0)).astype(x._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = _kept(grad, x.shape, ctx.axes, ctx.keepdim)
        centered = x - mean(x, ctx.axes, keepdim=True)
        return g * centered * (2.0 / ctx.denom if ctx.denom > 0 else math.nan), None, None, None

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        g = grad if ctx.keepdim else grad.reshape(_kept_shape(x.shape, ctx.axes))
        centered = x - x.mean(axis=ctx.axes, keepdims=True) if x.size else x  # no warning
        return g * centered * (2.0 / ctx.denom if ctx.denom > 0 else math.nan), None, None, None


def _correction(op: str, dim, unbiased, correction):
    if isinstance(dim, bool):  # var(input, unbiased) overload
        if unbiased is not None:
            raise TypeError(f"{op}(): got both a positional unbiased and unbiased=")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}(): pass either unbiased or correction, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def var(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction=None) -> Tensor:
    """Variance with Bessel's correction by default (torch.var; correction= or unbiased=)."""
    _check_tensor(input, "var")
    dim, correction = _correction("var", dim, unbiased, correction)
    _require_float(input, "var")
    axes = _axes(dim, input, "var")
    return Var.apply(input, axes, keepdim, correction)


class Std(Op):
    """The square root of a variance, with gradient 0 where it is 0 (a constant slice), as
    torch's std."""

    @staticmethod
    def forward(ctx, v):
        out = np.sqrt(v._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        zero = out._data == 0
        if not zero.any():
            return grad / (out * 2.0)
        return where(const(zero), const(np.zeros((), out.dtype)), grad / (out * 2.0))


def std(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction=None) -> Tensor:
    """Standard deviation, the square root of var (torch.std)."""
    _check_tensor(input, "std")
    dim, correction = _correction("std", dim, unbiased, correction)
    _require_float(input, "std")
    return Std.apply(Var.apply(input, _axes(dim, input, "std"), keepdim, correction))


def var_mean(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """(var, mean) over the same dims (torch.var_mean)."""
    _check_tensor(input, "var_mean")
    dim, correction = _correction("var_mean", dim, unbiased, correction)
    return (var(input, dim, keepdim=keepdim, correction=correction),
            mean(input, dim, keepdim=keepdim))


def std_mean(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """(std, mean) over the same dims (torch.std_mean)."""
    _check_tensor(input, "std_mean")
    dim, correction = _correction("std_mean", dim, unbiased, correction)
    return (std(input, dim, keepdim=keepdim, correction=correction),
            mean(input, dim, keepdim=keepdim))


# ---------------------------------------------------------------- max, min and friends
class Extremum(Op):
    """max/min/amax/amin over axes and the full median: the gradient is split evenly among the
    elements equal to the result (as torch)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim, kind):
        ctx.axes, ctx.keepdim = axes, keepdim
        if kind in ("median", "nanmedian"):
            flat = x._data.reshape(-1)
            out = np.asarray(flat[_median_index(flat, 0, kind == "nanmedian")[0]])
        else:
            out = np.asarray((np.max if kind == "max" else np.min)(
                x._data, axis=axes, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        out_kept = out._data if ctx.keepdim else out._data.reshape(_kept_shape(x.shape, ctx.axes))
        hit = (x._data == out_kept) | (np.isnan(x._data) & np.isnan(out_kept))
        share = hit / np.sum(hit, axis=ctx.axes, keepdims=True)
        return _kept(grad, x.shape, ctx.axes, ctx.keepdim) * const(
            share.astype(x._data.dtype)), None, None, None

    @staticmethod
    def backward_array(ctx, grad):
        x, out = ctx.saved_arrays
        out_kept = out if ctx.keepdim else out.reshape(_kept_shape(x.shape, ctx.axes))
        hit = (x == out_kept) | (np.isnan(x) & np.isnan(out_kept))
        share = (hit / np.sum(hit, axis=ctx.axes, keepdims=True)).astype(x.dtype)
        kept = grad if ctx.keepdim else grad.reshape(_kept_shape(x.shape, ctx.axes))
        return kept * share, None, None, None


class TakeAlongDim(Op):
    """values = x at ``indices`` along one axis (max/min/median with dim); the gradient goes to
    that index only, through a one-hot mask."""

    @staticmethod
    def forward(ctx, x, indices, axis, keepdim):
        ctx.in_shape, ctx.axis, ctx.keepdim = x._data.shape, axis, keepdim
        ctx.indices = indices  # kept-dims int array
        out = np.take_along_axis(x._data, indices, axis=axis)
        return out if keepdim else np.squeeze(out, axis)

    @staticmethod
    def backward(ctx, grad):
        axis = ctx.axis
        n = ctx.in_shape[axis]
        positions = np.arange(n).reshape((n,) + (1,) * (len(ctx.in_shape) - axis - 1))
        onehot = const((positions == ctx.indices).astype(grad.dtype))
        return _kept(grad, ctx.in_shape, (axis,), ctx.keepdim) * onehot, None, None, None


def _arg_extreme(data: np.ndarray, axis: int, largest: bool) -> np.ndarray:
    """First index of the max/min along ``axis`` (NaN counts as the extreme, as in torch)."""
    idx = np.argmax(data, axis=axis) if largest else np.argmin(data, axis=axis)
    return np.expand_dims(idx, axis)


def _extreme(op: str, largest: bool, input: Tensor, dim=None, keepdim: bool = False):
    _check_tensor(input, op)
    if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
        return (maximum if largest else minimum)(input, dim)
    if dim is None:
        _check_nonempty(input, tuple(range(input.ndim)), op, False)
        return named(Extremum.apply(input, tuple(range(input.ndim)), False, op),
                     f"{op.capitalize()}Backward1")
    axis = _one_axis(dim, input, op)
    result = getattr(return_types, op)
    if axis is None:  # 0-d: the value itself, index 0
        return result(input * 1 if input.requires_grad else input,
                      const(np.zeros((), dtypes.int64)))
    _check_nonempty(input, (axis,), op, True)
    idx = _arg_extreme(input._data, axis, largest)
    values = named(TakeAlongDim.apply(input, idx, axis, keepdim), f"{op.capitalize()}Backward0")
    return result(values, const(idx if keepdim else np.squeeze(idx, axis)))


def max(input: Tensor, dim=None, keepdim: bool = False):
    """The largest value; with ``dim`` a (values, indices) named tuple; with a Tensor second
    argument the elementwise maximum (torch.max)."""
    return _extreme("max", True, input, dim, keepdim)


def min(input: Tensor, dim=None, keepdim: bool = False):
    """The smallest value; with ``dim`` a (values, indices) named tuple (torch.min)."""
    return _extreme("min", False, input, dim, keepdim)


def _amax_amin(op: str, largest: bool, input: Tensor, dim, keepdim: bool) -> Tensor:
    _check_tensor(input, op)
    axes = _axes(dim, input, op)
    _check_nonempty(input, axes, op, True)
    return named(Extremum.apply(input, axes, keepdim, "max" if largest else "min"),
                 f"{op.capitalize()}Backward0")


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Maximum over ``dim`` (all by default), gradient split among ties (torch.amax)."""
    return _amax_amin("amax", True, input, dim, keepdim)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Minimum over ``dim`` (all by default), gradient split among ties (torch.amin)."""
    return _amax_amin("amin", False, input, dim, keepdim)


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False):
    """(min, max) in one call, a named tuple (torch.aminmax)."""
    _check_tensor(input, "aminmax")
    if dim is not None:
        _one_axis(dim, input, "aminmax")
    dims = () if dim is None else dim
    return return_types.aminmax(_amax_amin("aminmax", False, input, dims, keepdim),
                                _amax_amin("aminmax", True, input, dims, keepdim))


def _argextreme(op: str, largest: bool, input: Tensor, dim, keepdim: bool) -> Tensor:
    _check_tensor(input, op)
    if dim is None:
        _check_nonempty(input, tuple(range(input.ndim)), op, False)
        flat = input._data.reshape(-1)
        idx = np.asarray(np.argmax(flat) if largest else np.argmin(flat), dtype=np.int64)
        return const(idx.reshape((1,) * input.ndim) if keepdim else idx)
    axis = _one_axis(dim, input, op)
    if axis is None:
        return const(np.zeros((), np.int64))
    _check_nonempty(input, (axis,), op, True)
    idx = _arg_extreme(input._data, axis, largest).astype(np.int64)
    return const(idx if keepdim else np.squeeze(idx, axis))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the first maximum (flattened when dim is None) (torch.argmax)."""
    return _argextreme("argmax", True, input, dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the first minimum (flattened when dim is None) (torch.argmin)."""
    return _argextreme("argmin", False, input, dim, keepdim)


def _median_index(data: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """Index of the lower median along ``axis``; a slice with NaN gives its first NaN
    (torch.median) unless ``ignore_nan`` (torch.nanmedian)."""
    order = np.argsort(data, axis=axis, kind="stable")  # NaNs sort last
    nan = np.isnan(data)
    count = data.shape[axis] - (nan.sum(axis=axis, keepdims=True) if ignore_nan else 0)
    pick = np.maximum((count - 1) // 2, 0) * np.ones_like(order.take([0], axis=axis))
    idx = np.take_along_axis(order, pick, axis=axis)
    if not ignore_nan and nan.any():
        first_nan = np.expand_dims(np.argmax(nan, axis=axis), axis)
        idx = np.where(nan.any(axis=axis, keepdims=True), first_nan, idx)
    return idx.astype(np.int64)


def _median(op: str, ignore_nan: bool, input: Tensor, dim, keepdim: bool):
    _check_tensor(input, op)
    if dim is None:
        _check_nonempty(input, tuple(range(input.ndim)), op, False)
        return named(Extremum.apply(input, tuple(range(input.ndim)), False, op),
                     f"{op.capitalize()}Backward0")
    axis = _one_axis(dim, input, op)
    result = getattr(return_types, op)
    if axis is None:
        return result(input * 1 if input.requires_grad else input,
                      const(np.zeros((), dtypes.int64)))
    _check_nonempty(input, (axis,), op, True)
    idx = _median_index(input._data, axis, ignore_nan)
    values = named(TakeAlongDim.apply(input, idx, axis, keepdim), f"{op.capitalize()}Backward1")
    return result(values, const(idx if keepdim else np.squeeze(idx, axis)))


def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median; with ``dim`` a (values, indices) named tuple (torch.median)."""
    return _median("median", False, input, dim, keepdim)


def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median of the non-NaN values (torch.nanmedian)."""
    return _median("nanmedian", True, input, dim, keepdim)


# ---------------------------------------------------------------- logsumexp
class LogSumExp(Op):
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the (finite) maximum, so no
    overflow; the gradient is the softmax exp(x - out)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.axes, ctx.keepdim = axes, keepdim
        xd = x._data
        if xd.size == 0:  # the log of an empty sum
            out = np.full(np.sum(xd, axis=axes, keepdims=keepdim).shape, -np.inf, xd.dtype)
        else:
            m = np.max(xd, axis=axes, keepdims=True)
            m = np.where(np.isfinite(m), m, 0).astype(xd.dtype, copy=False)
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                out = np.log(np.sum(np.exp(xd - m), axis=axes, keepdims=True)) + m
            if not keepdim:
                out = np.squeeze(out, axis=axes)
        out = np.asarray(out)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        g = _kept(grad, x.shape, ctx.axes, ctx.keepdim)
        out = _kept(out, x.shape, ctx.axes, ctx.keepdim)
        with np.errstate(invalid="ignore"):  # inf - inf in rows holding +inf: NaN, as torch
            return g * (x - out).exp(), None, None

    @staticmethod
    def backward_array(ctx, grad):
        x, out = ctx.saved_arrays
        kept = _kept_shape(x.shape, ctx.axes)
        g = grad if ctx.keepdim else grad.reshape(kept)
        out = out if ctx.keepdim else out.reshape(kept)
        return g * np.exp(x - out), None, None


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over ``dim``, without overflow (torch.logsumexp)."""
    _check_tensor(input, "logsumexp")
    if input.dtype.kind not in "fc":
        input = input.to(dtypes.get_default_dtype())
    return LogSumExp.apply(input, _axes(dim, input, "logsumexp"), keepdim)


# ---------------------------------------------------------------- cumulative ops
class CumSum(Op):
    @staticmethod
    def forward(ctx, x, axis, dtype):
        ctx.axis = axis
        with np.errstate(invalid="ignore", over="ignore"):
            return np.cumsum(x._data, axis=axis, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _reverse_cumsum(grad, ctx.axis), None, None


def _reverse_cumsum(g: Tensor, axis: int) -> Tensor:
    """sum_{k >= i} g_k along ``axis``, as total - cumsum + g (Tensor ops)."""
    return sum(g, axis, keepdim=True) - CumSum.apply(g, axis, None) + g


class CumProd(Op):
    """Running product. Gradient: for i before the first zero, sum_{k>=i} g_k out_k / x_i; at the
    first zero, the same sum over the running product with that zero replaced by 1; after it, 0."""

    @staticmethod
    def forward(ctx, x, axis, dtype):
        ctx.axis = axis
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.cumprod(x._data, axis=axis, dtype=dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axis = ctx.axis
        zero = x._data == 0
        if not zero.any():
            return _reverse_cumsum(grad * out, axis) / x, None, None
        seen = np.cumsum(zero, axis=axis)
        before = const(seen == 0)
        first = zero & (seen == 1)
        dtype = x._data.dtype
        one, nothing = const(np.ones((), dtype)), const(np.zeros((), dtype))
        safe = where(const(zero), one, x)
        replaced = where(const(first), one, x)
        at_first = _reverse_cumsum(grad * CumProd.apply(replaced, axis, None), axis)
        gx = where(before, _reverse_cumsum(grad * out, axis) / safe,
                   where(const(first), at_first, nothing))
        return gx, None, None


def _cumulative(op_cls, name: str, input: Tensor, dim: int, dtype) -> Tensor:
    _check_tensor(input, name)
    axis = _one_axis(dim, input, name)
    dtype = _sum_dtype(input, dtype)
    if axis is None:
        return op_cls.apply(reshape(input, (1,)), 0, dtype).reshape(())
    return op_cls.apply(input, axis, dtype)


def _cumulative_extreme(op: str, largest: bool, input: Tensor, dim: int):
    _check_tensor(input, op)
    axis = _one_axis(dim, input, op)
    result = getattr(return_types, op)
    if axis is None:
        return result(input * 1 if input.requires_grad else input,
                      const(np.zeros((), dtypes.int64)))
    x = input._data
    running = (np.maximum if largest else np.minimum).accumulate(x, axis=axis)
    # a position is a record when it sets (or ties, or is a NaN) the running extreme; each output
    # takes the latest record so far, as torch does
    record = (x == running) | np.isnan(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    positions = np.arange(x.shape[axis]).reshape(shape)
    idx = np.maximum.accumulate(np.where(record, positions, 0), axis=axis).astype(np.int64)
    from .index import gather
    return result(gather(input, axis, const(idx)), const(idx))


def cummax(input: Tensor, dim: int):
    """Running maximum and the index where it was last reached, a named tuple (torch.cummax)."""
    return _cumulative_extreme("cummax", True, input, dim)


def cummin(input: Tensor, dim: int):
    """Running minimum and the index where it was last reached, a named tuple (torch.cummin)."""
    return _cumulative_extreme("cummin", False, input, dim)


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running sum along ``dim`` (torch.cumsum); ints and bools accumulate in int64."""
    return _cumulative(CumSum, "cumsum", input, dim, dtype)


def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running product along ``dim`` (torch.cumprod), with correct gradients through zeros."""
    return _cumulative(CumProd, "cumprod", input, dim, dtype)


# ---------------------------------------------------------------- norms
class VectorNorm(Op):
    """(sum |x|^p)^(1/p) over axes, with p = inf / -inf (max / min of |x|) and p = 0 (count of
    non-zeros). Where the norm is 0 the gradient is 0, as in torch."""

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        a = np.abs(x._data)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if p == math.inf:
                out = np.max(a, axis=axes, keepdims=keepdim, initial=0)
            elif p == -math.inf:
                out = np.min(a, axis=axes, keepdims=keepdim)
            elif p == 0:
                out = np.sum(a != 0, axis=axes, keepdims=keepdim).astype(a.dtype)
            elif p == 1:
                out = np.sum(a, axis=axes, keepdims=keepdim)
            elif p == 2:
                # scale by the largest entry so squares neither overflow nor underflow
                scale = np.max(a, axis=axes, keepdims=True, initial=0)
                # (an infinite entry leaves the scale at 1, so the norm is inf, not inf / inf)
                scale = np.where((scale > 0) & np.isfinite(scale), scale, 1).astype(
                    a.dtype, copy=False)
                out = np.sqrt(np.sum(np.square(a / scale), axis=axes, keepdims=True)) * scale
                if not keepdim:
                    out = np.squeeze(out, axis=axes)
            else:
                out = np.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        out = np.asarray(out, dtype=a.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p, axes = ctx.p, ctx.axes
        g = _kept(grad, x.shape, axes, ctx.keepdim)
        out = _kept(out, x.shape, axes, ctx.keepdim)
        dtype = x._data.dtype
        sign = const(np.sign(x._data))
        if p == 0:
            return g * const(np.zeros((), dtype)) * x, None, None, None
        if p == 1:
            return g * sign, None, None, None
        if p in (math.inf, -math.inf):
            hit = np.abs(x._data) == out._data
            share = hit / np.maximum(np.sum(hit, axis=axes, keepdims=True), 1)
            return g * sign * const(share.astype(dtype)), None, None, None
        zero_norm = const(out._data == 0)
        safe_norm = where(zero_norm, const(np.ones((), dtype)), out)
        if p == 2:
            scale = where(zero_norm, const(np.zeros((), dtype)), g / safe_norm)
            return scale * x, None, None, None
        # d/dx_i = sign(x_i) |x_i|^(p-1) / norm^(p-1); |x_i|^(p-1) is taken as 0 at x_i = 0
        abs_x = x * sign
        zero_x = const(x._data == 0)
        safe_abs = where(zero_x, const(np.ones((), dtype)), abs_x)
        power = where(zero_x, const(np.zeros((), dtype)), safe_abs ** (p - 1))
        scale = where(zero_norm, const(np.zeros((), dtype)), g / safe_norm ** (p - 1))
        return scale * sign * power, None, None, None


def _norm_order(p, op: str) -> float:
    if isinstance(p, str) or isinstance(p, bool):
        raise RuntimeError(f"{op}: ord must be a number, got {p!r}")
    return float(p)


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The vector p-norm over ``dim`` (all entries by default) (torch.linalg.vector_norm)."""
    _check_tensor(x, "linalg.vector_norm")
    if dtype is not None:
        x = x.to(dtype)
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_torch_dtype_name(x.dtype)}")
    p = _norm_order(ord, "linalg.vector_norm")
    axes = _axes(dim, x, "linalg.vector_norm")
    if p < 0 and x._data.size == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor "
                           f"because the operation does not have an identity")
    return VectorNorm.apply(x, p, axes, keepdim)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """The Frobenius / p-norm over ``dim`` (all entries by default) (torch.norm).

    A number p is the vector p-norm of the entries over ``dim`` (inf, -inf, 0 included); 'fro' is
    the 2-norm. 'nuc' (the nuclear norm) needs an SVD and is not supported.
    """
    _check_tensor(input, "norm")
    if isinstance(p, str):
        if p != "fro":
            raise RuntimeError(f"norm: p={p!r} is not supported (use a number or 'fro')")
        p = 2
    elif p is None:
        p = 2
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


# ---------------------------------------------------------------- logical and counting
def _logical_reduce(op: str, fn, input: Tensor, dim, keepdim: bool) -> Tensor:
    _check_tensor(input, op)
    axes = _axes(dim, input, op)
    out = fn(input._data, axis=axes, keepdims=keepdim)
    # torch keeps uint8 for uint8 inputs, bool otherwise
    dtype = np.uint8 if input._data.dtype == np.uint8 else np.bool_
    return const(np.asarray(out).astype(dtype))


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Whether every element (over ``dim``) is non-zero (torch.all)."""
    return _logical_reduce("all", np.all, input, dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Whether some element (over ``dim``) is non-zero (torch.any)."""
    return _logical_reduce("any", np.any, input, dim, keepdim)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """Number of non-zero elements over ``dim`` (all by default), int64 (torch.count_nonzero)."""
    _check_tensor(input, "count_nonzero")
    axes = _axes(dim, input, "count_nonzero")
    return const(np.asarray(np.count_nonzero(input._data, axis=axes), dtype=np.int64))


# ---------------------------------------------------------------- logcumsumexp
class LogCumSumExp(Op):
    """log(cumsum(exp(x))) by np.logaddexp.accumulate (no overflow, no underflow to -inf); the
    gradient splits the incoming gradient by sign and uses reversed logcumsumexp sums."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        with np.errstate(invalid="ignore"):
            out = np.logaddexp.accumulate(x._data, axis=axis)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axis = ctx.axis
        lowest = float(np.finfo(grad._data.dtype).min)
        nonzero = const(grad._data != 0)
        log_abs = where(nonzero, grad.abs(), 1.0).log()
        pos = where(const(grad._data > 0), log_abs, lowest)
        neg = where(const(grad._data < 0), log_abs, lowest)

        def rev(t):
            return flip(LogCumSumExp.apply(flip(t, (axis,)), axis), (axis,))

        with np.errstate(over="ignore"):
            return (rev(pos - out) + x).exp() - (rev(neg - out) + x).exp(), None


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """log(cumsum(exp(input))) along ``dim``, computed stably (torch.logcumsumexp)."""
    _check_tensor(input, "logcumsumexp")
    if input.dtype.kind != "f":
        input = input.to(dtypes.get_default_dtype())
    if input.ndim == 0:
        norm_dim(dim, 0, "logcumsumexp")
        return LogCumSumExp.apply(reshape(input, (1,)), 0).reshape(())
    return LogCumSumExp.apply(input, norm_dim(dim, input.ndim, "logcumsumexp"))


# ---------------------------------------------------------------- mode
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> tuple:
    """(values, indices) of the most frequent value along ``dim`` (the smallest on ties, its last
    position); the indices are not differentiable (torch.mode)."""
    _check_tensor(input, "mode")
    if input.ndim == 0:
        norm_dim(dim, 0, "mode")
        return return_types.mode(input * 1 if input.requires_grad else input,
                           const(np.zeros((), np.int64)))
    axis = norm_dim(dim, input.ndim, "mode")
    if input.shape[axis] == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    data = np.moveaxis(input._data, axis, -1)
    n = data.shape[-1]
    order = np.argsort(data, axis=-1, kind="stable")
    s = np.take_along_axis(data, order, -1)
    # run lengths of equal sorted values: the mode is the first longest run (smallest value)
    new_run = np.concatenate([np.ones(s.shape[:-1] + (1,), bool), s[..., 1:] != s[..., :-1]], -1)
    run_id = np.cumsum(new_run, -1) - 1
    rows = run_id.size // n
    flat_ids = run_id.reshape(rows, n) + (np.arange(rows) * n)[:, None]
    counts = np.bincount(flat_ids.ravel(), minlength=rows * n).reshape(s.shape)
    best_run = np.argmax(counts, -1)[..., None]
    # last sorted position of that run is its largest original index (stable sort)
    last = np.where(run_id == best_run, np.arange(n), -1).max(-1, keepdims=True)
    idx = np.take_along_axis(order, last, -1)
    idx = np.moveaxis(idx, -1, axis).astype(np.int64)
    values = TakeAlongDim.apply(input, idx, axis, keepdim)
    return return_types.mode(values, const(idx if keepdim else np.squeeze(idx, axis)))


for _name in ("sum", "mean", "nansum", "nanmean", "prod", "var", "std", "var_mean", "std_mean",
              "max", "min", "amax", "amin", "argmax", "argmin", "median", "nanmedian", "logsumexp",
              "cumsum", "cumprod", "cummax", "cummin", "aminmax", "norm", "all", "any",
              "count_nonzero"):
    globals()[_name] = _accepts_axis(globals()[_name])

__all__ = ["sum", "mean", "nansum", "nanmean", "prod", "var", "std", "var_mean", "std_mean",
           "max", "min", "amax", "amin", "argmax", "argmin", "median", "nanmedian", "logsumexp",
           "cumsum", "cumprod", "cummax", "cummin", "aminmax", "norm", "all", "any",
           "count_nonzero", "logcumsumexp", "mode", "return_types"]

METHODS = {
    "sum": sum, "mean": mean, "nansum": nansum, "nanmean": nanmean, "prod": prod, "var": var,
    "std": std, "max": max, "min": min, "amax": amax, "amin": amin, "argmax": argmax,
    "argmin": argmin, "median": median, "nanmedian": nanmedian, "logsumexp": logsumexp,
    "cumsum": cumsum, "cumprod": cumprod, "cummax": cummax, "cummin": cummin,
    "aminmax": aminmax, "norm": norm, "all": all, "any": any,
    "count_nonzero": count_nonzero, "logcumsumexp": logcumsumexp, "mode": mode,
}
