"""Comparisons, logical and bitwise ops, and value tests (isnan, isclose, ...): bool results
with no gradient. nan_to_num is here too, with torch's gradient (1 where the input is finite).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._base import Op, binary_operands, const
from ._support import inplace, not_implemented, torch_dtype_name, write_out
from .elementwise import where


def _d(x):
    return x._data if isinstance(x, Tensor) else x


def _kind(x) -> str:
    return np.asarray(_d(x)).dtype.kind


def _compare(name, fn, symbol):
    def compare(input, other, *, out=None) -> Tensor:
        a, b = binary_operands(name, input, other)
        return write_out(const(np.asarray(fn(_d(a), _d(b)))), out, name)

    compare.__name__ = name
    compare.__doc__ = f"Elementwise input {symbol} other, a bool tensor (torch.{name})."
    return compare


eq = _compare("eq", np.equal, "==")
ne = _compare("ne", np.not_equal, "!=")
lt = _compare("lt", np.less, "<")
le = _compare("le", np.less_equal, "<=")
gt = _compare("gt", np.greater, ">")
ge = _compare("ge", np.greater_equal, ">=")


def _bitwise(name, fn):
    def bitwise(input, other, *, out=None) -> Tensor:
        a, b = binary_operands(name, input, other)
        for x in (a, b):
            if _kind(x) not in "biu":
                raise not_implemented(f"{name}_cpu", np.asarray(_d(x)).dtype)
        return write_out(const(np.asarray(fn(_d(a), _d(b)))), out, name)

    bitwise.__name__ = name
    bitwise.__doc__ = f"Elementwise {name} of integer or bool tensors (torch.{name})."
    return bitwise


bitwise_and = _bitwise("bitwise_and", np.bitwise_and)
bitwise_or = _bitwise("bitwise_or", np.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor)


def bitwise_not(input: Tensor, *, out=None) -> Tensor:
    """Elementwise NOT of an integer or bool tensor (torch.bitwise_not, the ~ operator)."""
    if input._data.dtype.kind not in "biu":
        raise not_implemented("bitwise_not_cpu", input.dtype)
    return write_out(const(np.invert(input._data)), out, "bitwise_not")


def _logical(name, fn):
    def logical(input, other, *, out=None) -> Tensor:
        if not isinstance(input, Tensor) or not isinstance(other, Tensor):
            raise TypeError(f"{name}(): expected two Tensors, got {type(input).__name__} and "
                            f"{type(other).__name__}")
        try:
            result = fn(input._data, other._data)
        except ValueError:
            raise RuntimeError(f"{name}: shapes {tuple(input.shape)} and {tuple(other.shape)} "
                               f"are not broadcastable") from None
        return write_out(const(np.asarray(result)), out, name)

    logical.__name__ = name
    logical.__doc__ = f"Elementwise {name} treating nonzero as True; a bool tensor (torch.{name})."
    return logical


logical_and = _logical("logical_and", np.logical_and)
logical_or = _logical("logical_or", np.logical_or)
logical_xor = _logical("logical_xor", np.logical_xor)


def logical_not(input: Tensor, *, out=None) -> Tensor:
    """Elementwise NOT treating nonzero as True (torch.logical_not)."""
    return write_out(const(np.logical_not(input._data)), out, "logical_not")


def _float_test(name, fn):
    def test(input: Tensor) -> Tensor:
        data = input._data
        if data.dtype.kind not in "fc":
            return const(np.zeros(data.shape, bool))
        return const(fn(data))

    test.__name__ = name
    test.__doc__ = f"Elementwise {name}, False for integer and bool tensors (torch.{name})."
    return test


isnan = _float_test("isnan", np.isnan)
isinf = _float_test("isinf", np.isinf)
isposinf = _float_test("isposinf", np.isposinf)
isneginf = _float_test("isneginf", np.isneginf)


def isfinite(input: Tensor) -> Tensor:
    """Elementwise test for finite values; always True for integers (torch.isfinite)."""
    if input._data.dtype.kind not in "fc":
        return const(np.ones(input._data.shape, bool))
    return const(np.isfinite(input._data))


def isreal(input: Tensor) -> Tensor:
    """True everywhere for real tensors (torch.isreal)."""
    return const(np.ones(input._data.shape, bool))


def signbit(input: Tensor, *, out=None) -> Tensor:
    """Whether the sign bit is set, True for -0.0 (torch.signbit)."""
    data = input._data
    result = np.signbit(data) if data.dtype.kind in "fiu" else np.zeros(data.shape, bool)
    return write_out(const(result), out, "signbit")


class NanToNum(Op):
    """Replace NaN and infinities; the gradient passes where the input was finite (torch)."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x._data, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(isfinite(x), grad, 0.0), None, None, None


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None, *, out=None) -> Tensor:
    """NaN -> ``nan``, +-inf -> ``posinf``/``neginf`` (default: the dtype's largest finite
    values) (torch.nan_to_num)."""
    if input._data.dtype.kind not in "fc":
        return write_out(const(input._data.copy()), out, "nan_to_num")
    return write_out(NanToNum.apply(input, nan, posinf, neginf), out, "nan_to_num")


