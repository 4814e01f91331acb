"""Elementwise arithmetic: add, sub, mul, div, pow, remainder/fmod, neg, abs, sign, reciprocal,
square, positive, maximum/minimum/fmax/fmin, where, casts, and the Tensor operators.

Each op is one class (forward on arrays, backward in Tensor ops) and a lowercase function; the
METHODS table at the bottom binds the Tensor methods and operators. Sibling modules hold the other
kinds: transcendental.py (exp, log, trig, erf...), activation.py, ternary.py (clamp, lerp, addcmul,
addcdiv), rounding.py, comparison.py and fill.py (zero_, fill_, copy_, uniform_, ...); the
in-place method builder and ``out=`` handling they all use are in _support.py.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from ._base import _FP_QUIET, _FP_STATE, Op, binary_operands, const, float_operand, quietly
from ._names import named
from ._support import alias, direct_write_ok, inplace, not_implemented, write_out
from .shape import sum_array_to_shape, sum_to_shape


def _d(x):
    return x._data if isinstance(x, Tensor) else x


def _shape(x):
    return x._data.shape if isinstance(x, Tensor) else ()


def _ashape(x):
    """The shape of a saved operand in backward_array: an array's, or () for a Python number."""
    return x.shape if type(x) is np.ndarray else ()


def _zeros(shape, dtype) -> Tensor:
    return const(np.zeros(shape, dtype))


def _int_kinds(*xs) -> bool:
    return all(np.asarray(_d(x)).dtype.kind in "iub" for x in xs)


def _check_int_divisor(op: str, a, b) -> None:
    if all(np.asarray(_d(x)).dtype.kind == "b" for x in (a, b)):
        raise not_implemented(f"{op}_cpu", np.bool_)
    if _int_kinds(a, b) and np.any(np.asarray(_d(b)) == 0):
        raise RuntimeError(f"{op}: ZeroDivisionError (integer division by zero)")


# ---------------------------------------------------------------- arithmetic
class Add(Op):
    """a + alpha * b (torch.add); gradients summed back to each input's shape."""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ad = a._data if isinstance(a, Tensor) else a
        bd = b._data if isinstance(b, Tensor) else b
        if ctx._recording:
            ctx.shapes = (ad.shape if isinstance(a, Tensor) else (),
                          bd.shape if isinstance(b, Tensor) else ())
            ctx.alpha = alpha
        return ad + (bd if alpha == 1 else bd * alpha)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        ga = sum_to_shape(grad, sa) if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            gb = sum_to_shape(grad if ctx.alpha == 1 else grad * ctx.alpha, sb)
        return ga, gb, None

    @staticmethod
    def backward_array(ctx, grad):
        sa, sb = ctx.shapes
        edges = ctx._edges
        ga = sum_array_to_shape(grad, sa) if edges[0] is not None else None
        gb = None
        if edges[1] is not None:
            gb = sum_array_to_shape(grad if ctx.alpha == 1 else grad * ctx.alpha, sb)
        return ga, gb, None


class Sub(Op):
    """a - alpha * b (torch.sub)."""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ad = a._data if isinstance(a, Tensor) else a
        bd = b._data if isinstance(b, Tensor) else b
        if ctx._recording:
            ctx.shapes = (ad.shape if isinstance(a, Tensor) else (),
                          bd.shape if isinstance(b, Tensor) else ())
            ctx.alpha = alpha
        return ad - (bd if alpha == 1 else bd * alpha)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        ga = sum_to_shape(grad, sa) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(-grad if ctx.alpha == 1 else grad * -ctx.alpha, sb) \
            if ctx.needs_input_grad[1] else None
        return ga, gb, None

    @staticmethod
    def backward_array(ctx, grad):
        sa, sb = ctx.shapes
        edges = ctx._edges
        ga = sum_array_to_shape(grad, sa) if edges[0] is not None else None
        gb = sum_array_to_shape(-grad if ctx.alpha == 1 else grad * -ctx.alpha, sb) \
            if edges[1] is not None else None
        return ga, gb, None


