"""Activation functions as primitive ops: relu, relu6/hardtanh, leaky_relu, the ELU family (elu,
selu, celu), gelu, silu, mish, softplus, softsign, hardsigmoid, hardswish, logsigmoid, threshold,
prelu.

Every forward and backward is written so that inputs of +-1e4 give finite values and no numpy
warnings (exp only ever sees non-positive arguments). Gradients at the kinks match torch's.
Only the names torch has as ``torch.<name>`` are exported in ``__all__``; the rest are for
``nn.functional``, listed in ``FUNCTIONAL`` (import them from ``autograd.ops.activation``).
"""

from __future__ import annotations

import math

import numpy as np

from .. import grad_mode
from ..tensor import Tensor
from . import _special
from ._base import Op, float_operand
from ._support import inplace, not_implemented
from .elementwise import where
from .shape import sum_to_shape
from .transcendental import sigmoid as sigmoid
from .transcendental import sigmoid_array
from .transcendental import tanh as tanh

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_BETA = math.sqrt(2.0 / math.pi)
_GELU_KAPPA = 0.044715


def _float_input(op: str, input: Tensor) -> Tensor:
    if input.dtype.kind not in "fc":
        raise not_implemented(f"{op}_cpu", input.dtype)
    return input


def _not_bool(op: str, input: Tensor) -> Tensor:
    if input._data.dtype.kind == "b":
        raise RuntimeError(f"{op}: Bool inputs not supported for {op}")
    return input


# inf * 0 and inf / inf give NaN, as in torch, without warnings
_QUIET = {"invalid": "ignore", "over": "ignore"}


def _softplus_array(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) for any z without overflow."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


class Relu(Op):
    """max(x, 0) (torch.relu); gradient 0 at 0, like torch."""

    @staticmethod
    def forward(ctx, x):
        y = np.maximum(x._data, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return where(y > 0, grad, 0.0)

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * (y > 0)   # a bool mask: ~40x faster than np.where on large arrays


class Hardtanh(Op):
    """x clipped to [min_val, max_val]; the gradient passes strictly inside (torch)."""

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.bounds = (min_val, max_val)
        kind = x._data.dtype.type
        return np.minimum(np.maximum(x._data, kind(min_val)), kind(max_val))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return where((x > lo) & (x < hi), grad, 0.0), None, None

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        lo, hi = ctx.bounds
        return grad * ((x > lo) & (x < hi)), None, None


class LeakyRelu(Op):
    """x if x > 0 else slope * x (torch.nn.functional.leaky_relu)."""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x._data > 0, x._data, x._data * slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x > 0, grad, grad * ctx.slope), None

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        return np.where(x > 0, grad, grad * ctx.slope), None


class Elu(Op):
    """scale * (x if x > 0 else alpha * (exp(x * input_scale) - 1)): elu, selu and celu."""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.params = (alpha, scale, input_scale)
        xd = x._data
        negative = np.expm1(np.minimum(xd, 0) * input_scale) * (alpha * scale)
        return np.where(xd > 0, xd * scale, negative).astype(xd.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.params
        slope = (x.clamp(max=0.0) * input_scale).exp() * (alpha * scale * input_scale)
        return where(x > 0, grad * scale, grad * slope), None, None, None


class Gelu(Op):
    """x * Phi(x) with Phi the normal CDF, or its tanh approximation."""

    @staticmethod
    def forward(ctx, x, approximate):
        xd = x._data
        ctx.approximate = approximate
        with np.errstate(**_QUIET):
            if approximate == "tanh":
                ctx.save_for_backward(x)
                inner = _GELU_BETA * (xd + _GELU_KAPPA * xd * xd * xd)
                return 0.5 * xd * (1 + np.tanh(inner))
            cdf = 0.5 * _special.erfc(xd * -_INV_SQRT2)  # no cancellation for x < 0
            ctx.save_for_backward(x, cdf)
            return xd * cdf

    @staticmethod
    def backward(ctx, grad):
        if ctx.approximate == "tanh":
            (x,) = ctx.saved_tensors
            x2 = x * x
            t = ((x + x2 * x * _GELU_KAPPA) * _GELU_BETA).tanh()
            d_inner = (x2 * (3 * _GELU_KAPPA) + 1) * _GELU_BETA
            return grad * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * d_inner), None
        x, cdf = ctx.saved_tensors
        if grad_mode.is_grad_enabled():  # double backward: the CDF must be differentiable too
            cdf = (x * -_INV_SQRT2).erfc() * 0.5
        pdf = (x * x * -0.5).exp() * _INV_SQRT_2PI
        return grad * (cdf + x * pdf), None

    @staticmethod
    def backward_array(ctx, grad):
        if ctx.approximate == "tanh":
            (x,) = ctx.saved_arrays
            x2 = x * x
            t = np.tanh((x + x2 * x * _GELU_KAPPA) * _GELU_BETA)
            d_inner = (x2 * (3 * _GELU_KAPPA) + 1) * _GELU_BETA
            return grad * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * d_inner), None
        x, cdf = ctx.saved_arrays
        pdf = np.exp(x * x * -0.5) * _INV_SQRT_2PI
        return grad * (cdf + x * pdf), None