def _same_dtype(op: str, input: Tensor, other: Tensor) -> None:
    if input.dtype != other.dtype:
        raise RuntimeError(f"{op}: {torch_dtype_name(input.dtype)} did not match "
                           f"{torch_dtype_name(other.dtype)}")


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (torch.isclose)."""
    _same_dtype("isclose", input, other)
    if rtol < 0 or atol < 0:
        raise RuntimeError(f"isclose: rtol and atol must be non-negative, got rtol={rtol}, "
                           f"atol={atol}")
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            result = np.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                equal_nan=equal_nan)
    except ValueError:
        raise RuntimeError(f"isclose: shapes {tuple(input.shape)} and {tuple(other.shape)} are "
                           f"not broadcastable") from None
    return const(np.asarray(result))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element is close (torch.allclose)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and values (torch.equal)."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def _operator(fn):
    def compare(self, other):
        # `t == None` is False and `t < None` a TypeError in torch: let Python decide
        if other is None or isinstance(other, str):
            return NotImplemented
        return fn(self, other)

    compare.__name__ = f"__{fn.__name__}__"
    return compare


def _r(fn):
    def reflected(self, other):
        return fn(other, self)

    return reflected


__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal",
           "not_equal", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "logical_and",
           "logical_or", "logical_xor", "logical_not", "isnan", "isinf", "isposinf", "isneginf",
           "isfinite", "isreal", "signbit", "nan_to_num", "isclose", "allclose", "equal"]
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne

METHODS = {
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "greater": gt, "less": lt,
    "greater_equal": ge, "less_equal": le, "not_equal": ne, "bitwise_and": bitwise_and,
    "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "logical_not": logical_not, "isnan": isnan, "isinf": isinf, "isposinf": isposinf,
    "isneginf": isneginf, "isfinite": isfinite, "isreal": isreal, "signbit": signbit,
    "nan_to_num": nan_to_num, "isclose": isclose, "allclose": allclose, "equal": equal,
    "__eq__": _operator(eq), "__ne__": _operator(ne), "__lt__": _operator(lt),
    "__le__": _operator(le), "__gt__": _operator(gt), "__ge__": _operator(ge),
    "__and__": bitwise_and, "__rand__": _r(bitwise_and), "__or__": bitwise_or,
    "__ror__": _r(bitwise_or), "__xor__": bitwise_xor, "__rxor__": _r(bitwise_xor),
    "__invert__": bitwise_not,
}
for _name, _fn in [("eq_", eq), ("ne_", ne), ("lt_", lt), ("le_", le), ("gt_", gt), ("ge_", ge),
                   ("logical_and_", logical_and), ("logical_or_", logical_or),
                   ("logical_xor_", logical_xor), ("logical_not_", logical_not),
                   ("bitwise_and_", bitwise_and), ("bitwise_or_", bitwise_or),
                   ("bitwise_xor_", bitwise_xor), ("bitwise_not_", bitwise_not),
                   ("nan_to_num_", nan_to_num), ("__iand__", bitwise_and),
                   ("__ior__", bitwise_or), ("__ixor__", bitwise_xor)]:
    METHODS[_name] = inplace(_fn, _name)