class Mul(Op):
    """a * b (torch.mul)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ad = a._data if isinstance(a, Tensor) else a
        bd = b._data if isinstance(b, Tensor) else b
        if type(bd) is float and -1.0 <= bd <= 1.0 and bd != 0.0:  # no overflow, no inf * 0
            return np.multiply(ad, bd)
        if _FP_STATE is None:
            return quietly(np.multiply, ad, bd)
        # quietly(), inlined on the hottest op: inf * 0 in masked gradients and overflow to inf
        # are silent, as in torch
        token = _FP_STATE.set(_FP_QUIET)
        try:
            return np.multiply(ad, bd)
        finally:
            _FP_STATE.reset(token)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = sum_to_shape(grad * b, _shape(a)) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(grad * a, _shape(b)) if ctx.needs_input_grad[1] else None
        return ga, gb

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx.saved_arrays
        edges = ctx._edges
        ga = gb = None
        if edges[0] is not None:
            ga = sum_array_to_shape(grad * b, a.shape if type(a) is np.ndarray else ())
        if edges[1] is not None:
            gb = sum_array_to_shape(grad * a, b.shape if type(b) is np.ndarray else ())
        return ga, gb


class Div(Op):
    """a / b, true division (torch.div)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return quietly(np.true_divide, _d(a), _d(b))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = sum_to_shape(grad / b, _shape(a)) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(-grad * a / (b * b), _shape(b)) if ctx.needs_input_grad[1] else None
        return ga, gb

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx.saved_arrays
        edges = ctx._edges
        ga = sum_array_to_shape(grad / b, _ashape(a)) if edges[0] is not None else None
        gb = sum_array_to_shape(-grad * a / (b * b), _ashape(b)) if edges[1] is not None \
            else None
        return ga, gb


class RoundedDiv(Op):
    """a / b rounded toward -inf ('floor') or toward zero ('trunc'); a step function, so both
    gradients are zero, as in torch."""

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        ctx.metas = tuple((x.shape, x.dtype) if isinstance(x, Tensor) else None for x in (a, b))
        ad, bd = _d(a), _d(b)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if rounding_mode == "floor":
                res = np.floor_divide(ad, bd)
            else:
                res = np.trunc(np.true_divide(ad, bd))
        dtype = a.dtype if isinstance(a, Tensor) else b.dtype
        return np.asarray(res).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (*(None if m is None else _zeros(*m) for m in ctx.metas), None)