class Silu(Op):
    """x * sigmoid(x) (torch.nn.functional.silu)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(**_QUIET):
            return x._data * sigmoid_array(x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = x.sigmoid()
        return grad * s * (x * (1 - s) + 1)

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        s = sigmoid_array(x)
        return grad * s * (x * (1 - s) + 1)


class Mish(Op):
    """x * tanh(softplus(x)) (torch.nn.functional.mish)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(**_QUIET):
            return x._data * np.tanh(_softplus_array(x._data))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = softplus(x).tanh()
        return grad * (t + x * x.sigmoid() * (1 - t * t))


class Softplus(Op):
    """log(1 + exp(beta x)) / beta, and exactly x where beta x > threshold."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.params = (beta, threshold)
        z = x._data * beta
        return np.where(z > threshold, x._data, _softplus_array(z) / beta).astype(
            x._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        beta, threshold = ctx.params
        z = x * beta
        return where(z > threshold, grad, grad * z.sigmoid()), None, None


class Softsign(Op):
    """x / (1 + |x|) (torch.nn.functional.softsign)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(**_QUIET):
            return x._data / (1 + np.abs(x._data))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        denominator = x.abs() + 1
        return grad / (denominator * denominator)


class Hardsigmoid(Op):
    """relu6(x + 3) / 6 (torch.nn.functional.hardsigmoid); gradient strictly inside (-3, 3)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.minimum(np.maximum(x._data + 3, 0), 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where((x > -3) & (x < 3), grad * (1 / 6), 0.0)


class Hardswish(Op):
    """x * relu6(x + 3) / 6 (torch.nn.functional.hardswish); torch's gradient at +-3."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(**_QUIET):
            return x._data * np.minimum(np.maximum(x._data + 3, 0), 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x <= -3, 0.0, where(x < 3, grad * (x * (1 / 3) + 0.5), grad))


