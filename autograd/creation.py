"""Creation ops: tensor, zeros, ones, full, arange, randn, ... (torch names and defaults)."""

from __future__ import annotations

import builtins
import math

import numpy as np

from . import dtypes
from .random import Generator, rng_of
from .tensor import Tensor


def _infer_dtype(data) -> np.dtype:
    """torch.tensor's dtype inference: bools -> bool, ints -> int64, floats -> default float."""
    if isinstance(data, (builtins.bool, np.bool_)):
        return dtypes.bool_
    if isinstance(data, (builtins.int, np.integer)):
        return dtypes.int64 if isinstance(data, builtins.int) else np.dtype(type(data))
    if isinstance(data, np.floating):  # before float: np.float64 is a Python float subclass
        return np.dtype(type(data))
    if isinstance(data, builtins.float):
        return dtypes.get_default_dtype()
    if isinstance(data, np.ndarray):
        return data.dtype
    if isinstance(data, (list, tuple)):
        cat = builtins.max((dtypes._category(_infer_dtype(x)) for x in data), default=2)
        return (dtypes.bool_, dtypes.int64, dtypes.get_default_dtype())[cat]
    raise TypeError(f"tensor: could not infer dtype of {type(data).__name__}")


def _unwrap(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)) and any(isinstance(x, (Tensor, list, tuple)) for x in data):
        return [_unwrap(x) for x in data]
    return data


def as_array(data, dtype=None) -> np.ndarray:
    """An ndarray for ``data`` with torch's dtype inference; a new array unless already one."""
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray):
        arr = data
    else:
        data = _unwrap(data)
        if isinstance(data, np.ndarray):
            arr = data
        else:
            inferred = None if dtype is not None else _infer_dtype_safe(data)
            with np.errstate(over="ignore"):  # like torch, 1e200 in float32 is inf, silently
                arr = np.array(data, dtype=dtypes.as_dtype(dtype) if dtype is not None
                               else inferred)
            return arr
    if dtype is not None:
        return arr.astype(dtypes.as_dtype(dtype), copy=False)
    return arr


def _infer_dtype_safe(data):
    try:
        return _infer_dtype(data)
    except TypeError:
        arr = np.asarray(data)
        if arr.dtype.kind == "f":
            return dtypes.get_default_dtype()
        return arr.dtype


