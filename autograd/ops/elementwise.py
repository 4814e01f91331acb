"""Elementwise ops: arithmetic, powers, exponentials, activations, comparisons, casts.

Each op is one class (forward on arrays, backward in Tensor ops) and a lowercase function; the
METHODS table at the bottom binds the Tensor methods and operators.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from ._base import Op, binary_operands, const, float_operand
from .shape import sum_to_shape


def _d(x):
    return x.data if isinstance(x, Tensor) else x


def _shape(x):
    return x.data.shape if isinstance(x, Tensor) else ()


# ---------------------------------------------------------------- arithmetic
class Add(Op):
    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.shapes = (_shape(a), _shape(b))
        ctx.alpha = alpha
        bd = _d(b)
        return _d(a) + (bd if alpha == 1 else bd * alpha)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        ga = sum_to_shape(grad, sa) if na else None
        gb = None
        if nb:
            gb = sum_to_shape(grad if ctx.alpha == 1 else grad * ctx.alpha, sb)
        return ga, gb


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.shapes = (_shape(a), _shape(b))
        ctx.alpha = alpha
        bd = _d(b)
        return _d(a) - (bd if alpha == 1 else bd * alpha)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        ga = sum_to_shape(grad, sa) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(-grad if ctx.alpha == 1 else grad * -ctx.alpha, sb) \
            if ctx.needs_input_grad[1] else None
        return ga, gb


class Mul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _d(a) * _d(b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = sum_to_shape(grad * b, _shape(a)) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(grad * a, _shape(b)) if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Op):
    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.true_divide(_d(a), _d(b))
        ctx.save_for_backward(a, b)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = sum_to_shape(grad / b, _shape(a)) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(-grad * a / (b * b), _shape(b)) if ctx.needs_input_grad[1] else None
        return ga, gb


class Neg(Op):
    @staticmethod
    def forward(ctx, x):
        return np.negative(x.data)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Op):
    """x ** y for tensor or scalar base and exponent; d/dy uses log(x), 0 where x == 0."""

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.power(_d(a), _d(b))
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            if isinstance(b, Tensor):
                ga = grad * b * where(b == 0, 1.0, a) ** (b - 1)
                ga = where(b == 0, 0.0, ga)
            elif b == 0:
                ga = grad * 0.0
            else:
                ga = grad * b * a ** (b - 1)
            ga = sum_to_shape(ga, _shape(a))
        if ctx.needs_input_grad[1]:
            if isinstance(a, Tensor):
                safe = where(a == 0, 1.0, a)
                gb = where((a == 0) & (b >= 0), 0.0, grad * out * safe.log())
            else:
                gb = grad * out * float(np.log(a)) if a > 0 else grad * 0.0
            gb = sum_to_shape(gb, _shape(b))
        return ga, gb


def _float_binary(op, a, b):
    a, b = binary_operands(op, a, b)
    if isinstance(a, Tensor) and a.data.dtype.kind not in "fc":
        a = float_operand(a)
        if isinstance(b, Tensor):
            b = b.to(a.dtype)
    elif isinstance(b, Tensor) and b.data.dtype.kind not in "fc":
        b = float_operand(b)
    return a, b


def add(input, other, *, alpha=1, out=None) -> Tensor:
    """input + alpha * other, with broadcasting (torch.add)."""
    a, b = binary_operands("add", input, other)
    return Add.apply(a, b, alpha)


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """input - alpha * other (torch.sub)."""
    a, b = binary_operands("sub", input, other)
    if isinstance(a, Tensor) and a.data.dtype.kind == "b" and isinstance(b, Tensor) \
            and b.data.dtype.kind == "b":
        raise RuntimeError("sub: subtraction with two bool tensors is not supported; use "
                           "logical_xor() or the ^ operator instead")
    return Sub.apply(a, b, alpha)


def mul(input, other, *, out=None) -> Tensor:
    """input * other (torch.mul)."""
    a, b = binary_operands("mul", input, other)
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division, or 'floor' / 'trunc' rounding (no gradient for the rounded forms)."""
    if rounding_mode is None:
        a, b = _float_binary("div", input, other)
        return Div.apply(a, b)
    a, b = binary_operands("div", input, other)
    with np.errstate(divide="ignore", invalid="ignore"):
        if rounding_mode == "floor":
            ad, bd = _d(a), _d(b)
            res = np.floor_divide(ad, bd) if np.asarray(ad).dtype.kind in "iub" and \
                np.asarray(bd).dtype.kind in "iub" else np.floor(np.true_divide(ad, bd))
        elif rounding_mode == "trunc":
            ad, bd = _d(a), _d(b)
            res = np.trunc(np.true_divide(ad, bd))
            if np.asarray(ad).dtype.kind in "iub" and np.asarray(bd).dtype.kind in "iub":
                res = res.astype(np.result_type(ad, bd))
        else:
            raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                             f"but found '{rounding_mode}'")
    dt = a.dtype if isinstance(a, Tensor) else b.dtype
    return const(np.asarray(res).astype(dt, copy=False))


