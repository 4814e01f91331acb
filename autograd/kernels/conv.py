"""im2col / col2im: the sliding-window copies behind convolution and fold/unfold.

Window geometry is given as tuples with one entry per spatial dimension (2 or 3): ``kernel``,
``dilation``, ``padding``, ``stride``; ``blocks`` is the number of window positions per dimension.
``im2col`` copies every window of a (N, C, *size) array into a column of (N, C*prod(kernel),
prod(blocks)); ``col2im`` is its adjoint (sums columns back into the image, overlaps added).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._select import compiled


def blocks_of(size, kernel, dilation, padding, stride) -> tuple:
    """Number of window positions per spatial dimension."""
    return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                 for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def im2col_numpy(x: np.ndarray, kernel, dilation, padding, stride) -> np.ndarray:
    """(N, C, *size) -> (N, C*prod(kernel), prod(blocks)): one copy of a strided window view."""
    nd = len(kernel)
    n, c = x.shape[0], x.shape[1]
    if any(padding):
        x = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, span, axis=tuple(range(2, 2 + nd)))
    index = (slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride) \
        + tuple(slice(None, None, d) for d in dilation)
    view = view[index]                                   # (N, C, *blocks, *kernel)
    order = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    cols = np.ascontiguousarray(view.transpose(order))   # (N, C, *kernel, *blocks)
    return cols.reshape(n, c * math.prod(kernel), math.prod(view.shape[2:2 + nd]))


def im2col(x: np.ndarray, kernel, dilation, padding, stride) -> np.ndarray:
    """im2col (numpy: measured as fast as a compiled loop, so there is no twin)."""
    return im2col_numpy(x, kernel, dilation, padding, stride)


def col2im_numpy(cols: np.ndarray, size, kernel, dilation, padding, stride) -> np.ndarray:
    """(N, C*prod(kernel), prod(blocks)) -> (N, C, *size): one strided slice addition per kernel
    offset, into a zero-filled padded image that is then cropped."""
    n = cols.shape[0]
    blocks = blocks_of(size, kernel, dilation, padding, stride)
    cols = cols.reshape((n, -1) + tuple(kernel) + blocks)
    padded = tuple(s + 2 * p for s, p in zip(size, padding))
    out = np.zeros(cols.shape[:2] + padded, dtype=cols.dtype)
    for offset in itertools.product(*(range(k) for k in kernel)):
        target = (slice(None), slice(None)) + tuple(
            slice(i * d, i * d + (b - 1) * s + 1, s)
            for i, d, b, s in zip(offset, dilation, blocks, stride))
        out[target] += cols[(slice(None), slice(None)) + offset]
    if any(padding):
        out = np.ascontiguousarray(out[(slice(None), slice(None)) + tuple(
            slice(p, p + s) for p, s in zip(padding, size))])
    return out


def col2im(cols: np.ndarray, size, kernel, dilation, padding, stride) -> np.ndarray:
    """col2im: the compiled twin for 2-D windows when available, else the numpy reference."""
    fast = compiled()
    if fast is not None and len(kernel) == 2 and cols.dtype.kind == "f":
        return fast.col2im2d(np.ascontiguousarray(cols), tuple(size), tuple(kernel),
                             tuple(dilation), tuple(padding), tuple(stride))
    return col2im_numpy(cols, size, kernel, dilation, padding, stride)
