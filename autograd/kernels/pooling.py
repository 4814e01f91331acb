"""2-D max pooling forward (values and the winning kernel offset of every window) and backward
(each window's gradient sent to its winner), on arrays already padded with -inf to the extent
the windows read.

Geometry: ``kernel``, ``stride``, ``dilation`` and ``out`` are (h, w) pairs; ``first`` is, per
output position, the first kernel offset that lies inside the unpadded input (the winner torch's
CPU kernel reports for a window without any value above -inf). Winners are flat row-major kernel
offsets (int16). Ties go to the first offset in row-major order; NaN wins (the last NaN of the
window), as in torch.
"""

from __future__ import annotations

import numpy as np


def _offsets(kernel, stride, dilation, out):
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out
    for i in range(kh):
        for j in range(kw):
            yield i * kw + j, (Ellipsis, slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
                               slice(j * dw, j * dw + (ow - 1) * sw + 1, sw))


def max_pool2d_forward_numpy(xp: np.ndarray, kernel, stride, dilation, out, first):
    """(values, winner) of (..., Hp, Wp) -> (..., oh, ow): a running np.maximum over the strided
    sub-grid of every kernel offset (about 30x faster than a reshape and max)."""
    parts = [xp[window] for _, window in _offsets(kernel, stride, dilation, out)]
    values = parts[0].copy()
    for part in parts[1:]:
        np.maximum(values, part, out=values)
    winner = np.zeros(values.shape, dtype=np.int16)
    for k in range(len(parts) - 1, -1, -1):  # backwards, so the first equal offset stays
        equal = parts[k] == values
        winner *= ~equal
        winner += equal * np.int16(k)
    if values.size and np.isnan(values.max()):
        for k, part in enumerate(parts):
            winner = np.where(np.isnan(part), np.int16(k), winner)
    empty = values == -np.inf          # (not values.min(): a NaN elsewhere would hide it)
    if empty.any():
        winner = np.where(empty, first, winner)
    return values, winner


def max_pool2d_forward(xp: np.ndarray, kernel, stride, dilation, out, first):
    """max_pool2d_forward_numpy (compiled window loops measured slower, so there is no twin)."""
    return max_pool2d_forward_numpy(xp, kernel, stride, dilation, out, first)


def max_pool2d_backward_numpy(grad: np.ndarray, winner: np.ndarray, kernel, stride, dilation,
                              padded) -> np.ndarray:
    """The gradient of the -inf-padded input (..., Hp, Wp): grad[..., a, b] added at the winner of
    window (a, b), overlaps summed. Exact for inf/nan gradients too."""
    (kh, kw), (oh, ow) = kernel, grad.shape[-2:]
    tiled = tuple(stride) == tuple(kernel) and tuple(dilation) == (1, 1)
    covered = tiled and tuple(padded) == (oh * kh, ow * kw)
    # tiling windows that cover the padded extent write every element exactly once
    out = (np.empty if covered else np.zeros)(grad.shape[:-2] + tuple(padded), dtype=grad.dtype)
    # grad * hit is the fast form of where(hit, grad, 0); it differs only for inf/nan in grad
    finite = bool(np.isfinite(grad.max()) and np.isfinite(grad.min())) if grad.size else True
    zero = np.zeros((), dtype=grad.dtype)
    for k, window in _offsets(kernel, stride, dilation, (oh, ow)):
        hit = winner == k
        if tiled:
            if finite:
                np.multiply(grad, hit, out=out[window])
            else:
                out[window] = np.where(hit, grad, zero)
        else:
            out[window] += grad * hit if finite else np.where(hit, grad, zero)
    return out


def max_pool2d_backward(grad: np.ndarray, winner: np.ndarray, kernel, stride, dilation,
                        padded) -> np.ndarray:
    """max_pool2d_backward_numpy (a compiled scatter measured no faster)."""
    return max_pool2d_backward_numpy(grad, winner, kernel, stride, dilation, padded)
