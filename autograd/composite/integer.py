"""Integer and set functions (torch.isin, histc, histogram, gcd, lcm, shifts, frexp, unravel_index):
they work on arrays and return constants, as in torch."""

from __future__ import annotations

import builtins
import math

import numpy as np

from ..ops._base import binary_operands, const, to_tensor
from ..ops._support import inplace, not_implemented
from ..tensor import Tensor


def isin(elements, test_elements, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (torch.isin)."""
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return const(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Histogram of ``bins`` equal-width bins over [min, max] (torch.histc); min == max uses the
    data's range, and values outside are ignored."""
    if input.dtype.kind != "f":
        raise not_implemented("histogram_cpu", input.dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins} for bins")
    data = input._data.ravel()
    lo, hi = builtins.float(min), builtins.float(max)
    if lo == hi and data.size:
        lo, hi = builtins.float(data.min()), builtins.float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc: max must be larger than min, but got min {lo} and "
                           f"max {hi}")
    inside = data[(data >= lo) & (data <= hi)]
    index = ((inside - lo) * bins / (hi - lo)).astype(np.int64)
    index[index == bins] = bins - 1
    return const(np.bincount(index, minlength=bins).astype(input.dtype))


def histogram(input: Tensor, bins=100, *, range=None, weight: Tensor | None = None,
              density: bool = False):
    """Histogram counts and bin edges (torch.histogram): ``(hist, bin_edges)``."""
    from collections import namedtuple

    if input.dtype.kind != "f":
        raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the same "
                           f"dtype, but got input {input.dtype}")
    edges = bins._data if isinstance(bins, Tensor) else bins
    hist, bin_edges = np.histogram(
        input._data, bins=edges, range=range, density=density,
        weights=None if weight is None else weight._data)
    result = namedtuple("histogram", ["hist", "bin_edges"])
    return result(const(hist.astype(input.dtype)), const(bin_edges.astype(input.dtype)))


def _integer_binary(name: str, ufunc):
    def fn(input, other) -> Tensor:
        a, b = binary_operands(name, input, other)
        for x in (a, b):
            kind = x._data.dtype.kind if isinstance(x, Tensor) else np.asarray(x).dtype.kind
            if kind not in "iu":
                raise not_implemented(f"{name}_cpu", x.dtype if isinstance(x, Tensor)
                                      else np.asarray(x).dtype)
        arrays = [x._data if isinstance(x, Tensor) else x for x in (a, b)]
        return const(np.asarray(ufunc(*arrays)))

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} of integer tensors (torch.{name})."
    return fn


gcd = _integer_binary("gcd", np.gcd)
lcm = _integer_binary("lcm", np.lcm)
bitwise_left_shift = _integer_binary("bitwise_left_shift", np.left_shift)
bitwise_right_shift = _integer_binary("bitwise_right_shift", np.right_shift)


def frexp(input: Tensor):
    """Mantissa in [0.5, 1) and integer exponent of each element (torch.frexp)."""
    from collections import namedtuple

    if input.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(input._data)
    result = namedtuple("frexp", ["mantissa", "exponent"])
    return result(const(mantissa), const(exponent.astype(np.int32)))


def unravel_index(indices, shape) -> tuple:
    """Coordinates of flat ``indices`` in an array of ``shape`` (torch.unravel_index)."""
    index = to_tensor(indices)
    if index.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {index.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    total = math.prod(shape)
    if np.any((index._data < -total) | (index._data >= total)):
        raise RuntimeError(f"'indices' must be in range [-{total}, {total})")
    coords = np.unravel_index(np.mod(index._data, builtins.max(total, 1)), shape)
    return tuple(const(np.asarray(c, dtype=np.int64)) for c in coords)


__all__ = ["isin", "histc", "histogram", "gcd", "lcm", "bitwise_left_shift",
           "bitwise_right_shift", "frexp", "unravel_index"]

METHODS = {"isin": isin, "histc": histc, "histogram": histogram, "gcd": gcd, "lcm": lcm,
           "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift,
           "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift, "frexp": frexp}
for _name, _fn in [("gcd_", gcd), ("lcm_", lcm), ("bitwise_left_shift_", bitwise_left_shift),
                   ("bitwise_right_shift_", bitwise_right_shift),
                   ("__ilshift__", bitwise_left_shift), ("__irshift__", bitwise_right_shift)]:
    METHODS[_name] = inplace(_fn, _name)
