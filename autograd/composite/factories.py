"""Less common tensor factories and samplers: torch.range, scalar_tensor, asarray, poisson,
binomial."""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import dtypes
from ..creation import as_tensor, tensor
from ..ops._base import const
from ..ops._support import not_implemented
from ..random import Generator, rng_of
from ..tensor import Tensor


def range(start: float = 0, end: float | None = None, step: float = 1, *, dtype=None,
          device=None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` inclusive (the deprecated torch.range)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    count = builtins.int(math.floor((end - start) / step)) + 1
    dtype = dtypes.get_default_dtype() if dtype is None else dtype
    values = start + np.arange(builtins.max(count, 0), dtype=np.float64) * step
    return Tensor._make(values.astype(dtype), requires_grad, None)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor of the default float dtype holding ``s`` (torch.scalar_tensor)."""
    dtype = dtypes.get_default_dtype() if dtype is None else dtype
    return Tensor._make(np.asarray(s, dtype=dtype), requires_grad, None)


def asarray(obj, *, dtype=None, device=None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """A tensor from ``obj``, sharing memory when possible (torch.asarray)."""
    if isinstance(obj, Tensor) and not copy and (dtype is None or obj.dtype == dtype):
        return obj.requires_grad_(requires_grad) if requires_grad else obj
    if copy:
        return tensor(obj, dtype=dtype, requires_grad=requires_grad)
    out = as_tensor(obj, dtype=dtype)
    return out.requires_grad_(True) if requires_grad else out


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Samples from Poisson(rate) for each rate in ``input`` (torch.poisson)."""
    if input.dtype.kind != "f":
        raise not_implemented("poisson_cpu", input.dtype)
    if bool((input._data < 0).any()):
        raise RuntimeError("poisson: rates must be non-negative")
    return const(rng_of(generator).poisson(input._data).astype(input._data.dtype))


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """Samples from Binomial(count, prob) elementwise (torch.binomial)."""
    if count.dtype.kind != "f" or prob.dtype.kind != "f":
        raise not_implemented("binomial_cpu", count.dtype)
    samples = rng_of(generator).binomial(count._data.astype(np.int64), prob._data)
    return const(np.asarray(samples, dtype=np.result_type(count._data, prob._data)))


__all__ = ["range", "scalar_tensor", "asarray", "poisson", "binomial"]
