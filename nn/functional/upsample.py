"""Resizing: interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area) and
pixel (un)shuffle (torch.nn.functional.interpolate, pixel_shuffle, pixel_unshuffle).

Source positions are computed like torch's CPU kernels, in float32 for the nearest modes and in the
input's dtype for the linear ones, so the same pixels are picked; the linear modes interpolate one
spatial dimension at a time with gathered neighbours and their weights.
"""

from __future__ import annotations

import math
import warnings

import autograd
from autograd import Tensor

from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle"]

_LINEAR_MODES = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")


def _dim_scale(in_size: int, out_size: int, scale_factor, dtype) -> Tensor:
    """torch's compute_scales_value: 1/scale_factor when one was given, else in/out."""
    if scale_factor is not None and scale_factor > 0:
        return autograd.tensor(1.0 / scale_factor, dtype=dtype)
    return autograd.tensor(float(in_size), dtype=dtype) / out_size


def _nearest_index(in_size: int, out_size: int, scale_factor, exact: bool) -> Tensor:
    if out_size == in_size:
        return autograd.arange(out_size)
    if out_size == 2 * in_size and not exact:
        return autograd.arange(out_size) // 2
    scale = _dim_scale(in_size, out_size, scale_factor, autograd.float32)
    positions = autograd.arange(out_size, dtype=autograd.float32)
    if exact:
        positions = positions + 0.5
    return autograd.clamp((positions * scale).long(), max=in_size - 1)


def _linear_weights(in_size: int, out_size: int, scale_factor, align_corners: bool, dtype):
    """Left/right source indices and their weights for every output position along one dim."""
    positions = autograd.arange(out_size, dtype=dtype)
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        source = positions * autograd.tensor(scale, dtype=dtype)
    else:
        scale = _dim_scale(in_size, out_size, scale_factor, dtype)
        source = autograd.clamp(scale * (positions + 0.5) - 0.5, min=0)
    left = autograd.clamp(source.long(), max=in_size - 1)
    right = autograd.clamp(left + 1, max=in_size - 1)
    weight_right = autograd.clamp(source - left.to(dtype), 0, 1)
    return left, right, 1 - weight_right, weight_right


def _cubic_taps(in_size: int, out_size: int, scale_factor, align_corners: bool, dtype):
    """The four source indices (clamped to the input) and cubic-convolution weights (A = -0.75)
    of every output position along one dim, as torch's bicubic kernel computes them."""
    positions = autograd.arange(out_size, dtype=dtype)
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        source = positions * autograd.tensor(scale, dtype=dtype)
    else:
        scale = _dim_scale(in_size, out_size, scale_factor, dtype)
        source = scale * (positions + 0.5) - 0.5
    base = autograd.clamp(autograd.floor(source), max=in_size - 1)
    t = autograd.clamp(source - base, 0, 1)
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    base = base.long()
    taps = tuple(autograd.clamp(base + (j - 1), 0, in_size - 1) for j in range(4))
    return taps, weights


def _along(x: Tensor, index: Tensor, dim: int) -> Tensor:
    """Gather positions ``index`` of dimension ``dim`` (negative, counted from the end)."""
    return x[(Ellipsis, index) + (slice(None),) * (-dim - 1)]


