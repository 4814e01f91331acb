"""Compiled twins of some kernels (numba, ``cache=True``), each tested against its numpy
reference. Imported only through ``_select.compiled()``; raises ImportError without numba.

Loops run over contiguous arrays in the order they are laid out; ``prange`` over the batch is
used only where it measured faster on this project's 2-core benchmark machine (see the notes at
each function).
"""

from __future__ import annotations

import numba
import numpy as np

_jit = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")


# ---------------------------------------------------------------- col2im (2-D)
@numba.njit(**_jit)
def _col2im2d(cols, out, kh, kw, dh, dw, ph, pw, sh, sw, bh, bw):
    n, c, height, width = out.shape
    for b in range(n):
        for ch in range(c):
            for i in range(kh):
                for j in range(kw):
                    src = cols[b, (ch * kh + i) * kw + j]
                    for oy in range(bh):
                        y = oy * sh + i * dh - ph
                        if y < 0 or y >= height:
                            continue
                        row = oy * bw
                        for ox in range(bw):
                            x = ox * sw + j * dw - pw
                            if 0 <= x < width:
                                out[b, ch, y, x] += src[row + ox]


def col2im2d(cols, size, kernel, dilation, padding, stride):
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    bh = (size[0] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    bw = (size[1] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    n, rows = cols.shape[0], cols.shape[1]
    out = np.zeros((n, rows // (kh * kw)) + tuple(size), dtype=cols.dtype)
    _col2im2d(cols, out, kh, kw, dh, dw, ph, pw, sh, sw, bh, bw)
    return out


# ---------------------------------------------------------------- max pooling (2-D)
@numba.njit(**_jit)
def _max_pool2d_forward(x, values, winner, kh, kw, sh, sw, dh, dw, first):
    m, oh, ow = values.shape
    neg = -np.inf
    for p in range(m):
        for a in range(oh):
            for b in range(ow):
                best = neg
                best_k = -1
                nan_k = -1
                y0, x0 = a * sh, b * sw
                for i in range(kh):
                    for j in range(kw):
                        v = x[p, y0 + i * dh, x0 + j * dw]
                        if v != v:
                            nan_k = i * kw + j
                        elif v > best:
                            best = v
                            best_k = i * kw + j
                if nan_k >= 0:
                    values[p, a, b] = np.nan
                    winner[p, a, b] = nan_k
                elif best_k < 0:
                    values[p, a, b] = neg
                    winner[p, a, b] = first[a, b]
                else:
                    values[p, a, b] = best
                    winner[p, a, b] = best_k


def max_pool2d_forward(x, kernel, stride, dilation, out, first):
    values = np.empty((x.shape[0],) + out, dtype=x.dtype)
    winner = np.empty((x.shape[0],) + out, dtype=np.int16)
    first = np.ascontiguousarray(np.broadcast_to(first, out), dtype=np.int16)
    _max_pool2d_forward(x, values, winner, kernel[0], kernel[1], stride[0], stride[1],
                        dilation[0], dilation[1], first)
    return values, winner


@numba.njit(**_jit)
def _max_pool2d_backward(grad, winner, out, kw, sh, sw, dh, dw):
    m, oh, ow = grad.shape
    for p in range(m):
        for a in range(oh):
            for b in range(ow):
                k = winner[p, a, b]
                i = k // kw
                j = k - i * kw
                out[p, a * sh + i * dh, b * sw + j * dw] += grad[p, a, b]


def max_pool2d_backward(grad, winner, kernel, stride, dilation, padded):
    out = np.zeros((grad.shape[0],) + padded, dtype=grad.dtype)
    _max_pool2d_backward(grad, winner, out, kernel[1], stride[0], stride[1], dilation[0],
                         dilation[1])
    return out


# ---------------------------------------------------------------- LSTM cell (pointwise part)
# The forward step has no twin: a compiled loop calls a scalar tanh per element and measured
# 6x slower than numpy's vectorised ufuncs (478 vs 81 us for B=32, H=128).
@numba.njit(**_jit)
def lstm_cell_backward(dh, dc, act, c_prev, tc, dg):
    """One BPTT step of the pointwise part: dc in/out (c_t -> c_{t-1}), writes dg (B, 4H)."""
    B, H = c_prev.shape
    for b in range(B):
        for k in range(H):
            i, f = act[b, k], act[b, H + k]
            g, o = act[b, 2 * H + k], act[b, 3 * H + k]
            t = tc[b, k]
            d_h = dh[b, k]
            d_c = dc[b, k] + d_h * o * (1 - t * t)
            dg[b, k] = d_c * g * (i * (1 - i))
            dg[b, H + k] = d_c * c_prev[b, k] * (f * (1 - f))
            dg[b, 2 * H + k] = d_c * i * (1 - g * g)
            dg[b, 3 * H + k] = d_h * t * (o * (1 - o))
            dc[b, k] = d_c * f