class Remainder(Op):
    """a - b * floor(a / b) (Python's %, torch.remainder), or with ``truncate`` C's fmod."""

    @staticmethod
    def forward(ctx, a, b, truncate):
        ctx.save_for_backward(a, b)
        ctx.truncate = truncate
        ad, bd = _d(a), _d(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.fmod(ad, bd)
            if not truncate:
                if out.dtype.kind == "f":  # torch's rule: a zero keeps fmod's sign
                    out = np.where((out != 0) & ((bd < 0) != (out < 0)), out + bd, out)
                else:
                    out = np.remainder(ad, bd)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = sum_to_shape(grad, _shape(a)) if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            quotient = div(a, b, rounding_mode="trunc" if ctx.truncate else "floor")
            gb = sum_to_shape(-grad * quotient, _shape(b))
        return ga, gb, None


class Neg(Op):
    """-x (torch.neg)."""

    @staticmethod
    def forward(ctx, x):
        return np.negative(x._data)

    @staticmethod
    def backward(ctx, grad):
        return -grad

    @staticmethod
    def backward_array(ctx, grad):
        return -grad


class Pow(Op):
    """x ** y for tensor or scalar base and exponent; d/dy uses log(x), 0 where x == 0, y >= 0."""

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = _d(a), _d(b)
        dtype = dtypes.result_type(a, b)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if _int_kinds(a, b) and np.any(np.asarray(bd) < 0):
                out = _int_pow_negative(np.asarray(ad), np.asarray(bd), dtype)
            else:
                out = np.power(ad, bd)
        out = np.asarray(out).astype(dtype, copy=False)
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
                gb = where((a == 0) & (b >= 0), 0.0, grad * out * a.log())
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    log_a = float(np.log(float(a)))
                gb = where(b >= 0, 0.0, grad * out * log_a) if a == 0 else grad * out * log_a
            gb = sum_to_shape(gb, _shape(b))
        return ga, gb

    @staticmethod
    def backward_array(ctx, grad):
        a, b, out = ctx.saved_arrays
        edges = ctx._edges
        ga = gb = None
        if edges[0] is not None:
            if type(b) is np.ndarray:
                ga = grad * b * np.where(b == 0, a.dtype.type(1), a) ** (b - 1)
                ga = np.where(b == 0, ga.dtype.type(0), ga)
            elif b == 0:
                ga = grad * 0.0
            else:
                ga = grad * b * a ** (b - 1)
            ga = sum_array_to_shape(ga, _ashape(a))
        if edges[1] is not None:
            if type(a) is np.ndarray:
                gb = grad * out * np.log(a)
                gb = np.where((a == 0) & (b >= 0), gb.dtype.type(0), gb)
            else:
                log_a = float(np.log(float(a)))
                gb = grad * out * log_a
                if a == 0:
                    gb = np.where(b >= 0, gb.dtype.type(0), gb)
            gb = sum_array_to_shape(gb, _ashape(b))
        return ga, gb


def _int_pow_negative(base: np.ndarray, exponent: np.ndarray, dtype) -> np.ndarray:
    """Integer powers with negative exponents truncate like torch: 1, +-1 for base -1, else 0."""
    base, exponent = np.broadcast_arrays(base.astype(dtype), exponent.astype(dtype))
    out = np.power(base, np.maximum(exponent, 0))
    neg = exponent < 0
    odd = (exponent % 2) == 1
    out[neg] = np.where(base[neg] == 1, 1, np.where(base[neg] == -1, np.where(odd[neg], -1, 1), 0))
    return out


def _float_binary(op, a, b):
    a, b = binary_operands(op, a, b)
    if isinstance(a, Tensor) and a._data.dtype.kind not in "fc":
        a = float_operand(a)
        if isinstance(b, Tensor):
            b = b.to(a.dtype)
    elif isinstance(b, Tensor) and b._data.dtype.kind not in "fc":
        b = float_operand(b)
    return a, b


def _check_bool_sub(a, b) -> None:
    if any(isinstance(x, (bool, np.bool_)) or (isinstance(x, Tensor) and x._data.dtype.kind == "b")
           for x in (a, b)):
        raise RuntimeError("sub: Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def add(input, other, *, alpha=1, out=None) -> Tensor:
    """input + alpha * other, with broadcasting (torch.add)."""
    a, b = binary_operands("add", input, other)
    result = Add.apply(a, b, alpha)
    return result if out is None else write_out(result, out, "add")


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """input - alpha * other (torch.sub); refused for bool operands, like torch."""
    _check_bool_sub(input, other)
    a, b = binary_operands("sub", input, other)
    result = Sub.apply(a, b, alpha)
    return result if out is None else write_out(result, out, "sub")


def mul(input, other, *, out=None) -> Tensor:
    """input * other (torch.mul)."""
    a, b = binary_operands("mul", input, other)
    result = Mul.apply(a, b)
    return result if out is None else write_out(result, out, "mul")


def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division, or 'floor' / 'trunc' rounding (zero gradient for the rounded forms)."""
    if rounding_mode is None:
        a, b = _float_binary("div", input, other)
        result = Div.apply(a, b)
        return result if out is None else write_out(result, out, "div")
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    a, b = binary_operands("div", input, other)
    _check_int_divisor(f"div_{rounding_mode}", a, b)
    return write_out(RoundedDiv.apply(a, b, rounding_mode), out, "div")


def true_divide(input, other, *, out=None) -> Tensor:
    """Alias of div without rounding (torch.true_divide)."""
    return div(input, other, out=out)


def floor_divide(input, other, *, out=None) -> Tensor:
    """Division rounded toward -inf, no gradient (torch.floor_divide)."""
    return div(input, other, rounding_mode="floor", out=out)


def remainder(input, other, *, out=None) -> Tensor:
    """Python-style modulus, sign of the divisor (torch.remainder)."""
    a, b = binary_operands("remainder", input, other)
    _check_int_divisor("remainder", a, b)
    return write_out(Remainder.apply(a, b, False), out, "remainder")


def fmod(input, other, *, out=None) -> Tensor:
    """C-style modulus, sign of the dividend (torch.fmod)."""
    a, b = binary_operands("fmod", input, other)
    _check_int_divisor("fmod", a, b)
    return write_out(Remainder.apply(a, b, True), out, "fmod")


def neg(input, *, out=None) -> Tensor:
    """-input (torch.neg); refused for bool, like torch."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("neg: Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return write_out(Neg.apply(input), out, "neg")


def pow(input, exponent, *, out=None) -> Tensor:
    """input ** exponent; either may be a tensor or a Python number (torch.pow)."""
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if isinstance(exponent, (int, np.integer)) and not isinstance(exponent, bool) and \
                input._data.dtype.kind in "iub" and exponent < 0:
            raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
    if isinstance(exponent, Tensor) and exponent._data.dtype.kind == "b" and (
            isinstance(input, (bool, np.bool_)) or
            (isinstance(input, Tensor) and input._data.dtype.kind == "b")):
        raise not_implemented("pow", exponent.dtype)
    a, b = binary_operands("pow", input, exponent)
    result = Pow.apply(a, b)
    if isinstance(exponent, Tensor):  # torch: PowBackward1 (tensor ** tensor), 2 (number ** tensor)
        named(result, "PowBackward1" if isinstance(input, Tensor) else "PowBackward2")
    return write_out(result, out, "pow")


def rsub(input, other, alpha=1) -> Tensor:
    """other - alpha * input (torch.rsub)."""
    return sub(other, input, alpha=alpha)


def square(input, *, out=None) -> Tensor:
    """input * input; bool squares to int64 like torch (torch.square)."""
    return pow(input, 2, out=out)


class Reciprocal(Op):
    """1 / x (torch.reciprocal); backward -grad / x**2 from the saved output."""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(divide="ignore"):
            y = np.reciprocal(x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return -grad * y * y

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return -grad * y * y


def reciprocal(input, *, out=None) -> Tensor:
    """1 / input, integers promoted to float (torch.reciprocal)."""
    return write_out(Reciprocal.apply(float_operand(input)), out, "reciprocal")


class Abs(Op):
    """|x| (torch.abs); gradient sign(x), 0 at 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sign(x)


def abs(input, *, out=None) -> Tensor:
    """|input|, gradient sign(input) (0 at 0) (torch.abs)."""
    if input._data.dtype.kind == "b":
        raise not_implemented("abs_cpu", input.dtype)
    return write_out(Abs.apply(input), out, "abs")


class Sign(Op):
    """-1, 0 or 1; the gradient is zero everywhere, as in torch."""

    @staticmethod
    def forward(ctx, x):
        ctx.in_shape, ctx.in_dtype = x._data.shape, x._data.dtype
        if x._data.dtype.kind == "b":
            return x._data.copy()
        out = np.sign(x._data)
        if x._data.dtype.kind == "f":
            out = np.where(np.isnan(out), 0.0, out)  # torch: sign(NaN) == 0
        return out

    @staticmethod
    def backward(ctx, grad):
        return _zeros(ctx.in_shape, ctx.in_dtype)


def sign(input, *, out=None) -> Tensor:
    """The sign of each element (torch.sign); zero gradient."""
    return write_out(Sign.apply(input), out, "sign")


def sgn(input, *, out=None) -> Tensor:
    """sign for real tensors (torch.sgn)."""
    return sign(input, out=out)


def positive(input: Tensor) -> Tensor:
    """The input itself; refused for bool like torch (torch.positive)."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("positive: The `+` operator, on a bool tensor is not supported.")
    return input


# ---------------------------------------------------------------- maximum / minimum
class Maximum(Op):
    """Elementwise max; on ties each input gets half the gradient, NaN passes both (torch)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a._data, b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_ties(ctx, grad, a, b, a < b, a > b)

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx.saved_arrays
        return _split_ties_array(ctx, grad, a, b, a < b, a > b)


class Minimum(Op):
    """Elementwise min (torch.minimum); ties split the gradient like Maximum."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a._data, b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_ties(ctx, grad, a, b, a > b, a < b)

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx.saved_arrays
        return _split_ties_array(ctx, grad, a, b, a > b, a < b)


def _split_ties_array(ctx, grad, a, b, a_loses, b_loses):
    shared = np.where(a == b, grad * 0.5, grad)
    zero = shared.dtype.type(0)
    edges = ctx._edges
    ga = sum_array_to_shape(np.where(a_loses, zero, shared), a.shape) \
        if edges[0] is not None else None
    gb = sum_array_to_shape(np.where(b_loses, zero, shared), b.shape) \
        if edges[1] is not None else None
    return ga, gb


def _split_ties(ctx, grad, a, b, a_loses, b_loses):
    shared = where(a == b, grad * 0.5, grad)
    ga = sum_to_shape(where(a_loses, 0.0, shared), a.shape) if ctx.needs_input_grad[0] else None
    gb = sum_to_shape(where(b_loses, 0.0, shared), b.shape) if ctx.needs_input_grad[1] else None
    return ga, gb


class Fmax(Op):
    """max ignoring NaN (torch.fmax); ties send the whole gradient to the first input."""

    @staticmethod
    def forward(ctx, a, b, largest):
        ctx.save_for_backward(a, b)
        ctx.largest = largest
        return (np.fmax if largest else np.fmin)(a._data, b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_wins = ((a >= b) if ctx.largest else (a <= b)) | b.isnan()
        ga = sum_to_shape(where(a_wins, grad, 0.0), a.shape) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(where(a_wins, 0.0, grad), b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb, None


def _tensor_pair(op: str, input, other):
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        bad = other if isinstance(input, Tensor) else input
        raise TypeError(f"{op}(): argument 'other' must be Tensor, not {type(bad).__name__}")
    return binary_operands(op, input, other)


def maximum(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise maximum of two tensors, NaN-propagating (torch.maximum)."""
    return write_out(Maximum.apply(*_tensor_pair("maximum", input, other)), out, "maximum")


def minimum(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise minimum of two tensors, NaN-propagating (torch.minimum)."""
    return write_out(Minimum.apply(*_tensor_pair("minimum", input, other)), out, "minimum")


def fmax(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise maximum that prefers numbers to NaN (torch.fmax)."""
    a, b = _tensor_pair("fmax", input, other)
    return write_out(Fmax.apply(a, b, True), out, "fmax")


def fmin(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise minimum that prefers numbers to NaN (torch.fmin)."""
    a, b = _tensor_pair("fmin", input, other)
    return write_out(Fmax.apply(a, b, False), out, "fmin")


# ---------------------------------------------------------------- selection and casts
class Where(Op):
    """condition ? a : b (torch.where); each branch gets the gradient where it was chosen."""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        ctx.shapes = (_shape(a), _shape(b))
        return np.where(cond._data, _d(a), _d(b))

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        sa, sb = ctx.shapes
        zero = _zeros((), grad.dtype)
        ga = sum_to_shape(where(cond, grad, zero), sa) if ctx.needs_input_grad[1] else None
        gb = sum_to_shape(where(cond, zero, grad), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb

    @staticmethod
    def backward_array(ctx, grad):
        (cond,) = ctx.saved_arrays
        sa, sb = ctx.shapes
        edges = ctx._edges
        zero = grad.dtype.type(0)
        ga = sum_array_to_shape(np.where(cond, grad, zero), sa) if edges[1] is not None else None
        gb = sum_array_to_shape(np.where(cond, zero, grad), sb) if edges[2] is not None else None
        return None, ga, gb


def where(condition, input=None, other=None, *, out=None) -> Tensor:
    """Pick from ``input`` where ``condition`` holds, else ``other`` (torch.where); with only a
    condition, the indices of its nonzero elements."""
    if input is None and other is None:
        return tuple(const(i) for i in np.nonzero(_d(condition)))
    cond = condition if isinstance(condition, Tensor) else const(np.asarray(condition))
    if cond._data.dtype.kind != "b":
        raise RuntimeError(f"where: expected condition to be a bool tensor, got {cond.dtype}")
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        a, b = binary_operands("where", input, other)
    else:
        dt = dtypes.result_type(input, other)
        a, b = const(np.asarray(input, dt)), other
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        b = const(np.asarray(b, a.dtype))
    elif isinstance(b, Tensor) and not isinstance(a, Tensor):
        a = const(np.asarray(a, b.dtype))
    try:
        np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        raise RuntimeError(f"where: condition {tuple(cond.shape)}, input {tuple(a.shape)} and "
                           f"other {tuple(b.shape)} are not broadcastable") from None
    return write_out(Where.apply(cond, a, b), out, "where")


class Cast(Op):
    """dtype conversion; the gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.in_dtype = x._data.dtype
        return x._data.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return cast(grad, ctx.in_dtype), None

    @staticmethod
    def backward_array(ctx, grad):
        return grad.astype(ctx.in_dtype), None


def cast(x: Tensor, dtype) -> Tensor:
    """x converted to ``dtype``; differentiable between floating dtypes (Tensor.to)."""
    dtype = dtypes.as_dtype(dtype)
    if x._data.dtype == dtype:
        return x
    if dtype.kind != "c" and not dtypes.is_floating(dtype) and x.requires_grad:
        return const(x._data.astype(dtype))
    return Cast.apply(x, dtype)


_inplace, _alias = inplace, alias  # the names other modules import from here


def _operand(x):
    return x._data if isinstance(x, Tensor) else x


def _direct_binary(ufunc):
    def direct(self, other, *, alpha=1, **kwargs):
        if kwargs or not direct_write_ok(self, other):
            return False
        if isinstance(other, Tensor):
            od = other._data if alpha == 1 else np.multiply(other._data, alpha)
        else:
            od = other * alpha
        quietly(ufunc, self._data, od, self._data)
        return True

    return direct


def _direct_product(ufunc):
    def direct(self, other, **kwargs):
        if kwargs.get("rounding_mode") is not None or not direct_write_ok(self, other):
            return False
        quietly(ufunc, self._data, _operand(other), self._data)
        return True

    return direct


def _r(fn):
    def reflected(self, other):
        return fn(other, self)

    return reflected


def _operator(op, fn, reflected: bool = False):
    """Tensor.__mul__ and friends. A float tensor with a Python number, or with a float tensor of
    its dtype and shape, needs no promotion, broadcasting check or ``out=``: straight to the op.
    Everything else goes through the public function ``fn`` (torch's rules and errors)."""

    def method(self, other):
        data = self._data
        kind = type(other)
        if kind is float or kind is int:
            if data.dtype.kind == "f":
                return op.apply(other, self) if reflected else op.apply(self, other)
        elif isinstance(other, Tensor) and data.dtype.kind == "f" and \
                data.dtype is other._data.dtype and data.shape == other._data.shape:
            return op.apply(other, self) if reflected else op.apply(self, other)
        return fn(other, self) if reflected else fn(self, other)

    return method


def _matmul(a, b):
    from .linalg import matmul
    return matmul(a, b)


__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
           "floor_divide", "remainder", "fmod", "neg", "negative", "pow", "rsub", "square",
           "reciprocal", "abs", "absolute", "sign", "sgn", "positive", "maximum", "minimum",
           "fmax", "fmin", "where"]
subtract, multiply, divide, negative, absolute = sub, mul, div, neg, abs

METHODS = {
    "add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div,
    "divide": div, "true_divide": true_divide, "floor_divide": floor_divide,
    "remainder": remainder, "fmod": fmod, "neg": neg, "negative": neg, "pow": pow,
    "square": square, "reciprocal": reciprocal, "abs": abs, "absolute": abs, "sign": sign,
    "sgn": sgn, "positive": positive, "maximum": maximum, "minimum": minimum, "fmax": fmax,
    "fmin": fmin,
    "where": lambda self, condition, other: where(condition, self, other),
    "__add__": _operator(Add, add), "__radd__": _operator(Add, add, True),
    "__sub__": _operator(Sub, sub), "__rsub__": _operator(Sub, sub, True),
    "__mul__": _operator(Mul, mul), "__rmul__": _operator(Mul, mul, True),
    "__truediv__": _operator(Div, div), "__rtruediv__": _operator(Div, div, True), "__neg__": neg,
    "__pow__": pow, "__rpow__": _r(pow), "__floordiv__": floor_divide,
    "__rfloordiv__": _r(floor_divide), "__mod__": remainder, "__rmod__": _r(remainder),
    "__abs__": abs, "__pos__": positive,
}
_DIRECT = {"add_": _direct_binary(np.add), "sub_": _direct_binary(np.subtract),
           "mul_": _direct_product(np.multiply), "div_": _direct_product(np.true_divide),
           "__iadd__": _direct_binary(np.add), "__isub__": _direct_binary(np.subtract),
           "__imul__": _direct_product(np.multiply),
           "__itruediv__": _direct_product(np.true_divide)}
for _name, _fn in [("add_", add), ("sub_", sub), ("subtract_", sub), ("mul_", mul),
                   ("multiply_", mul), ("div_", div), ("divide_", div),
                   ("true_divide_", true_divide), ("floor_divide_", floor_divide),
                   ("remainder_", remainder), ("fmod_", fmod), ("pow_", pow), ("neg_", neg),
                   ("negative_", neg), ("square_", square), ("reciprocal_", reciprocal),
                   ("abs_", abs), ("absolute_", abs), ("sign_", sign), ("sgn_", sgn),
                   ("__iadd__", add), ("__isub__", sub), ("__imul__", mul),
                   ("__itruediv__", div), ("__ifloordiv__", floor_divide),
                   ("__imod__", remainder), ("__ipow__", pow), ("__imatmul__", _matmul)]:
    METHODS[_name] = inplace(_fn, _name, _DIRECT.get(_name))