def true_divide(input, other) -> Tensor:
    return div(input, other)


def floor_divide(input, other) -> Tensor:
    return div(input, other, rounding_mode="floor")


def remainder(input, other) -> Tensor:
    """Python-style modulus; gradient 1 w.r.t. input (torch.remainder)."""
    a, b = binary_operands("remainder", input, other)
    return sub(a, mul(floor_divide(a, b).detach(), b))


def neg(input) -> Tensor:
    if input.data.dtype.kind == "b":
        raise RuntimeError("neg: negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Neg.apply(input)


def pow(input, exponent) -> Tensor:
    """input ** exponent; either may be a tensor or a Python number (torch.pow)."""
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if isinstance(exponent, (int, np.integer)) and input.data.dtype.kind in "iu" \
                and exponent < 0:
            raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
    a, b = binary_operands("pow", input, exponent)
    return Pow.apply(a, b)


def rsub(input, other, alpha=1) -> Tensor:
    return sub(other, input, alpha=alpha)


# ---------------------------------------------------------------- unary math
class Exp(Op):
    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            y = np.exp(x.data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Log(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Tanh(Op):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x.data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)


class Sigmoid(Op):
    @staticmethod
    def forward(ctx, x):
        xd = x.data
        # exp of a non-positive number never overflows: split by sign
        e = np.exp(-np.abs(xd))
        y = np.where(xd >= 0, 1 / (1 + e), e / (1 + e)).astype(xd.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)


class Relu(Op):
    @staticmethod
    def forward(ctx, x):
        y = np.maximum(x.data, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y > 0).to(grad.dtype)


class Cast(Op):
    """dtype conversion; the gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.in_dtype = x.data.dtype
        return x.data.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return cast(grad, ctx.in_dtype), None


def cast(x: Tensor, dtype) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    if x.data.dtype == dtype:
        return x
    if dtype.kind not in "fc" and x.requires_grad:
        return const(x.data.astype(dtype))
    return Cast.apply(x, dtype)


def exp(input) -> Tensor:
    return Exp.apply(float_operand(input))


def log(input) -> Tensor:
    return Log.apply(float_operand(input))


def tanh(input) -> Tensor:
    return Tanh.apply(float_operand(input))


def sigmoid(input) -> Tensor:
    return Sigmoid.apply(float_operand(input))


def relu(input) -> Tensor:
    return Relu.apply(input)


# ---------------------------------------------------------------- comparisons and selection
def _compare(name, fn):
    def compare(input, other) -> Tensor:
        a, b = binary_operands(name, input, other)
        return const(fn(_d(a), _d(b)))

    compare.__name__ = name
    compare.__doc__ = f"Elementwise {name} comparison, a bool tensor (torch.{name})."
    return compare


eq = _compare("eq", np.equal)
ne = _compare("ne", np.not_equal)
lt = _compare("lt", np.less)
le = _compare("le", np.less_equal)
gt = _compare("gt", np.greater)
ge = _compare("ge", np.greater_equal)


def _logical(name, fn):
    def logical(input, other) -> Tensor:
        a, b = binary_operands(name, input, other)
        ad, bd = _d(a), _d(b)
        if np.asarray(ad).dtype.kind not in "biu" or np.asarray(bd).dtype.kind not in "biu":
            raise RuntimeError(f"{name}: only integer and bool tensors are supported, got "
                               f"{np.asarray(ad).dtype} and {np.asarray(bd).dtype}")
        return const(np.asarray(fn(ad, bd)))

    logical.__name__ = name
    return logical


bitwise_and = _logical("bitwise_and", np.bitwise_and)
bitwise_or = _logical("bitwise_or", np.bitwise_or)
bitwise_xor = _logical("bitwise_xor", np.bitwise_xor)


def bitwise_not(input) -> Tensor:
    if input.data.dtype.kind not in "biu":
        raise RuntimeError(f"bitwise_not: only integer and bool tensors are supported, got "
                           f"{input.dtype}")
    return const(np.invert(input.data))


class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        c = cond.data
        ctx.save_for_backward(cond)
        ctx.shapes = (_shape(a), _shape(b))
        return np.where(c, _d(a), _d(b))

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        sa, sb = ctx.shapes
        zero = const(np.zeros((), grad.dtype))
        ga = sum_to_shape(where(cond, grad, zero), sa) if ctx.needs_input_grad[1] else None
        gb = sum_to_shape(where(cond, zero, grad), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb


def where(condition, input=None, other=None) -> Tensor:
    """Pick from ``input`` where ``condition`` holds, else ``other`` (torch.where)."""
    if input is None and other is None:
        return tuple(const(i) for i in np.nonzero(_d(condition)))
    cond = condition if isinstance(condition, Tensor) else const(np.asarray(condition))
    if cond.data.dtype.kind != "b":
        raise RuntimeError(f"where: expected condition to be a bool tensor, got {cond.dtype}")
    a, b = binary_operands("where", input, other) if (
        isinstance(input, Tensor) or isinstance(other, Tensor)) else (
        const(np.asarray(input, dtypes.get_default_dtype())), other)
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        b = const(np.asarray(b, a.dtype))
    elif isinstance(b, Tensor) and not isinstance(a, Tensor):
        a = const(np.asarray(a, b.dtype))
    try:
        np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        raise RuntimeError(f"where: condition {tuple(cond.shape)}, input {tuple(a.shape)} and "
                           f"other {tuple(b.shape)} are not broadcastable") from None
    return Where.apply(cond, a, b)


# ---------------------------------------------------------------- method table
def _r(fn):
    def reflected(self, other):
        return fn(other, self)

    return reflected


def _inplace(fn, name):
    def method(self, *args, **kwargs):
        self._check_inplace(name)
        if not self.requires_grad and not any(isinstance(a, Tensor) and a.requires_grad
                                              for a in args):
            from ..grad_mode import no_grad
            with no_grad():
                result = fn(self, *args, **kwargs)
        else:
            result = fn(Tensor._make(self.data, self.requires_grad, self.grad_fn)
                        if self.grad_fn is None else _alias(self), *args, **kwargs)
        return self._assign(result, name)

    method.__name__ = name
    return method


def _alias(t: Tensor) -> Tensor:
    a = Tensor._make(t.data, t.requires_grad, t.grad_fn)
    a._output_nr = t._output_nr
    a._version = t._version
    return a


def _matmul(a, b):
    from .linalg import matmul
    return matmul(a, b)


__all__ = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "neg", "pow", "rsub", "exp", "log", "tanh", "sigmoid", "relu", "eq", "ne", "lt", "le", "gt", "ge", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "where"]

METHODS = {
    "add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div,
    "divide": div, "true_divide": true_divide, "floor_divide": floor_divide,
    "remainder": remainder, "neg": neg, "negative": neg, "pow": pow, "exp": exp, "log": log,
    "tanh": tanh, "sigmoid": sigmoid, "relu": relu, "eq": eq, "ne": ne, "lt": lt, "le": le,
    "gt": gt, "ge": ge, "greater": gt, "less": lt, "greater_equal": ge, "less_equal": le,
    "not_equal": ne, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
    "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not, "where": lambda self, c, o: where(
        c, self, o),
    "__add__": add, "__radd__": _r(add), "__sub__": sub, "__rsub__": _r(sub), "__mul__": mul,
    "__rmul__": _r(mul), "__truediv__": div, "__rtruediv__": _r(div), "__neg__": neg,
    "__pow__": pow, "__rpow__": _r(pow), "__floordiv__": floor_divide,
    "__rfloordiv__": _r(floor_divide), "__mod__": remainder, "__rmod__": _r(remainder),
    "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
    "__and__": bitwise_and, "__rand__": _r(bitwise_and), "__or__": bitwise_or,
    "__ror__": _r(bitwise_or), "__xor__": bitwise_xor, "__rxor__": _r(bitwise_xor),
    "__invert__": bitwise_not, "__pos__": lambda self: self,
}
for _name, _fn in [("add_", add), ("sub_", sub), ("mul_", mul), ("div_", div), ("pow_", pow),
                   ("exp_", exp), ("log_", log), ("tanh_", tanh), ("sigmoid_", sigmoid),
                   ("relu_", relu), ("neg_", neg), ("__iadd__", add), ("__isub__", sub),
                   ("__imul__", mul), ("__itruediv__", div), ("__ipow__", pow),
                   ("__imatmul__", _matmul), ("remainder_", remainder)]:
    METHODS[_name] = _inplace(_fn, _name)
