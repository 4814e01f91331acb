"""What every built-in op shares: the Op base class and operand preparation."""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..creation import as_array
from ..function import Function
from ..tensor import Tensor

try:  # numpy >= 2 keeps its floating-point error state in a context variable
    from numpy._core._ufunc_config import _extobj_contextvar as _FP_STATE

    with np.errstate(all="ignore"):
        _FP_QUIET = _FP_STATE.get()
except ImportError:  # older numpy: the public (slower) context manager
    _FP_STATE = _FP_QUIET = None


def quietly(fn, *args):
    """``fn(*args)`` with numpy's floating-point warnings off (inf * 0, overflow to inf: values
    torch returns silently), for about a quarter of what ``np.errstate`` costs per call."""
    if _FP_STATE is None:
        with np.errstate(all="ignore"):
            return fn(*args)
    token = _FP_STATE.set(_FP_QUIET)
    try:
        return fn(*args)
    finally:
        _FP_STATE.reset(token)


class Op(Function):
    """A built-in Function: forward reads ``x._data`` arrays, backward is written in Tensor ops."""

    _builtin = True


def const(array) -> Tensor:
    """Wrap an array as a constant tensor (no graph)."""
    return Tensor._make(array if isinstance(array, np.ndarray) else np.asarray(array), False, None)


def to_tensor(x, dtype=None) -> Tensor:
    """Tensors pass through; arrays, lists and numbers become constant tensors."""
    if isinstance(x, Tensor):
        return x
    return Tensor._make(np.asarray(as_array(x, dtype)), False, None)


def _is_scalar(x) -> bool:
    return isinstance(x, (int, float, bool, np.number, np.bool_))


def broadcast_check(op: str, a: Tensor, b: Tensor) -> None:
    if a._data.shape != b._data.shape:
        try:
            np.broadcast_shapes(a._data.shape, b._data.shape)
        except ValueError:
            raise RuntimeError(
                f"{op}: shapes {tuple(a.shape)} and {tuple(b.shape)} are not broadcastable "
                f"(sizes must match or be 1 in every trailing dimension)") from None


def binary_operands(op: str, a, b):
    """Apply torch's type promotion to the operands of a binary op.

    Python scalars stay Python scalars (numpy treats them as weak, as torch does) unless they are
    of a higher kind than the tensor (int tensor * 0.5), in which case the tensor is cast.
    """
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    # fast paths (every op pays for this function): a float tensor with a Python float or int,
    # or two tensors of one dtype and one shape, need no promotion and no broadcasting check
    if ta:
        if type(b) is float or type(b) is int:
            if a._data.dtype.kind == "f":
                return a, b
        elif tb and a._data.dtype is b._data.dtype and a._data.shape == b._data.shape:
            return a, b
    elif tb and (type(a) is float or type(a) is int) and b._data.dtype.kind == "f":
        return a, b
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if da is not db and da != db:
            target = dtypes.result_type(a, b)
            if da != target:
                a = a.to(target)
            if db != target:
                b = b.to(target)
        broadcast_check(op, a, b)
        return a, b
    # numpy scalars (np.float64(0.5), np.sqrt(2.0)) count as Python numbers, as in torch;
    # numpy itself would let them upcast a float32 array
    if isinstance(a, np.generic):
        a = a.item()
    if isinstance(b, np.generic):
        b = b.item()
    if ta:
        a = _with_scalar(op, a, b)
        return a, (_wrapped(a, b) if _is_scalar(b) else _scalar_tensor(op, a, b))
    if tb:
        b = _with_scalar(op, b, a)
        return (_wrapped(b, a) if _is_scalar(a) else _scalar_tensor(op, b, a)), b
    raise TypeError(f"{op}: expected at least one Tensor, got {type(a).__name__} and "
                    f"{type(b).__name__}")


def _with_scalar(op: str, t: Tensor, s) -> Tensor:
    if not _is_scalar(s):
        return t
    cat_t = dtypes._category(t._data.dtype)
    cat_s = dtypes._scalar_category(s)
    if cat_s > cat_t:
        return t.to(dtypes.get_default_dtype() if cat_s == 2 else dtypes.int64)
    return t


def _wrapped(t: Tensor, s):
    """An int scalar out of an integer tensor's range wraps to the tensor's dtype, as torch
    converts it (uint8 * 300 multiplies by 44); numpy would raise OverflowError."""
    if type(s) is not int or t._data.dtype.kind not in "iu":
        return s
    info = np.iinfo(t._data.dtype)
    if info.min <= s <= info.max:
        return s
    s %= 1 << info.bits
    return s - (1 << info.bits) if info.min < 0 and s > info.max else s


def _scalar_tensor(op: str, t: Tensor, other):
    if isinstance(other, (np.ndarray, list, tuple)):
        other = to_tensor(other)
        _, other = binary_operands(op, t, other) if isinstance(t, Tensor) else (t, other)
        return other
    raise TypeError(f"{op}: unsupported operand type {type(other).__name__} with a Tensor")


def float_operand(x: Tensor) -> Tensor:
    """Integer and bool inputs of floating ops are promoted to the default float, like torch."""
    if x.dtype.kind not in "fc":
        return x.to(dtypes.get_default_dtype())
    return x


def norm_dim(dim: int, ndim: int, op: str) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
            f"but got {dim})")
    return dim % n


def norm_dims(dim, ndim: int, op: str) -> tuple:
    """Normalise None / int / tuple of dims to a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (norm_dim(int(dim), ndim, op),)
    dims = tuple(norm_dim(int(d), ndim, op) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"{op}: dim {tuple(dim)} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims else tuple(range(ndim))
