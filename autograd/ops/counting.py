"""Counting: torch.bincount (integer counts, or summed weights per bin; not differentiable)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """torch.bincount: how often each value 0..max occurs in a 1-d non-negative integer tensor."""
    x = input._data
    if x.dtype.kind not in "iub":
        raise RuntimeError(f"bincount: not implemented for dtype {x.dtype} "
                           f"(1-d non-negative integral inputs only)")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs "
                           f"(got shape {x.shape})")
    if weights is None:
        return Tensor._make(np.bincount(x, minlength=minlength).astype(np.int64), False, None)
    w = weights._data if isinstance(weights, Tensor) else np.asarray(weights)
    if w.shape != x.shape:
        raise RuntimeError(f"bincount: weights of shape {w.shape} must match input {x.shape}")
    out_dtype = w.dtype if w.dtype.kind == "f" else np.float64
    counts = np.bincount(x, weights=w, minlength=minlength).astype(out_dtype)
    return Tensor._make(counts, False, None)


__all__ = ["bincount"]

METHODS = {"bincount": bincount}
