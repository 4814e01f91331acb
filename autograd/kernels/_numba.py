"""Compiled twins of some kernels (numba, ``cache=True``), each tested against its numpy
reference. Imported only through ``_select.compiled()``; raises ImportError without numba.

A twin exists only where it measured faster than the numpy reference (notes below say where
one was tried and dropped). Loops run over contiguous arrays in the order they are laid out.
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


# Max pooling has no twin: compiled window loops (with torch's NaN/-inf rules, or even without)
# measured 1.1-5x slower than the numpy reference's np.maximum over strided sub-grids for
# LeNet's shapes, and the backward scatter no faster.


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
