"""torch.finfo / torch.iinfo: the numeric limits of a dtype, as Python numbers."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from .. import dtypes


class finfo:
    """torch.finfo(dtype): eps, max, min, tiny (= smallest_normal), resolution and bits of a
    floating-point dtype (the default dtype when none is given)."""

    def __init__(self, type=None) -> None:
        dtype = dtypes.as_dtype(type) if type is not None else dtypes.get_default_dtype()
        if not dtypes.is_floating(dtype):
            raise TypeError("torch.finfo() requires a floating point input type. "
                            "Use torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(dtype) if dtype.kind == "f" else ml_dtypes.finfo(dtype)
        self.dtype = dtypes.wrap(dtype).name
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = float(10.0 ** -math.floor(-math.log10(self.eps)))  # as torch derives it

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """torch.iinfo(dtype): max, min and bits of an integer (or bool) dtype."""

    def __init__(self, type) -> None:
        dtype = dtypes.as_dtype(type)
        if dtype.kind not in "iub":
            raise TypeError("torch.iinfo() requires an integer input type. "
                            "Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(np.uint8 if dtype.kind == "b" else dtype)
        self.dtype = dtypes.wrap(dtype).name
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
