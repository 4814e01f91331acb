"""Activation functions (torch.nn.functional.relu, gelu, softmax, ...).

The elementwise primitives with their own gradients (relu, gelu, silu, elu/selu/celu, softplus,
leaky_relu, hardtanh, mish, hardsigmoid, hardswish, logsigmoid, softsign, threshold, prelu) live
in autograd.ops.activation; everything here is either a thin torch-signature wrapper around them
or a composition of Tensor ops (softmax family, shrinks, glu, rrelu, gumbel_softmax).
``inplace=True`` writes the result into the input with ``copy_``, so autograd still sees the
in-place update.
"""

from __future__ import annotations

import warnings

import autograd
from autograd import Tensor
from autograd.composite.activation import hardshrink
from autograd.ops import activation as _ops

__all__ = ["relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_",
           "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid",
           "tanh", "hardtanh", "hardtanh_", "hardsigmoid", "hardswish", "softplus", "softsign",
           "softmax", "log_softmax", "softmin", "threshold", "threshold_", "logsigmoid", "glu",
           "tanhshrink", "softshrink", "hardshrink", "gumbel_softmax"]

def _finish(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    return input.copy_(result) if inplace else result


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x) (torch.nn.functional.relu)."""
    return _finish(input, _ops.relu(input), inplace)


def relu_(input: Tensor) -> Tensor:
    """In-place relu (torch.nn.functional.relu_)."""
    return relu(input, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6) (torch.nn.functional.relu6)."""
    return _finish(input, _ops.relu6(input), inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val] (torch.nn.functional.hardtanh)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _finish(input, _ops.hardtanh(input, min_val, max_val), inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place hardtanh (torch.nn.functional.hardtanh_)."""
    return hardtanh(input, min_val, max_val, inplace=True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise (torch.nn.functional.leaky_relu)."""
    return _finish(input, _ops.leaky_relu(input, negative_slope), inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place leaky_relu (torch.nn.functional.leaky_relu_)."""
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """leaky_relu with a learnable slope, one per channel (dim 1) or shared
    (torch.nn.functional.prelu)."""
    return _ops.prelu(input, weight)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Leaky ReLU with slopes drawn from U(lower, upper) while training and their mean otherwise
    (torch.nn.functional.rrelu)."""
    if training:
        slope = autograd.rand(*input.shape, dtype=input.dtype) * (upper - lower) + lower
        return _finish(input, autograd.where(input >= 0, input, input * slope), inplace)
    return leaky_relu(input, (lower + upper) / 2, inplace)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    """In-place rrelu (torch.nn.functional.rrelu_)."""
    return rrelu(input, lower, upper, training, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (exp(x) - 1) otherwise (torch.nn.functional.elu)."""
    return _finish(input, _ops.elu(input, alpha), inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place elu (torch.nn.functional.elu_)."""
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants (torch.nn.functional.selu)."""
    return _finish(input, _ops.selu(input), inplace)


def selu_(input: Tensor) -> Tensor:
    """In-place selu (torch.nn.functional.selu_)."""
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)) = alpha * elu(x / alpha)
    (torch.nn.functional.celu)."""
    return _finish(input, _ops.celu(input, alpha), inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place celu (torch.nn.functional.celu_)."""
    return celu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), or its tanh approximation (torch.nn.functional.gelu)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got "
                           f"'{approximate}'")
    return _ops.gelu(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x), a.k.a. swish (torch.nn.functional.silu)."""
    return _finish(input, _ops.silu(input), inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x)) (torch.nn.functional.mish)."""
    return _finish(input, _ops.mish(input), inplace)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) (torch.nn.functional.sigmoid)."""
    return autograd.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent (torch.nn.functional.tanh)."""
    return autograd.tanh(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6 (torch.nn.functional.hardsigmoid)."""
    return _finish(input, _ops.hardsigmoid(input), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6 (torch.nn.functional.hardswish)."""
    return _finish(input, _ops.hardswish(input), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold
    (torch.nn.functional.softplus)."""
    return _ops.softplus(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|) (torch.nn.functional.softsign)."""
    return _ops.softsign(input)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), finite for any x (torch.nn.functional.logsigmoid)."""
    return _ops.logsigmoid(input)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x) (torch.nn.functional.tanhshrink)."""
    return input - autograd.tanh(input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, 0 between
    (torch.nn.functional.softshrink)."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    zeros = input * 0.0
    return autograd.where(input > lambd, input - lambd,
                          autograd.where(input < -lambd, input + lambd, zeros))


def _threshold(input: Tensor, limit: float, value: float, inplace: bool) -> Tensor:
    return _finish(input, _ops.threshold(input, limit, value), inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value`` (torch.nn.functional.threshold)."""
    return _threshold(input, threshold, value, inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place threshold (torch.nn.functional.threshold_)."""
    return _threshold(input, threshold, value, True)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b) where a, b are the two halves of ``input`` along ``dim``
    (torch.nn.functional.glu)."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.dim()} "
                           f"is size {size}")
    a, b = input.chunk(2, dim)
    return a * autograd.sigmoid(b)


# ---------------------------------------------------------------- softmax family
def _implicit_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  f"include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prepare(name: str, input: Tensor, dim: int | None, stacklevel: int, dtype) -> tuple:
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: expected a floating point input, got {input.dtype}")
    if dim is None:
        dim = _implicit_dim(name, input.dim(), stacklevel + 1)
    return input, dim


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim`` (torch.nn.functional.softmax)."""
    input, dim = _prepare("softmax", input, dim, _stacklevel, dtype)
    return autograd.softmax(input, dim)     # one fused node (autograd.ops.fused)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype=None) -> Tensor:
    """x_i - log sum_j exp(x_j) along ``dim`` (torch.nn.functional.log_softmax)."""
    input, dim = _prepare("log_softmax", input, dim, _stacklevel, dtype)
    return autograd.log_softmax(input, dim)     # one fused node (autograd.ops.fused)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype=None) -> Tensor:
    """softmax(-x) along ``dim`` (torch.nn.functional.softmin)."""
    input, dim = _prepare("softmin", input, dim, _stacklevel, dtype)
    return softmax(-input, dim)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """softmax((logits + Gumbel noise) / tau); with ``hard`` the one-hot of its argmax in the
    forward pass and the soft sample's gradient in the backward pass
    (torch.nn.functional.gumbel_softmax)."""
    uniform = autograd.rand(*logits.shape, dtype=logits.dtype)
    # -log(Exp(1)) samples, Exp(1) drawn as -log(1 - U) with 1 - U in (0, 1]
    gumbels = -(-(1.0 - uniform).log()).log()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.detach().argmax(dim, keepdim=True)
    y_hard = autograd.zeros_like(y_soft).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
