"""Transcendental elementwise ops: exponentials and logarithms, roots, trigonometric and
hyperbolic functions, sigmoid/logit, the error functions, atan2 and xlogy.

Integer and bool inputs are promoted to the default float dtype, as in torch. Values outside a
function's domain give NaN or +-inf silently, as torch does.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from . import _special
from ._base import Op, const, float_operand, quietly
from ._support import direct_write_ok, inplace, not_implemented, write_out
from .elementwise import _float_binary, where
from .elementwise import pow as power
from .shape import sum_to_shape

_QUIET = {"divide": "ignore", "invalid": "ignore", "over": "ignore", "under": "ignore"}
_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _d(x):
    return x._data if isinstance(x, Tensor) else x


class Exp(Op):
    """e ** x (torch.exp); backward from the saved output."""

    @staticmethod
    def forward(ctx, x):
        y = quietly(np.exp, x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * y


class Exp2(Op):
    """2 ** x (torch.exp2)."""

    @staticmethod
    def forward(ctx, x):
        y = quietly(np.exp2, x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * _LN2

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * y * _LN2


class Expm1(Op):
    """exp(x) - 1 (torch.expm1)."""

    @staticmethod
    def forward(ctx, x):
        y = quietly(np.expm1, x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y + 1)

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * (y + 1)


class Log(Op):
    """Natural log, or log to base 2 / 10 (``scale`` = 1 / ln(base)), or log1p."""

    @staticmethod
    def forward(ctx, x, fn, scale, shift):
        ctx.save_for_backward(x)
        ctx.scale, ctx.shift = scale, shift
        return quietly(fn, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        denominator = x if ctx.shift == 0 else x + ctx.shift
        if ctx.scale != 1:
            denominator = denominator * (1.0 / ctx.scale)
        return grad / denominator, None, None, None

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        denominator = x if ctx.shift == 0 else x + ctx.shift
        if ctx.scale != 1:
            denominator = denominator * (1.0 / ctx.scale)
        return grad / denominator, None, None, None


class Sqrt(Op):
    """sqrt(x) (torch.sqrt); backward grad / (2 sqrt(x)) from the saved output."""

    @staticmethod
    def forward(ctx, x):
        y = quietly(np.sqrt, x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (y * 2)

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad / (y * 2)


class Rsqrt(Op):
    """1 / sqrt(x) (torch.rsqrt)."""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(**_QUIET):
            y = 1 / np.sqrt(x._data)
        ctx.save_for_backward(y)
        return y.astype(x._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * y * y * -0.5

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * y * y * y * -0.5


class Sin(Op):
    """sin(x) (torch.sin)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(np.sin, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        return grad * np.cos(x)


class Cos(Op):
    """cos(x) (torch.cos)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(np.cos, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * x.sin()

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        return grad * -np.sin(x)


class Tan(Op):
    """tan(x) (torch.tan); backward 1 + tan(x)**2 from the saved output."""

    @staticmethod
    def forward(ctx, x):
        y = quietly(np.tan, x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y + 1)


class Asin(Op):
    """arcsin, or arccos with ``negate`` (their derivatives differ only in sign)."""

    @staticmethod
    def forward(ctx, x, negate):
        ctx.save_for_backward(x)
        ctx.negate = negate
        return quietly(np.arccos if negate else np.arcsin, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = grad / (1 - x * x).sqrt()
        return (-g if ctx.negate else g), None


class Atan(Op):
    """arctan(x) (torch.atan)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1)