def tensor(data, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    """A new leaf tensor copying ``data`` (torch.tensor)."""
    arr = np.array(as_array(data, dtype), copy=True)
    t = Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """A tensor sharing memory with ``data`` when possible (torch.as_tensor)."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtypes.as_dtype(dtype)):
        return data
    return Tensor._make(as_array(data, dtype), False, None)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array (torch.from_numpy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    return Tensor._make(array, False, None)


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        s = builtins.int(s)
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(s)
    return tuple(out)


def _new(arr: np.ndarray, requires_grad: builtins.bool) -> Tensor:
    t = Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    return _new(np.zeros(_size(size), dtypes.as_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    return _new(np.ones(_size(size), dtypes.as_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    return _new(np.empty(_size(size), dtypes.as_dtype(dtype)), requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None,
                  requires_grad: builtins.bool = False) -> Tensor:
    """An uninitialised tensor laid out with the given element strides (torch.empty_strided)."""
    shape, stride = _size((size,)), tuple(builtins.int(s) for s in stride)
    if len(shape) != len(stride):
        raise RuntimeError(f"empty_strided: mismatch in length of strides and shape ({len(stride)} "
                           f"strides for shape {list(shape)})")
    dt = dtypes.as_dtype(dtype)
    extent = 1 + builtins.sum((n - 1) * s for n, s in zip(shape, stride)) if all(shape) else 0
    base = np.empty(extent, dt)
    arr = np.lib.stride_tricks.as_strided(base, shape, [s * dt.itemsize for s in stride])
    return _new(arr, requires_grad)


def frombuffer(buffer, *, dtype, count: builtins.int = -1, offset: builtins.int = 0,
               requires_grad: builtins.bool = False) -> Tensor:
    """A 1-D tensor sharing the memory of a Python buffer (bytes, bytearray, array, mmap)
    (torch.frombuffer); a read-only buffer gives a read-only tensor."""
    dt = dtypes.as_dtype(dtype)
    length = memoryview(buffer).nbytes
    if length == 0 and count == -1 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if count > 0 and count * dt.itemsize > length - offset:
        raise ValueError(f"requested buffer length ({count} * {dt.itemsize} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if count < 0 and (length - offset) % dt.itemsize:
        raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} bytes) "
                         f"must be a multiple of element size ({dt.itemsize})")
    return _new(np.frombuffer(buffer, dt, count, offset), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    if dtype is None:
        dtype = _infer_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    return _new(np.full(_size((size,)), fill_value, dtypes.as_dtype(dtype)), requires_grad)


def eye(n: builtins.int, m: builtins.int | None = None, dtype=None, device=None,
        requires_grad: builtins.bool = False) -> Tensor:
    return _new(np.eye(n, m, dtype=dtypes.as_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None,
           requires_grad: builtins.bool = False) -> Tensor:
    """Values in [start, end) with ``step``; int64 unless a bound is a float (torch.arange)."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if dtype is None:
        dtype = (dtypes.get_default_dtype()
                 if any(isinstance(v, (builtins.float, np.floating)) for v in vals)
                 else dtypes.int64)
    dtype = dtypes.as_dtype(dtype)
    n = builtins.max(0, math.ceil((vals[1] - vals[0]) / vals[2]))
    arr = (vals[0] + np.arange(n, dtype=np.float64) * vals[2]).astype(dtype)
    return _new(arr, requires_grad)


def linspace(start, end, steps: builtins.int, dtype=None, device=None,
             requires_grad: builtins.bool = False) -> Tensor:
    """Evenly spaced values from start to end, computed as torch does (torch.linspace)."""
    dt = dtypes.as_dtype(dtype)
    if steps == 1:
        return _new(np.full(1, start, dt), requires_grad)
    work = dt if dt.kind == "f" else np.dtype(np.float64)
    start_w, end_w = work.type(start), work.type(end)
    step = (end_w - start_w) / work.type(steps - 1)
    i = np.arange(steps, dtype=work)
    half = steps // 2
    arr = np.where(i < half, start_w + step * i, end_w - step * (work.type(steps - 1) - i))
    return _new(arr.astype(dt), requires_grad)


def logspace(start, end, steps: builtins.int, base: builtins.float = 10.0, dtype=None,
             device=None, requires_grad: builtins.bool = False) -> Tensor:
    return _new(np.logspace(start, end, steps, base=base).astype(dtypes.as_dtype(dtype)),
                requires_grad)


def _like(t: Tensor, dtype):
    return t.shape, (t.dtype if dtype is None else dtypes.as_dtype(dtype))


def zeros_like(t: Tensor, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.zeros(shape, dt), requires_grad)


def ones_like(t: Tensor, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.ones(shape, dt), requires_grad)


def empty_like(t: Tensor, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.empty(shape, dt), requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, device=None,
              requires_grad: builtins.bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.full(shape, fill_value, dt), requires_grad)


def _float_dtype(dtype, op: str) -> np.dtype:
    dt = dtypes.as_dtype(dtype)
    if not dtypes.is_floating(dt):
        raise TypeError(f"{op}: expected a floating dtype, got {dt}")
    return dt


def rand(*size, generator: Generator | None = None, dtype=None, device=None,
         requires_grad: builtins.bool = False) -> Tensor:
    """Uniform samples on [0, 1) (torch.rand)."""
    dt = _float_dtype(dtype, "rand")
    arr = rng_of(generator).random(_size(size), dtype=np.float64).astype(dt)
    return _new(arr, requires_grad)


def randn(*size, generator: Generator | None = None, dtype=None, device=None,
          requires_grad: builtins.bool = False) -> Tensor:
    """Standard normal samples (torch.randn)."""
    dt = _float_dtype(dtype, "randn")
    arr = rng_of(generator).standard_normal(_size(size)).astype(dt)
    return _new(arr, requires_grad)


def randint(low, high=None, size=None, generator: Generator | None = None, dtype=None,
            device=None, requires_grad: builtins.bool = False) -> Tensor:
    """Integers in [low, high) (torch.randint(low=0, high, size))."""
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError("randint: missing the size argument")
    if high is None:
        low, high = 0, low
    dt = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    arr = rng_of(generator).integers(low, high, size=_size((size,))).astype(dt)
    return _new(arr, requires_grad)


def randperm(n: builtins.int, generator: Generator | None = None, dtype=None, device=None,
             requires_grad: builtins.bool = False) -> Tensor:
    """A random permutation of 0..n-1 (torch.randperm)."""
    dt = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    return _new(rng_of(generator).permutation(n).astype(dt), requires_grad)


def normal(mean=0.0, std=1.0, size=None, generator: Generator | None = None, dtype=None,
           device=None, requires_grad: builtins.bool = False) -> Tensor:
    """Normal samples with tensor or scalar mean/std (torch.normal)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if size is None:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    else:
        shape = _size((size,))
    dt = (mean.dtype if isinstance(mean, Tensor) else std.dtype if isinstance(std, Tensor)
          else _float_dtype(dtype, "normal"))
    arr = (m + s * rng_of(generator).standard_normal(shape)).astype(dt)
    return _new(arr, requires_grad)


def rand_like(t: Tensor, dtype=None, generator=None, **kw) -> Tensor:
    return rand(*t.shape, generator=generator, dtype=t.dtype if dtype is None else dtype)


def randn_like(t: Tensor, dtype=None, generator=None, **kw) -> Tensor:
    return randn(*t.shape, generator=generator, dtype=t.dtype if dtype is None else dtype)


def randint_like(t: Tensor, low, high=None, dtype=None, generator=None, **kw) -> Tensor:
    return randint(low, high, t.shape, generator=generator,
                   dtype=t.dtype if dtype is None else dtype)


def bernoulli(p: Tensor, generator: Generator | None = None) -> Tensor:
    """Draw 1 with probability ``p`` elementwise (torch.bernoulli)."""
    probs = p._data
    arr = (rng_of(generator).random(probs.shape) < probs).astype(probs.dtype)
    return Tensor._make(arr, False, None)


def multinomial(probs: Tensor, num_samples: builtins.int, replacement: builtins.bool = False,
                generator: Generator | None = None) -> Tensor:
    """Sample category indices from rows of (unnormalised) probabilities (torch.multinomial)."""
    p = np.asarray(probs._data, dtype=np.float64)
    rows = p.reshape(-1, p.shape[-1])
    if np.any(rows < 0) or not np.all(np.isfinite(rows)):
        raise RuntimeError(
            "multinomial: probability tensor contains either inf, nan or element < 0")
    rng = rng_of(generator)
    out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for i, row in enumerate(rows):
        total = row.sum()
        if total <= 0:
            raise RuntimeError(
                "multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > np.count_nonzero(row):
            raise RuntimeError("multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                               "without replacement")
        out[i] = rng.choice(row.size, size=num_samples, replace=replacement, p=row / total)
    return Tensor._make(out.reshape(p.shape[:-1] + (num_samples,)), False, None)
