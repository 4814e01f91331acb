"""Normalisation layers in functional form (torch.nn.functional.batch_norm, layer_norm, ...).

Each subtracts a mean and divides by sqrt(variance + eps), the statistics taken over different
axes: the batch (batch norm), the trailing features (layer norm), channel groups (group norm) or
each sample's spatial positions (instance norm).
"""

from __future__ import annotations

import autograd
from autograd import Tensor
from autograd.ops.shape import pad

__all__ = ["batch_norm", "layer_norm", "rms_norm", "group_norm", "instance_norm",
           "local_response_norm"]

# machine epsilon per floating dtype: rms_norm's default eps, like torch.finfo(dtype).eps
_MACHINE_EPS = {"float16": 2.0**-10, "float32": 2.0**-23, "float64": 2.0**-52}


def _channel_view(t: Tensor, ndim: int) -> Tensor:
    """A per-channel (C,) tensor shaped (1, C, 1, ..., 1) to broadcast over (N, C, *)."""
    return t.reshape(1, -1, *([1] * (ndim - 2)))


def _moments(x: Tensor, dims: tuple) -> tuple[Tensor, Tensor]:
    """Mean and biased variance over ``dims``, kept for broadcasting."""
    var, mean = autograd.var_mean(x, dims, keepdim=True, correction=0)
    return mean, var


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, ndim: int) -> Tensor:
    if weight is not None:
        out = out * _channel_view(weight, ndim)
    if bias is not None:
        out = out + _channel_view(bias, ndim)
    return out


def _update_running(running: Tensor, stat: Tensor, momentum: float) -> None:
    """running <- (1 - momentum) * running + momentum * stat, in place, recorded nowhere."""
    with autograd.no_grad():
        running.copy_(running * (1.0 - momentum) + stat.detach().to(running.dtype) * momentum)


def _check_stat_size(name: str, t: Tensor | None, channels: int) -> None:
    if t is not None and t.numel() != channels:
        raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")


def _normalise_by_channel(op: str, input: Tensor, dims: tuple, running_mean: Tensor | None,
                          running_var: Tensor | None, weight: Tensor | None,
                          bias: Tensor | None, use_input_stats: bool, momentum: float,
                          eps: float, unit: str) -> Tensor:
    """Batch and instance norm: statistics over ``dims`` of the input, or the running ones.

    Running statistics are updated with the (unbiased) input statistics, averaged over the
    batch when dim 0 is not among ``dims`` (instance norm).
    """
    ndim, channels = input.dim(), input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_stat_size(name, t, channels)
    if use_input_stats:
        count = 1
        for d in dims:
            count *= input.shape[d]
        if count <= 1:
            raise ValueError(f"Expected more than 1 {unit} when training, got input size "
                             f"{tuple(input.shape)}")
        mean, var = _moments(input, dims)
        per_sample = 0 not in dims
        for running, stat in ((running_mean, mean), (running_var, var * (count / (count - 1)))):
            if running is not None:
                _update_running(running, (stat.mean(0) if per_sample else stat).reshape(-1),
                                momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"{op}: running_mean and running_var must be given when the "
                               f"running statistics are used (training=False)")
        mean = _channel_view(running_mean, ndim)
        var = _channel_view(running_var, ndim)
    out = (input - mean) / (var + eps).sqrt()
    return _affine(out, weight, bias, ndim)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial dims while training, with the
    running statistics otherwise; training updates them with the unbiased variance
    (torch.nn.functional.batch_norm)."""
    if input.dim() < 2:
        raise ValueError(f"batch_norm: expected an input of at least 2 dimensions (N, C, *), got "
                         f"shape {tuple(input.shape)}")
    return _normalise_by_channel("batch_norm", input, (0,) + tuple(range(2, input.dim())),
                                 running_mean, running_var, weight, bias, training, momentum,
                                 eps, "value per channel")


def _trailing_dims(op: str, input: Tensor, normalized_shape) -> tuple:
    """The trailing dims that ``normalized_shape`` names; the input must end with that shape."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.dim() < k or tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(
            f"{op}: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
            f"{list(input.shape)}")
    return tuple(range(input.dim() - k, input.dim()))


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims of each sample, then scale and
    shift elementwise (torch.nn.functional.layer_norm)."""
    dims = _trailing_dims("layer_norm", input, normalized_shape)
    shape = tuple(input.shape[dims[0]:])
    if input.dtype.kind == "f" and all(
            p is None or (tuple(p.shape) == shape and p.dtype == input.dtype)
            for p in (weight, bias)):
        return autograd.layer_norm(input, shape, weight, bias, eps)   # one fused node
    mean, var = _moments(input, dims)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2) + eps) over the trailing ``normalized_shape`` dims, times ``weight``;
    eps defaults to the dtype's machine epsilon (torch.nn.functional.rms_norm)."""
    dims = _trailing_dims("rms_norm", input, normalized_shape)
    if eps is None:
        eps = _MACHINE_EPS.get(input.dtype.name, _MACHINE_EPS["float32"])
    out = input / ((input * input).mean(dim=dims, keepdim=True) + eps).sqrt()
    return out * weight if weight is not None else out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each sample over groups of channels (and all spatial positions), then apply a
    per-channel affine map (torch.nn.functional.group_norm)."""
    if input.dim() < 2:
        raise RuntimeError(f"group_norm: expected an input of at least 2 dimensions (N, C, *), "
                           f"got shape {tuple(input.shape)}")
    n, channels = input.shape[:2]
    if channels % num_groups != 0:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}")
    grouped = input.reshape(n, num_groups, -1)
    mean, var = _moments(grouped, (2,))
    out = ((grouped - mean) / (var + eps).sqrt()).reshape(input.shape)
    return _affine(out, weight, bias, input.dim())


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each (sample, channel) over its spatial positions
    (torch.nn.functional.instance_norm); running statistics, when given, are updated with the
    batch average of the per-instance statistics."""
    if input.dim() < 3:
        raise ValueError(f"instance_norm: expected an input of at least 3 dimensions (N, C, *), "
                         f"got shape {tuple(input.shape)}")
    return _normalise_by_channel("instance_norm", input, tuple(range(2, input.dim())),
                                 running_mean, running_var, weight, bias, use_input_stats,
                                 momentum, eps, "spatial element")


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Divide each activation by (k + alpha * mean of squares over ``size`` neighbouring
    channels)^beta, zero-padded at the edges (torch.nn.functional.local_response_norm)."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    # zero-pad the channel dim: size // 2 in front, (size - 1) // 2 behind
    padding = (0, 0) * (input.dim() - 2) + (size // 2, (size - 1) // 2)
    padded = pad(input * input, padding)
    window = padded[:, 0:channels]
    for offset in range(1, size):
        window = window + padded[:, offset:offset + channels]
    div = (window * (alpha / size) + k) ** beta
    return input / div
