"""Dropout (torch.nn.functional.dropout and its channel-wise and alpha variants).

Inverted dropout: during training each element (or each whole channel) is kept with probability
1 - p and scaled by 1 / (1 - p), so the expected activation is unchanged and evaluation is the
identity.
"""

from __future__ import annotations

import math
import warnings

import autograd
from autograd import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]

# -scale * alpha of SELU: the value alpha dropout drops to
_SELU_SATURATION = 1.7580993408473766


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(input: Tensor, shape: tuple, p: float) -> Tensor:
    """A 0/1 tensor of ``shape`` in the input's dtype, 1 with probability 1 - p."""
    return (autograd.rand(*shape, dtype=input.dtype) >= p).to(input.dtype)


def _finish(input: Tensor, out: Tensor, inplace: bool) -> Tensor:
    return input.copy_(out) if inplace else out


def _dropout(input: Tensor, p: float, training: bool, inplace: bool, mask_shape: tuple,
             alpha: bool) -> Tensor:
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _finish(input, input * 0.0, inplace)
    mask = _keep_mask(input, mask_shape, p)
    if alpha:
        a = 1.0 / math.sqrt((_SELU_SATURATION**2 * p + 1) * (1 - p))
        shift = (mask - 1.0) * (_SELU_SATURATION * a) + _SELU_SATURATION * a * p
        return _finish(input, input * (mask * a) + shift, inplace)
    return _finish(input, input * (mask * (1.0 / (1.0 - p))), inplace)


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) while
    training (torch.nn.functional.dropout)."""
    return _dropout(input, p, training, inplace, tuple(input.shape), alpha=False)


def _channel_mask_shape(input: Tensor, batched: bool) -> tuple:
    """(N, C, 1, ..., 1) for batched input, (C, 1, ..., 1) otherwise."""
    lead = 2 if batched else 1
    return tuple(input.shape[:lead]) + (1,) * (input.dim() - lead)


def _feature_dropout(name: str, spatial: int, input: Tensor, p: float, training: bool,
                     inplace: bool, alpha: bool = False) -> Tensor:
    ndim = input.dim()
    if name == "dropout1d":
        if ndim not in (2, 3):
            raise RuntimeError(
                f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. Note that "
                f"dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
                f"dimension, a channel dimension, and an optional batch dimension (i.e. 2D or "
                f"3D inputs).")
        batched = ndim == 3
    else:
        expected = (spatial + 1, spatial + 2)
        if ndim not in expected:
            warnings.warn(
                f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will "
                f"result in an error in a future release. To retain the behavior and silence "
                f"this warning, please use dropout instead. Note that {name} exists to provide "
                f"channel-wise dropout on inputs with {spatial} spatial dimensions, a channel "
                f"dimension, and an optional batch dimension (i.e. {expected[0]}D or "
                f"{expected[1]}D inputs).", stacklevel=3)
        if name == "dropout2d" and ndim == 3:
            warnings.warn(
                "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
                "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
                "is the channel dim. This behavior will change in a future release to interpret "
                "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
                "the 1D channel-wise dropout behavior, please switch to using dropout1d "
                "instead.", stacklevel=3)
        # dropout2d reads any input as (N, C, ...); the others add a batch dim when missing
        batched = name == "dropout2d" or ndim == expected[1]
    if ndim == 0:
        return _dropout(input, p, training, inplace, (), alpha)
    return _dropout(input, p, training, inplace, _channel_mask_shape(input, batched), alpha)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) input (torch.nn.functional.dropout1d)."""
    return _feature_dropout("dropout1d", 1, input, p, training, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) input (torch.nn.functional.dropout2d)."""
    return _feature_dropout("dropout2d", 2, input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input
    (torch.nn.functional.dropout3d)."""
    return _feature_dropout("dropout3d", 3, input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped units take SELU's saturation value and an affine map
    keeps mean and variance (torch.nn.functional.alpha_dropout)."""
    return _dropout(input, p, training, inplace, tuple(input.shape), alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels (torch.nn.functional.feature_alpha_dropout)."""
    _check_p(p)
    if input.dim() < 2:
        return _dropout(input, p, training, inplace, tuple(input.shape), alpha=True)
    return _dropout(input, p, training, inplace, _channel_mask_shape(input, True), alpha=True)
