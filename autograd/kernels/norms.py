"""softmax / log_softmax along one axis, the class-index cross-entropy, and layer normalisation
over trailing axes: forward and backward on arrays.

Callers silence numpy's floating-point warnings around these (inf - inf in a row of infinities
gives nan as in torch, without a RuntimeWarning). Reductions run in numpy (vectorised; a compiled
twin does not pay for them).
"""

from __future__ import annotations

import numpy as np


def max_shift(x: np.ndarray, axis: int) -> np.ndarray:
    """x minus its maximum along ``axis``; rows whose maximum is -inf (all -inf) are not shifted,
    so they give nan like torch, and a +inf maximum gives nan as in torch."""
    peak = x.max(axis=axis, keepdims=True)
    if peak.dtype.kind == "f" and not np.isfinite(peak).all():
        peak = np.where(peak == -np.inf, 0, peak).astype(x.dtype, copy=False)
    return np.subtract(x, peak)


def log_softmax_forward(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = max_shift(x, axis)
    shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


def softmax_forward(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(max_shift(x, axis))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def softmax_backward(grad: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """y (g - sum(g y)) along ``axis``, y the softmax output."""
    gy = grad * y
    gy -= y * gy.sum(axis=axis, keepdims=True)
    return gy


def log_softmax_backward(grad: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """g - exp(y) sum(g) along ``axis``, y the log_softmax output."""
    out = np.exp(y)
    out *= grad.sum(axis=axis, keepdims=True)
    return np.subtract(grad, out, out=out)


def cross_entropy_forward(x: np.ndarray, target: np.ndarray) -> tuple:
    """(mean cross-entropy as a 0-d array, softmax probabilities) of (N, C) logits and (N,)
    class indices."""
    logp = log_softmax_forward(x, 1)
    rows = np.arange(x.shape[0])
    loss = np.asarray(-logp[rows, target].mean(dtype=x.dtype), dtype=x.dtype)
    return loss, np.exp(logp, out=logp)


def cross_entropy_backward(grad: np.ndarray, probs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(probs - onehot(target)) grad / N for the 0-d loss gradient ``grad``."""
    out = probs.copy()
    out[np.arange(out.shape[0]), target] -= 1
    out *= grad / out.shape[0]
    return out


def layer_norm_forward(x: np.ndarray, weight, bias, k: int, eps: float) -> tuple:
    """(y, xhat, rstd) of layer normalisation over the trailing ``k`` axes; weight/bias may be
    None."""
    axes = tuple(range(x.ndim - k, x.ndim))
    xc = x - x.mean(axis=axes, keepdims=True)
    var = np.mean(np.square(xc), axis=axes, keepdims=True)
    var += eps
    rstd = np.sqrt(var, out=var)
    np.divide(1.0, rstd, out=rstd)
    xhat = np.multiply(xc, rstd, out=xc)
    y = xhat * weight if weight is not None else xhat.copy()
    if bias is not None:
        y += bias
    return y, xhat, rstd


def layer_norm_backward(grad: np.ndarray, xhat: np.ndarray, rstd: np.ndarray, weight, k: int,
                        needs=(True, True, True)) -> tuple:
    """(d x, d weight, d bias) (None where not needed or no weight/bias)."""
    nd = grad.ndim
    axes, lead = tuple(range(nd - k, nd)), tuple(range(nd - k))
    gx = gw = gb = None
    if needs[0]:
        gxh = grad * weight if weight is not None else grad
        m1 = gxh.mean(axis=axes, keepdims=True)
        m2 = (gxh * xhat).mean(axis=axes, keepdims=True)
        gx = gxh - m1
        gx -= xhat * m2
        gx *= rstd
    if len(needs) > 1 and needs[1] and weight is not None:
        gw = (grad * xhat).sum(axis=lead) if lead else grad * xhat
    if len(needs) > 2 and needs[2]:
        gb = grad.sum(axis=lead) if lead else grad.copy()
    return gx, gw, gb
