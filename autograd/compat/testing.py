"""torch.testing: closeness assertions for tensors, scalars and nested containers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..random import rng_of
from ..tensor import Tensor

# torch's default (rtol, atol) per dtype; integers and bools compare exactly
_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}


def _name(dtype) -> str:
    return f"autograd.{np.dtype(dtype).name}" if np.dtype(dtype) != np.bool_ else "autograd.bool"


def _fail(msg, default: str) -> None:
    raise AssertionError(msg(default) if callable(msg) else (msg or default))


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, msg, path: str) -> None:
    where = f" at {path}" if path else ""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping) or set(actual) != set(expected):
            _fail(msg, f"The mappings{where} have different keys.")
        for key in expected:
            _compare(actual[key], expected[key], rtol, atol, equal_nan, check_dtype, msg,
                     f"{path}[{key!r}]")
        return
    if isinstance(expected, Sequence) and not isinstance(expected, str) \
            and not isinstance(actual, (Tensor, np.ndarray)):
        if not isinstance(actual, Sequence) or len(actual) != len(expected):
            _fail(msg, f"The length of the sequences{where} mismatch: "
                       f"{len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, check_dtype, msg, f"{path}[{i}]")
        return
    scalars = not isinstance(actual, (Tensor, np.ndarray)) and \
        not isinstance(expected, (Tensor, np.ndarray))
    a = actual._data if isinstance(actual, Tensor) else np.asarray(actual)
    e = expected._data if isinstance(expected, Tensor) else np.asarray(expected)
    if scalars and type(actual) is not type(expected):
        _fail(msg, f"The values for attribute 'type'{where} do not match: "
                   f"{type(actual)} != {type(expected)}.")
    if a.shape != e.shape:
        _fail(msg, f"The values for attribute 'shape'{where} do not match: "
                   f"{list(a.shape)} != {list(e.shape)}.")
    if check_dtype and not scalars and a.dtype != e.dtype:
        _fail(msg, f"The values for attribute 'dtype'{where} do not match: "
                   f"{_name(a.dtype)} != {_name(e.dtype)}.")
    if rtol is None:
        rtol, atol = _TOLERANCES.get(np.promote_types(a.dtype, e.dtype), (0.0, 0.0)) \
            if not scalars else (1e-7, 1e-7) if isinstance(expected, float) else (0.0, 0.0)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    with np.errstate(all="ignore"):
        close = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
        close |= (a64 == e64)  # equal infinities
    if close.all():
        return
    with np.errstate(all="ignore"):
        diff = np.abs(a64 - e64)
        rel = diff / np.abs(e64)
    if scalars:
        _fail(msg, f"Scalars are not close{where}!\n\nExpected {expected} but got {actual}.\n"
                   f"Absolute difference: {diff.item()} (up to {atol} allowed)\n"
                   f"Relative difference: {rel.item()} (up to {rtol} allowed)")
    bad = ~close
    worst_abs, worst_rel = (
        tuple(int(i) for i in np.unravel_index(
            np.argmax(np.where(bad, np.nan_to_num(d, nan=np.inf), -1.0)), d.shape))
        for d in (diff, rel))
    _fail(msg, f"Tensor-likes are not close{where}!\n\n"
               f"Mismatched elements: {int(bad.sum())} / {bad.size} "
               f"({100.0 * bad.sum() / bad.size:.1f}%)\n"
               f"Greatest absolute difference: {diff[worst_abs]} at index {worst_abs} "
               f"(up to {atol} allowed)\n"
               f"Greatest relative difference: {rel[worst_rel]} at index {worst_rel} "
               f"(up to {rtol} allowed)")


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg=None) -> None:
    """Assert ``actual`` and ``expected`` are close: same shapes and dtypes, values within
    ``atol + rtol * |expected|`` (dtype defaults as in torch) (torch.testing.assert_close)."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {'rtol' if rtol is None else 'atol'}.")
    _compare(actual, expected, rtol, atol, equal_nan, check_dtype, msg, "")


def assert_allclose(actual, expected, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """The deprecated spelling: no dtype check, NaNs equal (torch.testing.assert_allclose)."""
    if not isinstance(actual, Tensor):
        actual = Tensor._make(np.asarray(actual), False, None)
    if not isinstance(expected, Tensor):
        expected = Tensor._make(np.asarray(expected, dtype=actual._data.dtype), False, None)
    if rtol is None or atol is None:
        rtol, atol = _TOLERANCES.get(np.promote_types(actual._data.dtype, expected._data.dtype),
                                     (0.0, 0.0))
    _compare(actual, expected, rtol, atol, equal_nan, False, msg or None, "")


def make_tensor(*shape, dtype, device, low: float | None = None, high: float | None = None,
                requires_grad: bool = False, noncontiguous: bool = False,
                exclude_zero: bool = False) -> Tensor:
    """A tensor of ``shape`` with values uniform on [low, high) (torch.testing.make_tensor)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dtype = np.dtype(dtype)
    rng = rng_of(None)
    if dtype == np.bool_:
        values = rng.integers(0, 2, shape).astype(bool)
    elif dtype.kind in "iu":
        lo = -9 if low is None else int(np.ceil(low))
        hi = 10 if high is None else int(np.ceil(high))
        lo = max(lo, int(np.iinfo(dtype).min))
        values = rng.integers(lo, hi, shape).astype(dtype)
        if exclude_zero:
            values[values == 0] = 1
    else:
        lo = -9.0 if low is None else low
        hi = 9.0 if high is None else high
        values = (rng.random(shape) * (hi - lo) + lo).astype(dtype)
        if exclude_zero:
            values[values == 0] = np.finfo(dtype).tiny
    return Tensor._make(values, requires_grad and dtype.kind == "f", None)


__all__ = ["assert_close", "assert_allclose", "make_tensor"]
