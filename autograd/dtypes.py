"""dtypes and torch's type-promotion rules.

dtypes are numpy dtype objects, so ``t.dtype == autograd.float32`` and ``dtype=numpy.float32`` both
work. Promotion follows PyTorch, not numpy: Python scalars never upcast a tensor of the same kind,
0-d tensors rank below dimensioned ones, and an integer tensor meeting a float gives the default
float dtype.
"""

from __future__ import annotations

import builtins

import numpy as np

float16 = half = np.dtype("float16")
float32 = float = np.dtype("float32")
float64 = double = np.dtype("float64")
int8 = np.dtype("int8")
uint8 = np.dtype("uint8")
int16 = short = np.dtype("int16")
int32 = int = np.dtype("int32")
int64 = long = np.dtype("int64")
bool_ = np.dtype("bool")

_default_float = float32

_ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
            "bool": bool_, "short": int16}


def get_default_dtype() -> np.dtype:
    """The dtype of new floating tensors (torch.get_default_dtype)."""
    return _default_float


def set_default_dtype(d) -> None:
    """Set the dtype of new floating tensors; float32 or float64 (torch.set_default_dtype)."""
    global _default_float
    d = as_dtype(d)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes are supported, got {d}")
    _default_float = d


def as_dtype(d) -> np.dtype:
    """Normalise a dtype given as np.dtype, numpy type, Python type or name."""
    if d is None:
        return _default_float
    if isinstance(d, np.dtype):
        return d
    if d is builtins.float:
        return _default_float
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if isinstance(d, str) and d in _ALIASES:
        return _ALIASES[d]
    try:
        return np.dtype(d)
    except TypeError as exc:
        raise TypeError(f"unknown dtype {d!r}") from exc


def is_floating(d: np.dtype) -> bool:
    return d.kind == "f"


def _category(d: np.dtype) -> int:
    """0 bool, 1 integer, 2 floating."""
    k = d.kind
    return 2 if k == "f" else (0 if k == "b" else 1)


def _scalar_category(x) -> int:
    if isinstance(x, (bool, np.bool_)):
        return 0
    if isinstance(x, (builtins.int, np.integer)):
        return 1
    return 2


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """torch.promote_types: a float meets an integer -> the float (numpy would widen it)."""
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def result_type(*operands) -> np.dtype:
    """torch.result_type over tensors (objects with .dtype and .ndim) and Python scalars."""
    dims, zero_dims, scalars = [], [], []
    for x in operands:
        dt = getattr(x, "dtype", None)
        if dt is None or isinstance(x, np.generic):
            scalars.append(_scalar_category(x))
        elif x.ndim == 0:
            zero_dims.append(dt)
        else:
            dims.append(dt)
    best = None
    for group in (dims, zero_dims):
        if not group:
            continue
        d = group[0]
        for other in group[1:]:
            d = promote_types(d, other)
        if best is None:
            best = d
        elif _category(d) > _category(best):
            best = d
    if best is None:
        cat = max(scalars) if scalars else 2
        return (bool_, int64, _default_float)[cat]
    if scalars:
        cat = max(scalars)
        if cat > _category(best):
            best = (bool_, int64, _default_float)[cat]
    return best
