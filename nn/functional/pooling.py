"""Pooling: max (the strided running-maximum op), average, adaptive, unpooling and power-average
(torch.nn.functional.max_pool2d, avg_pool2d, adaptive_avg_pool2d, max_unpool2d, lp_pool2d, ...).

1-D pooling is 2-D pooling on an image of height 1. Average pooling over non-overlapping windows
is a reshape and a mean; otherwise windows come from unfold and the divisor from torch's rule.
3-D pooling works on the windows of the volumetric unfold3d: a max (with the winner's flat D*H*W
index) or a sum over each window.
Adaptive pooling uses torch's windows [floor(i*n/m), ceil((i+1)*n/m)).
"""

from __future__ import annotations

import math

import autograd
from autograd import Tensor
from autograd.ops import pooling as pool_ops
from autograd.ops.conv import unfold, unfold3d
from autograd.ops.shape import pad

from .conv import expand_param

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
           "lp_pool1d", "lp_pool2d", "lp_pool3d"]


max_pool1d_with_indices = pool_ops.max_pool1d_with_indices
max_pool2d_with_indices = pool_ops.max_pool2d_with_indices


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """1-D max pooling over (N, C, L) or (C, L) (torch.nn.functional.max_pool1d)."""
    out, indices = pool_ops.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                           ceil_mode)
    return (out, indices) if return_indices else out


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling over (N, C, H, W) or (C, H, W); indices are flat positions in H*W
    (torch.nn.functional.max_pool2d)."""
    out, indices = pool_ops.max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                           ceil_mode)
    return (out, indices) if return_indices else out


def _pool3d_geometry(op: str, input: Tensor, kernel_size, stride, padding, dilation,
                     ceil_mode: bool) -> tuple:
    """Checked (kernel, stride, padding, dilation, output size) of a 3-D pooling call."""
    _check_pool_input(op, input, 3)
    kernel = expand_param(kernel_size, "kernel_size", op, 3)
    stride = kernel if stride is None or stride == () or stride == [] else \
        expand_param(stride, "stride", op, 3)
    padding = expand_param(padding, "padding", op, 3)
    dilation = expand_param(dilation, "dilation", op, 3)
    if min(kernel) <= 0 or min(stride) <= 0 or min(dilation) <= 0:
        raise RuntimeError(f"{op}: kernel_size, stride and dilation must be greater than zero, "
                           f"got kernel_size={kernel}, stride={stride}, dilation={dilation}")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but "
                               f"got pad={p}, kernel_size={k} and dilation={d}")
    spatial = tuple(input.shape[-3:])
    out = tuple(pool_ops.pool_output_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    if min(out) < 1 or min(spatial) < 1:
        raise RuntimeError(f"{op}: given input size {tuple(input.shape)}, the calculated output "
                           f"size {out} is too small (kernel_size={kernel}, stride={stride}, "
                           f"padding={padding}, dilation={dilation})")
    return kernel, stride, padding, dilation, out


def _windows3d(x: Tensor, kernel, stride, padding, dilation, out, fill: float) -> Tensor:
    """(P, 1, D, H, W) -> (P, kd*kh*kw, L) windows; padding (and the extra room ceil_mode
    windows need past it) is filled with ``fill``."""
    spatial = tuple(x.shape[-3:])
    extra = [max((o - 1) * s + d * (k - 1) + 1 - (n + 2 * p), 0) for o, s, d, k, n, p in
             zip(out, stride, dilation, kernel, spatial, padding)]
    if any(padding) or any(extra):
        flat = []
        for p, e in zip(reversed(padding), reversed(extra)):
            flat += [p, p + e]
        x = pad(x, flat, value=fill)
    return unfold3d(x, kernel, dilation, 0, stride)


def max_pool3d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W), returning values and flat D*H*W
    indices (torch.nn.functional.max_pool3d_with_indices)."""
    kernel, stride, padding, dilation, out = _pool3d_geometry(
        "max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode)
    lead, spatial = tuple(input.shape[:-3]), tuple(input.shape[-3:])
    x = input.reshape((-1, 1) + spatial)
    values, winner = _windows3d(x, kernel, stride, padding, dilation, out, -math.inf).max(1)
    # winner is a kernel offset per block: turn (block, offset) into an input position
    block = autograd.arange(math.prod(out))
    (_, oh, ow), (_, kh, kw), (_, h, w) = out, kernel, spatial
    pos = []
    for b, o, s, p, d in ((block // (oh * ow), winner // (kh * kw), stride[0], padding[0],
                           dilation[0]),
                          ((block // ow) % oh, (winner // kw) % kh, stride[1], padding[1],
                           dilation[1]),
                          (block % ow, winner % kw, stride[2], padding[2], dilation[2])):
        pos.append(b * s - p + o * d)
    indices = (pos[0] * h + pos[1]) * w + pos[2]
    return values.reshape(lead + out), indices.reshape(lead + out)


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W); indices are flat positions in D*H*W
    (torch.nn.functional.max_pool3d)."""
    out, indices = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation,
                                           ceil_mode)
    return (out, indices) if return_indices else out


# ---------------------------------------------------------------- average pooling
def _check_pool_input(op: str, input: Tensor, dims: int) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{op}: expected {dims + 1}D (unbatched) or {dims + 2}D (batched) "
                           f"input, got shape {tuple(input.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: not implemented for dtype {input.dtype}")


def _window_counts(size: int, kernel: int, stride: int, pad: int, out: int,
                   count_include_pad: bool) -> list:
    """How many elements torch divides by along one dimension, for every output position."""
    counts = []
    for i in range(out):
        start = i * stride - pad
        end = min(start + kernel, size + pad)
        if not count_include_pad:
            start, end = max(start, 0), min(end, size)
        counts.append(end - start)
    return counts


def _avg_pool3d(op, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
    kernel, stride, padding, _, out = _pool3d_geometry(op, input, kernel_size, stride, padding, 1,
                                                       ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op}: divisor must be not zero")
    lead, spatial = tuple(input.shape[:-3]), tuple(input.shape[-3:])
    x = input.reshape((-1, 1) + spatial)
    sums = _windows3d(x, kernel, stride, padding, (1, 1, 1), out, 0.0).sum(1)
    if divisor_override is not None:
        pooled = sums / divisor_override
    else:
        counts = [_window_counts(n, k, s, p, o, count_include_pad)
                  for n, k, s, p, o in zip(spatial, kernel, stride, padding, out)]
        if all(len(set(c)) == 1 for c in counts):
            pooled = sums / math.prod(c[0] for c in counts)
        else:
            divisor = autograd.tensor([a * b * c for a in counts[0] for b in counts[1]
                                       for c in counts[2]], dtype=input.dtype)
            pooled = sums / divisor
    return pooled.reshape(lead + out)


def _avg_pool(op, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override, dims):
    if dims == 3:
        return _avg_pool3d(op, input, kernel_size, stride, padding, ceil_mode,
                           count_include_pad, divisor_override)
    _check_pool_input(op, input, dims)
    kernel = expand_param(kernel_size, "kernel_size", op, dims)
    stride = kernel if stride is None or stride == () or stride == [] else \
        expand_param(stride, "stride", op, dims)
    padding = expand_param(padding, "padding", op, dims)
    if min(kernel) <= 0 or min(stride) <= 0:
        raise RuntimeError(f"{op}: kernel_size and stride must be greater than zero, got "
                           f"kernel_size={kernel}, stride={stride}")
    for k, p in zip(kernel, padding):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but "
                               f"got pad={p}, kernel_size={k} and dilation=1")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op}: divisor must be not zero")
    spatial = tuple(input.shape[-dims:])
    out = tuple(pool_ops.pool_output_size(n, k, s, p, 1, ceil_mode)
                for n, k, s, p in zip(spatial, kernel, stride, padding))
    if min(out) < 1:
        raise RuntimeError(f"{op}: given input size {tuple(input.shape)}, the calculated output "
                           f"size {out} is too small (kernel_size={kernel}, stride={stride}, "
                           f"padding={padding})")
    lead = tuple(input.shape[:-dims])
    if dims == 1:
        kernel, stride, padding, spatial, out = ((1,) + kernel, (1,) + stride, (0,) + padding,
                                                 (1,) + spatial, (1,) + out)
    x = input.reshape((-1, 1) + spatial)
    (kh, kw), (oh, ow) = kernel, out
    if stride == kernel and padding == (0, 0) and oh * kh <= spatial[0] and ow * kw <= spatial[1]:
        # non-overlapping windows: crop to whole windows, reshape, sum
        tiles = x[:, :, :oh * kh, :ow * kw] if (oh * kh, ow * kw) != spatial else x
        sums = tiles.reshape(-1, oh, kh, ow, kw).sum((2, 4))
    else:
        reach = [(o - 1) * s + k - (n + 2 * p) for o, s, k, n, p in
                 zip(out, stride, kernel, spatial, padding)]
        if any(r > 0 for r in reach):  # ceil_mode windows run past the padding
            x = pad(x, [padding[1], padding[1] + max(reach[1], 0),
                        padding[0], padding[0] + max(reach[0], 0)])
            cols = unfold(x, kernel, 1, 0, stride)
        else:
            cols = unfold(x, kernel, 1, padding, stride)
        sums = cols.sum(1).reshape(-1, oh, ow)
    if divisor_override is not None:
        pooled = sums / divisor_override
    else:
        rows = _window_counts(spatial[0], kh, stride[0], padding[0], oh, count_include_pad)
        cols_count = _window_counts(spatial[1], kw, stride[1], padding[1], ow,
                                    count_include_pad)
        if len(set(rows)) == 1 and len(set(cols_count)) == 1:
            pooled = sums / (rows[0] * cols_count[0])
        else:
            divisor = autograd.tensor([[r * c for c in cols_count] for r in rows],
                                      dtype=input.dtype)
            pooled = sums / divisor
    return pooled.reshape(lead + out[-dims:])


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """1-D average pooling (torch.nn.functional.avg_pool1d)."""
    return _avg_pool("avg_pool1d", input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None, 1)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """2-D average pooling with torch's divisor rules (torch.nn.functional.avg_pool2d)."""
    return _avg_pool("avg_pool2d", input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override, 2)


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """3-D average pooling with torch's divisor rules (torch.nn.functional.avg_pool3d)."""
    return _avg_pool("avg_pool3d", input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override, 3)


# ---------------------------------------------------------------- adaptive pooling
def _adaptive_sizes(op: str, input: Tensor, output_size, dims: int) -> tuple:
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != dims:
            raise ValueError(f"{op}: output_size must be an int or a tuple of {dims}, got "
                             f"{output_size!r}")
        sizes = tuple(output_size)
    else:
        sizes = (output_size,) * dims
    spatial = tuple(input.shape[-dims:])
    sizes = tuple(n if s is None else int(s) for s, n in zip(sizes, spatial))
    if min(sizes) < 0:
        raise RuntimeError(f"{op}: output_size must be non-negative, got {sizes}")
    if min(spatial) < 1:
        raise RuntimeError(f"{op}: expected non-empty spatial dimensions, got input of shape "
                           f"{tuple(input.shape)}")
    return sizes


def _windows(size: int, out: int) -> list:
    """torch's adaptive windows: [floor(i*size/out), ceil((i+1)*size/out))."""
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _empty_like_output(input: Tensor, shape: tuple) -> Tensor:
    """An empty result of ``shape`` that stays in the graph (its gradient is empty)."""
    return input.reshape(-1)[:0].reshape(shape)


def _averaging_matrix(size: int, out: int, dtype) -> Tensor:
    rows = []
    for start, end in _windows(size, out):
        rows.append([1.0 / (end - start) if start <= j < end else 0.0 for j in range(size)])
    return autograd.tensor(rows, dtype=dtype)


def _adaptive_avg(op: str, input: Tensor, output_size, dims: int) -> Tensor:
    _check_pool_input(op, input, dims)
    sizes = _adaptive_sizes(op, input, output_size, dims)
    spatial = tuple(input.shape[-dims:])
    if 0 in sizes:
        return _empty_like_output(input, tuple(input.shape[:-dims]) + sizes)
    if all(n % s == 0 for n, s in zip(spatial, sizes)):
        shape = tuple(input.shape[:-dims])
        for n, s in zip(spatial, sizes):
            shape += (s, n // s)
        return input.reshape(shape).mean(tuple(range(-2 * dims + 1, 0, 2)))
    x = input
    # one averaging matrix per spatial dim: x @ P_w^T, then P_h @ (...)
    x = x @ _averaging_matrix(spatial[-1], sizes[-1], input.dtype).t()
    if dims >= 2:  # (..., H, W') -> (..., h, W')
        x = _averaging_matrix(spatial[-2], sizes[-2], input.dtype) @ x
    if dims == 3:  # depth: (..., D, h*w) -> (..., d, h*w)
        lead = tuple(input.shape[:-3])
        x = _averaging_matrix(spatial[0], sizes[0], input.dtype) @ \
            x.reshape(lead + (spatial[0], sizes[1] * sizes[2]))
        x = x.reshape(lead + sizes)
    return x


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average over torch's adaptive windows to a length of ``output_size``
    (torch.nn.functional.adaptive_avg_pool1d)."""
    return _adaptive_avg("adaptive_avg_pool1d", input, output_size, 1)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average over torch's adaptive windows to ``output_size`` (None keeps a dimension)
    (torch.nn.functional.adaptive_avg_pool2d)."""
    return _adaptive_avg("adaptive_avg_pool2d", input, output_size, 2)


def _gather_windows(size: int, out: int) -> tuple[list, int]:
    """Input positions of every window, padded to the widest window by repeating its last
    position (a repeat never beats the original: ties go to the first)."""
    windows = _windows(size, out)
    width = max(end - start for start, end in windows)
    return [min(start + r, end - 1) for start, end in windows for r in range(width)], width


def _adaptive_max(op: str, input: Tensor, output_size, dims: int) -> tuple[Tensor, Tensor]:
    _check_pool_input(op, input, dims)
    sizes = _adaptive_sizes(op, input, output_size, dims)
    spatial = tuple(input.shape[-dims:])
    lead = tuple(input.shape[:-dims])
    if 0 in sizes:
        empty = _empty_like_output(input, lead + sizes)
        return empty, empty.detach().long()
    if dims == 1:
        spatial, sizes = (1,) + spatial, (1,) + sizes
    x = input.reshape((-1,) + spatial)
    if all(n % s == 0 for n, s in zip(spatial, sizes)):
        kernel = tuple(n // s for n, s in zip(spatial, sizes))
        values, indices = pool_ops.max_pool2d_with_indices(x, kernel)
    else:
        rows, kh = _gather_windows(spatial[0], sizes[0])
        cols, kw = _gather_windows(spatial[1], sizes[1])
        grid = x[:, autograd.tensor(rows)][:, :, autograd.tensor(cols)]
        values, grid_index = pool_ops.max_pool2d_with_indices(grid, (kh, kw))
        width = len(cols)
        row_of = autograd.tensor(rows)[grid_index // width]
        col_of = autograd.tensor(cols)[grid_index % width]
        indices = row_of * spatial[1] + col_of
    return values.reshape(lead + sizes[-dims:]), indices.reshape(lead + sizes[-dims:])


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Average over torch's adaptive windows to ``output_size`` (D, H, W; None keeps a
    dimension) (torch.nn.functional.adaptive_avg_pool3d)."""
    return _adaptive_avg("adaptive_avg_pool3d", input, output_size, 3)


def _adaptive_max3d(op: str, input: Tensor, output_size) -> tuple[Tensor, Tensor]:
    _check_pool_input(op, input, 3)
    sizes = _adaptive_sizes(op, input, output_size, 3)
    lead, spatial = tuple(input.shape[:-3]), tuple(input.shape[-3:])
    if 0 in sizes:
        empty = _empty_like_output(input, lead + sizes)
        return empty, empty.detach().long()
    x = input.reshape((-1,) + spatial)
    if all(n % s == 0 for n, s in zip(spatial, sizes)):
        kernel = tuple(n // s for n, s in zip(spatial, sizes))
        values, indices = max_pool3d_with_indices(x, kernel)
    else:
        picks = [_gather_windows(n, s) for n, s in zip(spatial, sizes)]
        (depths, kd), (rows, kh), (cols, kw) = picks
        d_at, r_at, c_at = (autograd.tensor(p) for p, _ in picks)
        grid = x[:, d_at][:, :, r_at][:, :, :, c_at]
        values, grid_index = max_pool3d_with_indices(grid, (kd, kh, kw))
        height, width = len(rows), len(cols)
        indices = (d_at[grid_index // (height * width)] * spatial[1]
                   + r_at[(grid_index // width) % height]) * spatial[2] + c_at[grid_index % width]
    return values.reshape(lead + sizes), indices.reshape(lead + sizes)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size) -> tuple[Tensor, Tensor]:
    """Adaptive 3-D max pooling with flat D*H*W indices
    (torch.nn.functional.adaptive_max_pool3d_with_indices)."""
    return _adaptive_max3d("adaptive_max_pool3d", input, output_size)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """Max over torch's adaptive windows (torch.nn.functional.adaptive_max_pool3d)."""
    out = _adaptive_max3d("adaptive_max_pool3d", input, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool1d_with_indices(input: Tensor, output_size) -> tuple[Tensor, Tensor]:
    """Adaptive 1-D max pooling with indices
    (torch.nn.functional.adaptive_max_pool1d_with_indices)."""
    return _adaptive_max("adaptive_max_pool1d", input, output_size, 1)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size) -> tuple[Tensor, Tensor]:
    """Adaptive 2-D max pooling with flat H*W indices
    (torch.nn.functional.adaptive_max_pool2d_with_indices)."""
    return _adaptive_max("adaptive_max_pool2d", input, output_size, 2)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Max over torch's adaptive windows (torch.nn.functional.adaptive_max_pool1d)."""
    out = _adaptive_max("adaptive_max_pool1d", input, output_size, 1)
    return out if return_indices else out[0]


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max over torch's adaptive windows (torch.nn.functional.adaptive_max_pool2d)."""
    out = _adaptive_max("adaptive_max_pool2d", input, output_size, 2)
    return out if return_indices else out[0]


# ---------------------------------------------------------------- unpooling and power-average
def _max_unpool(op, input, indices, kernel_size, stride, padding, output_size, dims):
    _check_pool_input(op, input, dims)
    if not isinstance(indices, Tensor) or indices.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: indices must be an integer Tensor")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{op}: expected indices of the input's shape {tuple(input.shape)}, "
                           f"got {tuple(indices.shape)}")
    kernel = expand_param(kernel_size, "kernel_size", op, dims)
    stride = kernel if stride is None or stride == () or stride == [] else \
        expand_param(stride, "stride", op, dims)
    padding = expand_param(padding, "padding", op, dims)
    spatial = tuple(input.shape[-dims:])
    default = tuple((n - 1) * s - 2 * p + k for n, s, p, k in
                    zip(spatial, stride, padding, kernel))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-dims:]
        if len(size) != dims:
            raise ValueError(f"{op}: output_size must have {dims} or more elements, got "
                             f"{tuple(output_size)}")
        for i, (want, d, s) in enumerate(zip(size, default, stride)):
            if not d - s < want < d + s:
                raise ValueError(f"{op}: invalid output_size {tuple(output_size)} (dim {i} must "
                                 f"be between {d - s} and {d + s})")
    lead = tuple(input.shape[:-dims])
    planes = math.prod(lead)
    area = math.prod(size)
    flat_index = indices.reshape(planes, -1)
    if flat_index.numel() and (int(flat_index.max()) >= area or int(flat_index.min()) < 0):
        raise RuntimeError(f"{op}: found an invalid max index (out of bounds for an output of "
                           f"size {size})")
    out = autograd.zeros(planes, area, dtype=input.dtype)
    plane = autograd.arange(planes).reshape(planes, 1).expand(flat_index.shape)
    out[plane, flat_index] = input.reshape(planes, -1)
    return out.reshape(lead + size)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """Place values back at their max_pool1d indices, zeros elsewhere
    (torch.nn.functional.max_unpool1d)."""
    return _max_unpool("max_unpool1d", input, indices, kernel_size, stride, padding, output_size,
                       1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """Place values back at their max_pool2d indices, zeros elsewhere
    (torch.nn.functional.max_unpool2d)."""
    return _max_unpool("max_unpool2d", input, indices, kernel_size, stride, padding, output_size,
                       2)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """Place values back at their max_pool3d indices, zeros elsewhere
    (torch.nn.functional.max_unpool3d)."""
    return _max_unpool("max_unpool3d", input, indices, kernel_size, stride, padding, output_size,
                       3)


def _lp_pool(op, input, norm_type, kernel_size, stride, ceil_mode, dims):
    kernel = expand_param(kernel_size, "kernel_size", op, dims)
    pooled = _avg_pool(op, input.pow(norm_type), kernel, stride, 0, ceil_mode, True, None, dims)
    return (pooled.sign() * pooled.abs().relu()).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling (sum x^p)^(1/p) over 1-D windows (torch.nn.functional.lp_pool1d)."""
    return _lp_pool("lp_pool1d", input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling (sum x^p)^(1/p) over 2-D windows (torch.nn.functional.lp_pool2d)."""
    return _lp_pool("lp_pool2d", input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling (sum x^p)^(1/p) over 3-D windows (torch.nn.functional.lp_pool3d)."""
    return _lp_pool("lp_pool3d", input, norm_type, kernel_size, stride, ceil_mode, 3)