class Logsigmoid(Op):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)) (torch.nn.functional.logsigmoid)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.minimum(x._data, 0) - np.log1p(np.exp(-np.abs(x._data)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-x).sigmoid()


class Threshold(Op):
    """value where x <= threshold, else x (NaN passes); the gradient is cut where replaced."""

    @staticmethod
    def forward(ctx, x, threshold, value):
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return np.where(x._data <= threshold, x._data.dtype.type(value), x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x <= ctx.threshold, 0.0, grad), None, None


class Prelu(Op):
    """x where x > 0, else weight * x; weight already shaped to broadcast over the channels."""

    @staticmethod
    def forward(ctx, x, weight):
        ctx.save_for_backward(x, weight)
        return np.where(x._data > 0, x._data, x._data * weight._data)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        positive = x > 0
        gx = where(positive, grad, grad * weight) if ctx.needs_input_grad[0] else None
        gw = sum_to_shape(where(positive, 0.0, grad * x), weight.shape) \
            if ctx.needs_input_grad[1] else None
        return gx, gw


# ---------------------------------------------------------------- public functions
def relu(input: Tensor) -> Tensor:
    """max(x, 0) (torch.relu)."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("relu: Boolean inputs not supported for relu")
    return Relu.apply(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """x clipped to [min_val, max_val] (torch.nn.functional.hardtanh)."""
    if min_val > max_val:
        raise ValueError("hardtanh: min_val cannot be greater than max_val")
    return Hardtanh.apply(_not_bool("hardtanh", input), min_val, max_val)


def relu6(input: Tensor) -> Tensor:
    """min(max(x, 0), 6) (torch.nn.functional.relu6)."""
    return hardtanh(input, 0.0, 6.0)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x for x > 0, negative_slope * x otherwise (torch.nn.functional.leaky_relu)."""
    return LeakyRelu.apply(_float_input("leaky_relu", input), negative_slope)


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise (torch.nn.functional.elu)."""
    return Elu.apply(_float_input("elu", input), alpha, 1.0, 1.0)


def selu(input: Tensor) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants (torch.selu)."""
    return Elu.apply(_float_input("elu", input), _SELU_ALPHA, _SELU_SCALE, 1.0)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (torch.celu)."""
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError (alpha must not be 0)")
    return Elu.apply(_float_input("elu", input), alpha, 1.0, 1.0 / alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), or the tanh approximation (torch.nn.functional.gelu)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either none or tanh, got "
                           f"'{approximate}'")
    return Gelu.apply(_float_input("GeluKernelImpl", input), approximate)


def silu(input: Tensor) -> Tensor:
    """x * sigmoid(x) (torch.nn.functional.silu)."""
    return Silu.apply(_float_input("silu", input))


def mish(input: Tensor) -> Tensor:
    """x * tanh(softplus(x)) (torch.nn.functional.mish)."""
    return Mish.apply(_float_input("mish", input))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear above threshold (torch.nn.functional.softplus)."""
    return Softplus.apply(_float_input("softplus", input), beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|) (torch.nn.functional.softsign)."""
    if input.dtype.kind == "b":
        raise not_implemented("abs_cpu", input.dtype)
    return Softsign.apply(float_operand(input))


def hardsigmoid(input: Tensor) -> Tensor:
    """relu6(x + 3) / 6 (torch.nn.functional.hardsigmoid)."""
    return Hardsigmoid.apply(_float_input("hardsigmoid", input))


def hardswish(input: Tensor) -> Tensor:
    """x * relu6(x + 3) / 6 (torch.nn.functional.hardswish)."""
    return Hardswish.apply(_float_input("hardswish", input))


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), finite for any x (torch.nn.functional.logsigmoid)."""
    return Logsigmoid.apply(_float_input("log_sigmoid_forward", input))


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """x where x > threshold, else value (torch.threshold)."""
    if input.dtype.kind == "b":
        raise not_implemented("threshold_cpu", input.dtype)
    return Threshold.apply(input, threshold, value)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight * min(0, x), weight per channel (dim 1) or shared (torch.prelu)."""
    _float_input("prelu", input)
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {input.dtype} and "
                           f"{weight.dtype}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(f"prelu: Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {n} and channel size = {channels}.")
    if n == 1:
        shaped = weight.reshape(())
    else:
        shaped = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return Prelu.apply(input, shaped)


def _inplace_fn(name: str, fn):
    method = inplace(fn, name)

    def apply_inplace(input: Tensor, *args, **kwargs) -> Tensor:
        return method(input, *args, **kwargs)

    apply_inplace.__name__ = name
    apply_inplace.__doc__ = f"In-place {name[:-1]} (torch.{name})."
    return apply_inplace


relu_ = _inplace_fn("relu_", relu)
selu_ = _inplace_fn("selu_", selu)
celu_ = _inplace_fn("celu_", celu)
threshold_ = _inplace_fn("threshold_", threshold)

__all__ = ["relu", "relu_", "selu", "selu_", "celu", "celu_", "threshold", "threshold_", "prelu"]

# For nn.functional: every activation primitive here, by its torch.nn.functional name.
FUNCTIONAL = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish",
              "softplus", "softsign", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid",
              "threshold", "prelu", "sigmoid", "tanh"]

METHODS = {"relu": relu, "relu_": relu_, "prelu": prelu}