def _repeat_pattern(index: Tensor, in_size: int, out_size: int) -> int:
    """The factor k when ``index`` is [0]*k + [1]*k + ... (nearest upsampling by an integer)."""
    if out_size % in_size:
        return 0
    k = out_size // in_size
    return k if index.tolist() == [i // k for i in range(out_size)] else 0


def _nearest(x: Tensor, sizes: tuple, scales: tuple, exact: bool) -> Tensor:
    dims = len(sizes)
    for i, (out_size, scale) in enumerate(zip(sizes, scales)):
        dim = i - dims
        in_size = x.shape[dim]
        index = _nearest_index(in_size, out_size, scale, exact)
        k = _repeat_pattern(index, in_size, out_size)
        if k == 1:
            continue
        if k:
            # integer upsampling: repeat each element k times with a broadcast and a reshape
            shape = tuple(x.shape)
            axis = len(shape) + dim
            widened = x.unsqueeze(axis + 1).expand(shape[:axis + 1] + (k,) + shape[axis + 1:])
            x = widened.reshape(shape[:axis] + (out_size,) + shape[axis + 1:])
        else:
            x = _along(x, index, dim)
    return x


def _linear(x: Tensor, sizes: tuple, scales: tuple, align_corners: bool) -> Tensor:
    dims = len(sizes)
    for i, (out_size, scale) in enumerate(zip(sizes, scales)):
        dim = i - dims
        in_size = x.shape[dim]
        if in_size == out_size and (align_corners or scale is None or scale == 1):
            continue
        left, right, w_left, w_right = _linear_weights(in_size, out_size, scale, align_corners,
                                                       x.dtype)
        shape = (out_size,) + (1,) * (-dim - 1)
        x = _along(x, left, dim) * w_left.reshape(shape) + \
            _along(x, right, dim) * w_right.reshape(shape)
    return x


def _bicubic(x: Tensor, sizes: tuple, scales: tuple, align_corners: bool) -> Tensor:
    for i, (out_size, scale) in enumerate(zip(sizes, scales)):
        dim = i - len(sizes)
        taps, weights = _cubic_taps(x.shape[dim], out_size, scale, align_corners, x.dtype)
        shape = (out_size,) + (1,) * (-dim - 1)
        parts = [_along(x, index, dim) * w.reshape(shape) for index, w in zip(taps, weights)]
        x = parts[0] + parts[1] + parts[2] + parts[3]
    return x


def _output_sizes(input: Tensor, size, scale_factor, dims: int, recompute: bool | None,
                  mode: str):
    spatial = tuple(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * dims
        if len(sizes) != dims:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(spatial)} and output size of "
                f"{tuple(sizes)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                f"and output size in (o1, o2, ...,oK) format.")
        sizes = tuple(int(s) for s in sizes)
        scales = (None,) * dims
    else:
        factors = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) \
            else (scale_factor,) * dims
        if len(factors) != dims:
            raise ValueError(
                f"Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {list(spatial)} and scale_factor of shape "
                f"{tuple(factors)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                f"and scale_factor in (s1, s2, ...,sK) format.")
        sizes = tuple(int(math.floor(n * float(f))) for n, f in zip(spatial, factors))
        scales = (None,) * dims if recompute else tuple(float(f) for f in factors)
    if min(sizes) < 0 or (min(sizes) == 0 and mode != "area"):
        raise RuntimeError(f"interpolate: output size {sizes} must be greater than 0 (input "
                           f"shape {tuple(input.shape)})")
    return sizes, scales


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dimensions of (N, C, L), (N, C, H, W) or (N, C, D, H, W) input by
    ``size`` or ``scale_factor`` (torch.nn.functional.interpolate)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: expected a Tensor input, got {type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; choose one of "
                                  f"{', '.join(_MODES)}")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    else:
        align_corners = bool(align_corners)
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"interpolate: input of shape {tuple(input.shape)} is not "
                                  f"supported; expected 3-D (N, C, L), 4-D (N, C, H, W) or 5-D "
                                  f"(N, C, D, H, W) input")
    dims = input.ndim - 2
    if mode in _LINEAR_MODES and _LINEAR_MODES[mode] != dims:
        wanted = _LINEAR_MODES[mode] + 2
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {wanted}D "
                                  f"input")
    if input.dtype.kind != "f":
        raise RuntimeError(f"interpolate: expected a floating point input, got {input.dtype}")
    sizes, scales = _output_sizes(input, size, scale_factor, dims, recompute_scale_factor,
                                   mode)
    if mode == "area":
        pool = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}[dims]
        return pool(input, sizes)
    if mode in ("nearest", "nearest-exact"):
        return _nearest(input, sizes, scales, mode == "nearest-exact")
    if mode == "bicubic":
        return _bicubic(input, sizes, scales, align_corners)
    return _linear(input, sizes, scales, align_corners)


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated alias of interpolate (torch.nn.functional.upsample)."""
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated nearest upsampling (torch.nn.functional.upsample_nearest)."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated bilinear upsampling with align_corners=True
    (torch.nn.functional.upsample_bilinear)."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _check_factor(op: str, input: Tensor, factor: int, name: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s) (shape {tuple(input.shape)})")
    if not isinstance(factor, int) or factor <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {factor!r}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r) (torch.nn.functional.pixel_shuffle)."""
    _check_factor("pixel_shuffle", input, upscale_factor, "upscale_factor")
    r = upscale_factor
    *lead, channels, h, w = input.shape
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)="
                           f"{channels} is not divisible by {r * r}")
    lead = tuple(lead)
    n = len(lead)
    x = input.reshape(lead + (channels // (r * r), r, r, h, w))
    x = x.permute(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return x.reshape(lead + (channels // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W), the inverse of pixel_shuffle
    (torch.nn.functional.pixel_unshuffle)."""
    _check_factor("pixel_unshuffle", input, downscale_factor, "downscale_factor")
    r = downscale_factor
    *lead, channels, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but input of shape {tuple(input.shape)} is not "
                           f"divisible by {r}")
    lead = tuple(lead)
    n = len(lead)
    x = input.reshape(lead + (channels, h // r, r, w // r, r))
    x = x.permute(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return x.reshape(lead + (channels * r * r, h // r, w // r))
