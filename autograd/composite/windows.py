"""Window functions (torch.hann_window, hamming_window, blackman_window, bartlett_window,
kaiser_window): constants of the default float dtype."""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor


def _window(name: str, formula):
    def window(window_length: int, periodic: bool = True, *args, dtype=None, layout=None,
               device=None, requires_grad: bool = False) -> Tensor:
        if window_length < 0:
            raise RuntimeError(f"{name} requires non-negative window_length, got "
                               f"window_length={window_length}")
        dtype = dtypes.get_default_dtype() if dtype is None else dtype
        if window_length <= 1:
            values = np.ones(window_length)
        else:
            n = window_length + 1 if periodic else window_length
            values = formula(np.arange(n, dtype=np.float64), n, *args)[:window_length]
        return Tensor._make(values.astype(dtype), requires_grad, None)

    window.__name__ = name
    window.__doc__ = f"The {name.split('_')[0]} window (torch.{name})."
    return window


def _cosine_sum(*coefficients):
    def formula(k, n):
        phase = 2 * np.pi * k / (n - 1)
        return sum(c * (-1) ** i * np.cos(i * phase) for i, c in enumerate(coefficients))

    return formula


hann_window = _window("hann_window", _cosine_sum(0.5, 0.5))
blackman_window = _window("blackman_window", _cosine_sum(0.42, 0.5, 0.08))
bartlett_window = _window("bartlett_window", lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))
hamming_window = _window(
    "hamming_window",
    lambda k, n, alpha=0.54, beta=0.46: alpha - beta * np.cos(2 * np.pi * k / (n - 1)))
kaiser_window = _window(
    "kaiser_window",
    lambda k, n, beta=12.0: np.i0(beta * np.sqrt(np.clip(1 - (2 * k / (n - 1) - 1) ** 2, 0, None)))
    / np.i0(beta))
__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]
