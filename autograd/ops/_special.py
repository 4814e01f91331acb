"""Array kernels for erf, erfc and erfinv (numpy has none): vectorised, float64-accurate.

erf and erfc are Chebyshev interpolants fitted once at import to the standard library's
``math.erf``/``math.erfc`` (correctly rounded to ~1 ulp), on variables where they are smooth:
  erf,  |x| <= 2:      erf(x) = x * A(x**2)
  erfc, 0.5 < |x| <= 10: erfc(|x|) = exp(-x**2) * B(|x|)   (B, the scaled erfc, is entire)
  |x| > 10:              the asymptotic series of the scaled erfc, accurate to ~1e-16 there;
everything else from 1 - (the other function), where that loses no precision.
erfinv starts from a closed-form estimate (relative error ~2e-3) and takes Newton steps on the
erf residual (the erfc residual near +-1, where 1 - y is exact).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import chebyshev

_SMALL, _TAIL, _MID = 2.0, 0.5, 10.0
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _fit(fn, lo: float, hi: float, degree: int) -> np.ndarray:
    def on_unit(t):
        return np.array([fn(v) for v in lo + (t + 1.0) * (hi - lo) / 2.0])

    return chebyshev.chebinterpolate(on_unit, degree)


_A = _fit(lambda u: math.erf(math.sqrt(u)) / math.sqrt(u) if u > 0 else _TWO_OVER_SQRT_PI,
          0.0, _SMALL ** 2, 20)
_B = _fit(lambda x: math.erfc(x) * math.exp(x * x), _TAIL, _MID, 40)
_ASYMPTOTIC_TERMS = 12


def _clenshaw(t: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """Sum of c_k T_k(t) (numpy's chebval, without its per-call overhead)."""
    t2 = 2.0 * t
    b1, b2 = np.full_like(t, coefficients[-1]), np.zeros_like(t)
    for c in coefficients[-2:0:-1]:
        b1, b2 = b1 * t2 - b2 + c, b1
    return b1 * t - b2 + coefficients[0]


def _scaled_erfc(ax: np.ndarray) -> np.ndarray:
    """exp(x**2) * erfc(x) for x >= 0.5."""
    out = np.empty_like(ax)
    mid = ax <= _MID
    out[mid] = _clenshaw((ax[mid] - _TAIL) * (2.0 / (_MID - _TAIL)) - 1.0, _B)
    big = ax[~mid]
    if big.size:
        inv2 = 1.0 / (2.0 * big * big)
        term, total = np.ones_like(big), np.ones_like(big)
        for n in range(1, _ASYMPTOTIC_TERMS):
            term = term * -(2 * n - 1) * inv2
            total += term
        out[~mid] = total / (big * math.sqrt(math.pi))
    return out


def _erfc_tail(ax: np.ndarray) -> np.ndarray:
    """erfc(x) for x >= 0.5."""
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(-ax * ax) * _scaled_erfc(ax)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise (torch.erf); keeps x's floating dtype."""
    xd = np.asarray(x, dtype=np.float64)
    ax = np.abs(xd)
    out = np.empty_like(xd)
    small = ax <= _SMALL
    xs = xd[small]
    out[small] = xs * _clenshaw(xs * xs * (2.0 / _SMALL ** 2) - 1.0, _A)
    large = ~small & ~np.isnan(xd)
    out[large] = np.copysign(1.0 - _erfc_tail(ax[large]), xd[large])
    out[np.isnan(xd)] = np.nan
    return out.astype(x.dtype, copy=False)


def erfc(x: np.ndarray) -> np.ndarray:
    """The complementary error function 1 - erf(x), accurate in the tails (torch.erfc)."""
    xd = np.asarray(x, dtype=np.float64)
    ax = np.abs(xd)
    out = np.empty_like(xd)
    small = ax <= _TAIL
    out[small] = 1.0 - erf(xd[small])
    large = ~small & ~np.isnan(xd)
    tail = _erfc_tail(ax[large])
    out[large] = np.where(xd[large] > 0, tail, 2.0 - tail)
    out[np.isnan(xd)] = np.nan
    return out.astype(x.dtype, copy=False)


def erfinv(y: np.ndarray) -> np.ndarray:
    """The inverse error function on [-1, 1]; +-inf at +-1, nan outside (torch.erfinv)."""
    yd = np.asarray(y, dtype=np.float64)
    ay = np.abs(yd)
    out = np.full_like(yd, np.nan)
    out[ay == 1.0] = np.inf
    inside = ay < 1.0
    a = ay[inside]
    # Winitzki's closed form: erfinv(a) ~ sqrt(sqrt(c**2 - l / k) - c), c = 2/(pi k) + l/2
    k = 0.147
    log_term = np.log1p(-a * a)
    c = 2.0 / (math.pi * k) + log_term / 2.0
    x = np.sqrt(np.sqrt(c * c - log_term / k) - c)
    near_one = a > 0.5
    tail_target = 1.0 - a  # exact for a > 0.5 (Sterbenz)
    for _ in range(4):
        residual = np.where(near_one, tail_target - erfc(x), erf(x) - a)
        with np.errstate(under="ignore"):
            slope = _TWO_OVER_SQRT_PI * np.exp(-x * x)
        x = x - residual / slope
    out[inside] = x
    return np.copysign(out, yd).astype(y.dtype, copy=False)