class Atan2(Op):
    """atan2(a, b) (torch.atan2); zero gradient at the origin, like torch."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(_d(a), _d(b))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        radius2 = a * a + b * b
        scale = where(radius2 == 0, 0.0, grad / where(radius2 == 0, 1.0, radius2))
        ga = sum_to_shape(scale * b, a.shape) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(-scale * a, b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class Sinh(Op):
    """sinh(x) (torch.sinh)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(np.sinh, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cosh()

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        return grad * np.cosh(x)


class Cosh(Op):
    """cosh(x) (torch.cosh)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(np.cosh, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sinh()

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        return grad * np.sinh(x)


class Tanh(Op):
    """tanh(x) (torch.tanh); backward 1 - tanh(x)**2 from the saved output."""

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * (1 - y * y)


class Asinh(Op):
    """arcsinh, or arccosh with ``shift`` = -1: d/dx = 1 / sqrt(x**2 + shift)."""

    @staticmethod
    def forward(ctx, x, shift):
        ctx.save_for_backward(x)
        ctx.shift = shift
        with np.errstate(**_QUIET):
            return (np.arcsinh if shift > 0 else np.arccosh)(x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + ctx.shift).sqrt(), None


class Atanh(Op):
    """artanh(x) (torch.atanh)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(np.arctanh, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


def sigmoid_array(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


class Sigmoid(Op):
    """1 / (1 + exp(-x)) (torch.sigmoid), overflow-free; backward y (1 - y)."""

    @staticmethod
    def forward(ctx, x):
        y = sigmoid_array(x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * y * (1 - y)


class Logit(Op):
    """log(x / (1 - x)), the input first clamped to [eps, 1 - eps] when eps is given."""

    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x._data if eps is None else np.clip(x._data, eps, 1 - eps)
        with np.errstate(**_QUIET):
            return np.log(z / (1 - z))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = grad / (x * (1 - x))
        if ctx.eps is not None:
            g = where((x < ctx.eps) | (x > 1 - ctx.eps), 0.0, g)
        return g, None


class Erf(Op):
    """erf, or erfc with ``complement`` (derivative -2/sqrt(pi) exp(-x**2))."""

    @staticmethod
    def forward(ctx, x, complement):
        ctx.save_for_backward(x)
        ctx.complement = complement
        return (_special.erfc if complement else _special.erf)(x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        slope = (-x * x).exp() * (-_TWO_OVER_SQRT_PI if ctx.complement else _TWO_OVER_SQRT_PI)
        return grad * slope, None


class Erfinv(Op):
    """The inverse error function (torch.erfinv); backward sqrt(pi)/2 exp(y**2)."""

    @staticmethod
    def forward(ctx, x):
        y = _special.erfinv(x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y).exp() * (math.sqrt(math.pi) / 2)


class Xlogy(Op):
    """x * log(y), defined as 0 where x == 0 (unless y is NaN)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ad, bd = _d(a), _d(b)
        with np.errstate(**_QUIET):
            return np.where((ad == 0) & ~np.isnan(bd), 0, ad * np.log(bd)).astype(
                np.result_type(ad, bd), copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            nonzero = a != 0
            ga = sum_to_shape(grad * xlogy(nonzero.to(grad.dtype), b), a.shape)
        if ctx.needs_input_grad[1]:
            gb = sum_to_shape(grad * a / b, b.shape)
        return ga, gb


class LogAddExp(Op):
    """log(exp(a) + exp(b)) without overflow (torch.logaddexp), or with ``base2`` the base-2
    version (torch.logaddexp2); gradients sigmoid(a - b) and sigmoid(b - a) (in units of ln 2)."""

    @staticmethod
    def forward(ctx, a, b, base2):
        ctx.save_for_backward(a, b)
        ctx.scale = _LN2 if base2 else 1.0
        return quietly(np.logaddexp2 if base2 else np.logaddexp, a._data, b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        diff = (a - b) * ctx.scale if ctx.scale != 1.0 else a - b
        ga = sum_to_shape(grad * diff.sigmoid(), a.shape) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(grad * (-diff).sigmoid(), b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb, None


class Hypot(Op):
    """sqrt(a**2 + b**2) without overflow (torch.hypot); gradients a / out and b / out."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a._data, b._data)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        ga = sum_to_shape(grad * a / out, a.shape) if ctx.needs_input_grad[0] else None
        gb = sum_to_shape(grad * b / out, b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class Copysign(Op):
    """|a| with the sign of b (torch.copysign); the sign gets no gradient, and a gets none at 0."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(_d(a), _d(b))
        ctx.save_for_backward(a, out)
        ctx.b_meta = (b.shape, b.dtype) if isinstance(b, Tensor) else None
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        ga = None
        if ctx.needs_input_grad[0]:
            ratio = where(a == 0, 0.0, out / where(a == 0, 1.0, a))
            ga = sum_to_shape(grad * ratio, a.shape)
        gb = const(np.zeros(*ctx.b_meta)) if ctx.needs_input_grad[1] else None
        return ga, gb


class Sinc(Op):
    """sin(pi x) / (pi x), 1 at 0 (torch.sinc)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        px = np.pi * x._data
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x._data == 0, 1.0, np.sin(px) / px).astype(x._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        zero = x == 0
        safe = where(zero, 1.0, x) * math.pi
        slope = (safe.cos() * safe - safe.sin()) / (safe * safe) * math.pi
        return grad * where(zero, 0.0, slope)


def _unary(name, make):
    def fn(input: Tensor, *, out=None) -> Tensor:
        if out is None and input._data.dtype.kind == "f":  # nothing to promote or write
            return make(input)
        return write_out(make(float_operand(input)), out, name)

    fn.__name__ = name
    return fn


exp = _unary("exp", Exp.apply)
exp2 = _unary("exp2", Exp2.apply)
expm1 = _unary("expm1", Expm1.apply)
log = _unary("log", lambda x: Log.apply(x, np.log, 1.0, 0))
log2 = _unary("log2", lambda x: Log.apply(x, np.log2, 1.0 / _LN2, 0))
log10 = _unary("log10", lambda x: Log.apply(x, np.log10, 1.0 / _LN10, 0))
log1p = _unary("log1p", lambda x: Log.apply(x, np.log1p, 1.0, 1))
sqrt = _unary("sqrt", Sqrt.apply)
rsqrt = _unary("rsqrt", Rsqrt.apply)
sin = _unary("sin", Sin.apply)
cos = _unary("cos", Cos.apply)
tan = _unary("tan", Tan.apply)
asin = _unary("asin", lambda x: Asin.apply(x, False))
acos = _unary("acos", lambda x: Asin.apply(x, True))
atan = _unary("atan", Atan.apply)
sinh = _unary("sinh", Sinh.apply)
cosh = _unary("cosh", Cosh.apply)
tanh = _unary("tanh", Tanh.apply)
asinh = _unary("asinh", lambda x: Asinh.apply(x, 1.0))
acosh = _unary("acosh", lambda x: Asinh.apply(x, -1.0))
atanh = _unary("atanh", Atanh.apply)
sigmoid = _unary("sigmoid", Sigmoid.apply)
erf = _unary("erf", lambda x: Erf.apply(x, False))
erfc = _unary("erfc", lambda x: Erf.apply(x, True))
erfinv = _unary("erfinv", Erfinv.apply)
_DOCS = {
    "exp": "e ** x", "exp2": "2 ** x", "expm1": "exp(x) - 1, accurate near 0",
    "log": "natural logarithm", "log2": "base-2 logarithm", "log10": "base-10 logarithm",
    "log1p": "log(1 + x), accurate near 0", "sqrt": "square root",
    "rsqrt": "1 / sqrt(x)", "sin": "sine", "cos": "cosine", "tan": "tangent",
    "asin": "arcsine", "acos": "arccosine", "atan": "arctangent",
    "sinh": "hyperbolic sine", "cosh": "hyperbolic cosine", "tanh": "hyperbolic tangent",
    "asinh": "inverse hyperbolic sine", "acosh": "inverse hyperbolic cosine",
    "atanh": "inverse hyperbolic tangent",
    "sigmoid": "1 / (1 + exp(-x)), computed without overflow", "erf": "the error function",
    "erfc": "1 - erf(x), accurate in the tails", "erfinv": "the inverse error function",
}
for _name, _doc in _DOCS.items():
    globals()[_name].__doc__ = f"Elementwise {_doc}; integers promote to float (torch.{_name})."


def logit(input: Tensor, eps: float | None = None, *, out=None) -> Tensor:
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] if eps is given (torch.logit)."""
    return write_out(Logit.apply(float_operand(input), eps), out, "logit")


def atan2(input, other, *, out=None) -> Tensor:
    """The angle of (other, input), quadrant-aware (torch.atan2)."""
    for name, x in (("input", input), ("other", other)):
        if not isinstance(x, Tensor):
            raise TypeError(f"atan2(): argument '{name}' must be Tensor, not {type(x).__name__}")
    a, b = _float_binary("atan2", input, other)
    return write_out(Atan2.apply(a, b), out, "atan2")


def _float_tensors(op: str, input, other):
    for name, x in (("input", input), ("other", other)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")
        if x.dtype.kind != "f":
            raise not_implemented(f"{op}_cpu", x.dtype)
    return _float_binary(op, input, other)


def logaddexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """log(exp(input) + exp(other)), computed stably (torch.logaddexp)."""
    a, b = _float_tensors("logaddexp", input, other)
    return write_out(LogAddExp.apply(a, b, False), out, "logaddexp")


def logaddexp2(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """log2(2**input + 2**other), computed stably (torch.logaddexp2)."""
    a, b = _float_tensors("logaddexp2", input, other)
    return write_out(LogAddExp.apply(a, b, True), out, "logaddexp2")


def hypot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """sqrt(input**2 + other**2) (torch.hypot)."""
    a, b = _float_tensors("hypot", input, other)
    return write_out(Hypot.apply(a, b), out, "hypot")


def copysign(input, other, *, out=None) -> Tensor:
    """|input| with the sign of other; integers promote to float (torch.copysign)."""
    a, b = _float_binary("copysign", input, other)
    return write_out(Copysign.apply(a, b), out, "copysign")


def sinc(input: Tensor, *, out=None) -> Tensor:
    """The normalised sinc, sin(pi x) / (pi x) (torch.sinc)."""
    return write_out(Sinc.apply(float_operand(input)), out, "sinc")


def deg2rad(input: Tensor, *, out=None) -> Tensor:
    """Degrees to radians (torch.deg2rad)."""
    return write_out(float_operand(input) * (math.pi / 180.0), out, "deg2rad")


def rad2deg(input: Tensor, *, out=None) -> Tensor:
    """Radians to degrees (torch.rad2deg)."""
    return write_out(float_operand(input) * (180.0 / math.pi), out, "rad2deg")


def float_power(input, exponent, *, out=None) -> Tensor:
    """input ** exponent computed in float64 (torch.float_power)."""
    def f64(x):
        return x.to(np.float64) if isinstance(x, Tensor) else float(x)

    return write_out(power(f64(input), f64(exponent)), out, "float_power")


def heaviside(input: Tensor, values: Tensor, *, out=None) -> Tensor:
    """0 where input < 0, values where input == 0, 1 where input > 0; no gradient
    (torch.heaviside)."""
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    result = np.where(input._data == 0, values._data, input._data > 0).astype(input.dtype)
    return write_out(const(result), out, "heaviside")


def xlogy(input, other, *, out=None) -> Tensor:
    """input * log(other), 0 where input == 0 (torch.xlogy)."""
    a, b = _float_binary("xlogy", input, other)
    if not isinstance(a, Tensor):
        a = const(np.asarray(a, b.dtype))
    if not isinstance(b, Tensor):
        b = const(np.asarray(b, a.dtype))
    return write_out(Xlogy.apply(a, b), out, "xlogy")


__all__ = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos",
           "tan", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2",
           "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh",
           "sigmoid", "logit", "erf", "erfc", "erfinv", "xlogy", "logaddexp", "logaddexp2",
           "hypot", "copysign", "sinc", "deg2rad", "rad2deg", "float_power", "heaviside"]
arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh

METHODS = {name: globals()[name] for name in __all__}


def _direct_sqrt(self, **kwargs):
    if kwargs or not direct_write_ok(self):
        return False
    with np.errstate(invalid="ignore"):
        np.sqrt(self._data, out=self._data)
    return True


for _name in __all__:
    if _name in ("logaddexp", "logaddexp2"):  # torch has no in-place forms of these
        continue
    METHODS[_name + "_"] = inplace(globals()[_name], _name + "_",
                                   _direct_sqrt if _name == "sqrt" else None)
