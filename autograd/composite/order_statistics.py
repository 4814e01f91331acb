"""Quantiles (torch.quantile, torch.nanquantile): composed from sort and gather, so the gradient
reaches the input through the selected order statistics."""

from __future__ import annotations

import numpy as np

from ..ops._base import const, norm_dim
from ..ops.index import gather, sort
from ..ops.shape import movedim, reshape
from ..tensor import Tensor

# ---------------------------------------------------------------- quantile
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(op: str, ignore_nan: bool, input: Tensor, q, dim, keepdim: bool,
              interpolation: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype, got "
                           f"{input.dtype}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")
    if isinstance(q, Tensor):
        if q.dtype != input.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor, got "
                               f"{q.dtype} and {input.dtype}")
        if q.ndim > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor, got shape "
                               f"{tuple(q.shape)}")
        qs, q_vec = q._data.astype(np.float64).reshape(-1), q.ndim == 1
    else:
        qs, q_vec = np.asarray([float(q)]), False
    if np.any((qs < 0) | (qs > 1)):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if input.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if dim is None:
        x, axis = reshape(input, (-1,)), 0
        out_shape = ()
    else:
        axis = norm_dim(dim, input.ndim, op)
        x = input if input.ndim else reshape(input, (1,))
        out_shape = tuple(1 if i == axis else s for i, s in enumerate(input.shape)) \
            if keepdim else tuple(s for i, s in enumerate(input.shape) if i != axis)
    if keepdim and dim is None:
        out_shape = (1,) * input.ndim
    x = movedim(x, axis, -1) if x.ndim > 1 else x
    values = sort(x, -1).values  # NaN sorts last
    n = values.shape[-1]
    nan = np.isnan(x._data)
    count = n - nan.sum(-1, keepdims=True) if ignore_nan else np.full(nan.shape[:-1] + (1,), n)
    # rank of each quantile in each row; rows with NaN take the last (NaN) entry
    rank = qs * (count - 1)  # (..., nq)
    if not ignore_nan:
        rank = np.where(nan.any(-1, keepdims=True), n - 1, rank)
    rank = np.where(count == 0, n - 1, rank)  # an all-NaN row: NaN
    if interpolation == "lower":
        rank = np.floor(rank)
    elif interpolation == "higher":
        rank = np.ceil(rank)
    elif interpolation == "nearest":
        rank = np.round(rank)
    below = np.floor(rank).astype(np.int64)
    above = np.ceil(rank).astype(np.int64)
    lo = gather(values, -1, const(below))
    if interpolation in ("lower", "higher", "nearest"):
        result = lo
    else:
        hi = gather(values, -1, const(above))
        if interpolation == "midpoint":
            weight = np.where(below == above, 0.0, 0.5)
        else:
            weight = rank - below
        result = lo + (hi - lo) * const(weight.astype(input._data.dtype))
    # (..., nq) -> (nq, out_shape)
    result = movedim(result, -1, 0) if result.ndim > 1 else result
    return reshape(result, ((len(qs),) if q_vec else ()) + out_shape)


def quantile(input: Tensor, q, dim=None, keepdim: bool = False, *,
             interpolation: str = "linear", out=None) -> Tensor:
    """The q-th quantiles along ``dim`` (all elements when None); NaN if a row holds NaN
    (torch.quantile)."""
    return _quantile("quantile", False, input, q, dim, keepdim, interpolation)


def nanquantile(input: Tensor, q, dim=None, keepdim: bool = False, *,
                interpolation: str = "linear", out=None) -> Tensor:
    """The q-th quantiles of the non-NaN values along ``dim`` (torch.nanquantile)."""
    return _quantile("nanquantile", True, input, q, dim, keepdim, interpolation)


__all__ = ["quantile", "nanquantile"]

METHODS = {"quantile": quantile, "nanquantile": nanquantile}
