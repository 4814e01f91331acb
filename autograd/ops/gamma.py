"""The log-gamma family: lgamma, digamma, polygamma, mvlgamma (numpy has none of them).

lgamma maps the standard library's ``math.lgamma`` over the array. digamma and polygamma shift
the argument up with the recurrences psi(x) = psi(x + 1) - 1/x and
psi_n(x) = psi_n(x + 1) + (-1)**(n+1) n! / x**(n+1) until it is large enough for the asymptotic
(Bernoulli-number) series to be accurate to float64 rounding; digamma reflects negative arguments
with psi(1 - x) - psi(x) = pi / tan(pi x). Each derivative is the next function of the family.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from ._base import Op, float_operand, quietly, to_tensor
from ._support import inplace

_LGAMMA = np.frompyfunc(lambda v: math.inf if v <= 0 and float(v).is_integer()
                        else math.lgamma(v), 1, 1)
# B_2k / (2k) for the digamma series, B_2k for the polygamma series (k = 1..6)
_BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730]
_SHIFT_TO = 16.0
_FAR_NEGATIVE = -1e5


def _lgamma(x: np.ndarray) -> np.ndarray:
    return np.asarray(_LGAMMA(x), dtype=x.dtype) if x.size else x.copy()


def _digamma(x: np.ndarray) -> np.ndarray:
    z = x.astype(np.float64)
    out = np.zeros_like(z)
    reflect = z < 0.5
    # psi(x) = psi(1 - x) - pi / tan(pi x) for x < 0.5; poles at 0, -1, -2, ...
    out[reflect] = -np.pi / np.tan(np.pi * z[reflect])
    z = np.where(reflect, 1.0 - z, z)
    small = z < _SHIFT_TO
    while small.any():
        out[small] -= 1.0 / z[small]
        z[small] += 1.0
        small = z < _SHIFT_TO
    inv2 = 1.0 / (z * z)
    series = np.zeros_like(z)
    for k in range(len(_BERNOULLI), 0, -1):
        series = (series + _BERNOULLI[k - 1] / (2 * k)) * inv2
    out += np.log(z) - 0.5 / z - series
    integer = (x <= 0) & (x == np.floor(x))
    out[integer] = np.nan
    out[x == 0] = -np.inf
    return out.astype(x.dtype)


def _polygamma(n: int, x: np.ndarray) -> np.ndarray:
    if n == 0:
        return _digamma(x)
    z = x.astype(np.float64)
    sign = 1.0 if n % 2 else -1.0
    fact = math.factorial(n)
    out = np.zeros_like(z)
    threshold = _SHIFT_TO + n
    # the shift costs one pass per unit below the threshold: far-negative arguments (rare) and
    # -inf get nan rather than an unbounded loop
    hopeless = ~(z >= _FAR_NEGATIVE)
    z[hopeless] = threshold
    small = z < threshold
    while small.any():
        out[small] += sign * fact / z[small] ** (n + 1)
        z[small] += 1.0
        small = z < threshold
    # (-1)**(n+1) [ (n-1)!/z**n + n!/(2 z**(n+1)) + sum_k B_2k (2k+n-1)!/((2k)! z**(2k+n)) ]
    tail = math.factorial(n - 1) / z ** n + fact / (2 * z ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        tail = tail + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / z ** (2 * k + n)
    out += sign * tail
    out[hopeless] = np.nan
    out[(x <= 0) & (x == np.floor(x)) & np.isfinite(x)] = sign * np.inf
    if n > 1:  # torch's Hurwitz-zeta route gives nan at +inf
        out[x == np.inf] = np.nan
    return out.astype(x.dtype)


class Lgamma(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(_lgamma, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * digamma(x)


class Digamma(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return quietly(_digamma, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma(1, x)


class Polygamma(Op):
    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return quietly(_polygamma, n, x._data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma(ctx.n + 1, x), None


def lgamma(input: Tensor) -> Tensor:
    """Natural log of |Gamma(x)| (torch.lgamma, torch.special.gammaln)."""
    return Lgamma.apply(float_operand(to_tensor(input)))


def digamma(input: Tensor) -> Tensor:
    """The logarithmic derivative of Gamma, psi(x) (torch.digamma, torch.special.psi)."""
    return Digamma.apply(float_operand(to_tensor(input)))


def polygamma(n: int, input: Tensor) -> Tensor:
    """The n-th derivative of digamma (torch.polygamma)."""
    if not isinstance(n, int) or n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n, got n={n}")
    return Polygamma.apply(float_operand(to_tensor(input)), n)


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """Log of the multivariate gamma function of dimension p (torch.mvlgamma)."""
    if p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1, got p={p}")
    x = float_operand(to_tensor(input))
    if bool((x._data <= (p - 1) / 2).any()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    offsets = Tensor._make(-np.arange(p, dtype=x._data.dtype) / 2, False, None)
    return lgamma(x.unsqueeze(-1) + offsets).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


def _polygamma_method(self: Tensor, n: int) -> Tensor:
    return polygamma(n, self)


def _inplace_of(fn, name: str):
    return inplace(fn, name)


__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma"]

METHODS = {"lgamma": lgamma, "digamma": digamma, "polygamma": _polygamma_method,
           "mvlgamma": lambda self, p: mvlgamma(self, p)}
for _name, _fn in [("lgamma_", lgamma), ("digamma_", digamma),
                   ("polygamma_", _polygamma_method),
                   ("mvlgamma_", lambda self, p: mvlgamma(self, p))]:
    METHODS[_name] = _inplace_of(_fn, _name)
