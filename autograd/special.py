"""torch.special: the special functions, under their scipy-style names (torch.special.*)."""

from __future__ import annotations

import math

from .ops import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    lgamma,
    log1p,
    log_softmax,
    logit,
    logsumexp,
    mvlgamma,
    polygamma,
    round,
    sigmoid,
    sinc,
    softmax,
    where,
    xlogy,
)
from .tensor import Tensor

expit = sigmoid
gammaln = lgamma
psi = digamma


def multigammaln(input: Tensor, p: int) -> Tensor:
    """Log of the multivariate gamma function (torch.special.multigammaln)."""
    return mvlgamma(input, p)


def entr(input: Tensor) -> Tensor:
    """Elementwise entropy term -x log x, 0 at 0 and -inf below (torch.special.entr)."""
    x = input if input.dtype.kind == "f" else input.float()
    safe = where(x > 0, x, 1.0)
    value = -x * safe.log()
    return where(x > 0, value, where(x == 0, 0.0, where(x < 0, -math.inf, x)))


def xlog1py(input: Tensor, other: Tensor) -> Tensor:
    """``input * log1p(other)``, 0 where input is 0 (torch.special.xlog1py)."""
    value = input * log1p(other)
    return where(input == 0, where(other.isnan(), other, 0.0), value) \
        if isinstance(input, Tensor) else value


def ndtr(input: Tensor) -> Tensor:
    """The standard normal CDF (torch.special.ndtr)."""
    return 0.5 * erfc(-input * (1.0 / math.sqrt(2.0)))


def ndtri(input: Tensor) -> Tensor:
    """The inverse of the standard normal CDF (torch.special.ndtri)."""
    return math.sqrt(2.0) * erfinv(2.0 * input - 1.0)


__all__ = ["digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammaln",
           "log1p", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy"]
