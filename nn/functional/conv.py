"""Convolutions as im2col + one matmul, transposed convolutions as one matmul + col2im
(torch.nn.functional.conv1d / conv2d / conv3d / conv_transpose1d / 2d / 3d, unfold, fold).

A 1-D convolution is the 2-D one on an image of height 1, so both share one implementation; 3-D
ones use the volumetric unfold3d / fold3d and otherwise the same code.
Groups split the unfolded columns and the weight into G blocks and multiply them batched.
"""

from __future__ import annotations

from autograd import Tensor
from autograd.ops.conv import fold, fold3d, unfold, unfold3d
from autograd.ops.shape import pad

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]


def expand_param(value, name: str, op: str, dims: int) -> tuple:
    """An int or a sequence of ``dims`` ints as a tuple of ``dims`` ints."""
    if isinstance(value, (tuple, list)):
        items = tuple(value)
        if len(items) == 1:
            items = items * dims
    else:
        items = (value,) * dims
    if len(items) != dims or not all(isinstance(v, int) and not isinstance(v, bool)
                                     for v in items):
        raise TypeError(f"{op}: {name} must be an int or a tuple of {dims} ints, got {value!r}")
    return items


def same_padding(kernel: tuple, dilation: tuple) -> list:
    """(left, right) per spatial dim so the output keeps the input size; torch puts the odd
    extra element on the right."""
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return pads


def check_conv_input(op: str, input: Tensor, weight: Tensor, groups: int, dims: int,
                     transposed: bool) -> tuple[Tensor, bool]:
    """Validate ranks and channel counts; returns the input with a batch dim and whether it had
    none (unbatched input)."""
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}: expected Tensors for input and weight, got "
                        f"{type(input).__name__} and {type(weight).__name__}")
    if weight.ndim != dims + 2:
        raise RuntimeError(f"{op}: expected a {dims + 2}-D weight, got shape "
                           f"{tuple(weight.shape)}")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{op}: expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input,"
                           f" but got input of shape {tuple(input.shape)}")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported (groups={groups})")
    unbatched = input.ndim == dims + 1
    x = input.unsqueeze(0) if unbatched else input
    channels = x.shape[1]
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if channels != expected:
        raise RuntimeError(
            f"{op}: given groups={groups}, weight of shape {tuple(weight.shape)}, expected input "
            f"{tuple(input.shape)} to have {expected} channels, but got {channels} channels "
            f"instead")
    if transposed and weight.shape[0] % groups:
        raise RuntimeError(f"{op}: weight of shape {tuple(weight.shape)} has {weight.shape[0]} "
                           f"input channels, not divisible by groups={groups}")
    if not transposed and weight.shape[0] % groups:
        raise RuntimeError(f"{op}: weight of shape {tuple(weight.shape)} has {weight.shape[0]} "
                           f"output channels, not divisible by groups={groups}")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"{op}: input type ({x.dtype}) and weight type ({weight.dtype}) "
                           f"should be the same")
    return x, unbatched


def _check_bias(op: str, bias: Tensor | None, channels: int) -> None:
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != channels):
        raise RuntimeError(f"{op}: expected bias of shape ({channels},), got "
                           f"{tuple(bias.shape)}")


def _pad_zeros(x: Tensor, pads: list) -> Tensor:
    """Zero-pad the last len(pads) dims of ``x`` by (before, after) each."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return pad(x, flat)


def _lift(dims: int, value: tuple, fill: int) -> tuple:
    """1-D geometry as 2-D geometry on an image of height 1 (``fill`` for the height)."""
    return value if dims == 2 else (fill,) + value


def _convolution(op: str, input, weight, bias, stride, padding, dilation, groups, dims):
    x, unbatched = check_conv_input(op, input, weight, groups, dims, False)
    kernel = tuple(weight.shape[2:])
    stride = expand_param(stride, "stride", op, dims)
    dilation = expand_param(dilation, "dilation", op, dims)
    out_channels = weight.shape[0]
    _check_bias(op, bias, out_channels)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"{op}: invalid padding string {padding!r}, should be one of "
                             f"{{'valid', 'same'}}")
        if padding == "same" and any(s != 1 for s in stride):
            raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
        pads = same_padding(kernel, dilation) if padding == "same" else [(0, 0)] * dims
        if any(a != b for a, b in pads):
            x = _pad_zeros(x, [(0, b - a) for a, b in pads])
        padding = tuple(a for a, _ in pads)
    else:
        padding = expand_param(padding, "padding", op, dims)
        if any(p < 0 for p in padding):
            raise RuntimeError(f"{op}: negative padding is not supported, got {padding}")
    spatial = tuple(x.shape[2:])
    for n, k, p, d in zip(spatial, kernel, padding, dilation):
        if n + 2 * p < d * (k - 1) + 1:
            raise RuntimeError(
                f"{op}: calculated padded input size per channel: "
                f"({' x '.join(str(n + 2 * p) for n, p in zip(spatial, padding))}). Kernel "
                f"size: ({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). "
                f"Kernel size can't be greater than actual input size (input shape "
                f"{tuple(input.shape)})")
    if dims == 3:
        cols = unfold3d(x, kernel, dilation, padding, stride)
    else:
        x2 = x.unsqueeze(2) if dims == 1 else x
        cols = unfold(x2, _lift(dims, kernel, 1), _lift(dims, dilation, 1),
                      _lift(dims, padding, 0), _lift(dims, stride, 1))
    n, rows, blocks = cols.shape
    if groups == 1:
        out = weight.reshape(out_channels, rows) @ cols
    else:
        w = weight.reshape(groups, out_channels // groups, rows // groups)
        out = (w @ cols.reshape(n, groups, rows // groups, blocks)).reshape(n, out_channels,
                                                                              blocks)
    if bias is not None:
        out = out + bias.reshape(out_channels, 1)
    out_spatial = tuple((s + 2 * p - d * (k - 1) - 1) // st + 1 for s, k, p, d, st in
                        zip(spatial, kernel, padding, dilation, stride))
    out = out.reshape((n, out_channels) + out_spatial)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """1-D convolution of (N, C_in, L) or (C_in, L) with weight (C_out, C_in/groups, k)
    (torch.nn.functional.conv1d); padding may be an int, a tuple, 'same' or 'valid'."""
    return _convolution("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D convolution of (N, C_in, H, W) or (C_in, H, W) with weight (C_out, C_in/groups, kh, kw)
    (torch.nn.functional.conv2d); padding may be an int, a tuple, 'same' or 'valid'."""
    return _convolution("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """3-D convolution of (N, C_in, D, H, W) or (C_in, D, H, W) with weight
    (C_out, C_in/groups, kd, kh, kw) (torch.nn.functional.conv3d); padding may be an int, a
    tuple, 'same' or 'valid'."""
    return _convolution("conv3d", input, weight, bias, stride, padding, dilation, groups, 3)


def transposed_output_size(size, kernel, stride, padding, output_padding, dilation) -> tuple:
    """(in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1 per dim."""
    return tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, k, s, p, op, d in
                 zip(size, kernel, stride, padding, output_padding, dilation))


def _transposed(op: str, input, weight, bias, stride, padding, output_padding, groups, dilation,
                dims):
    x, unbatched = check_conv_input(op, input, weight, groups, dims, True)
    kernel = tuple(weight.shape[2:])
    stride = expand_param(stride, "stride", op, dims)
    padding = expand_param(padding, "padding", op, dims)
    output_padding = expand_param(output_padding, "output_padding", op, dims)
    dilation = expand_param(dilation, "dilation", op, dims)
    out_channels = weight.shape[1] * groups
    _check_bias(op, bias, out_channels)
    for o, s, d in zip(output_padding, stride, dilation):
        if o < 0 or (o >= s and o >= d):
            raise RuntimeError(f"{op}: output padding must be smaller than either stride or "
                               f"dilation, but got output_padding={output_padding}, "
                               f"stride={stride}, dilation={dilation}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"{op}: negative padding is not supported, got {padding}")
    spatial = tuple(x.shape[2:])
    out_spatial = transposed_output_size(spatial, kernel, stride, padding, output_padding,
                                         dilation)
    if min(out_spatial) < 1:
        raise RuntimeError(f"{op}: given input of shape {tuple(input.shape)}, the calculated "
                           f"output size {out_spatial} is too small")
    n, in_channels = x.shape[:2]
    k = 1
    for v in kernel:
        k *= v
    w = weight.reshape(groups, in_channels // groups, out_channels // groups * k).transpose(1, 2)
    blocks = 1
    for v in spatial:
        blocks *= v
    xs = x.reshape(n, groups, in_channels // groups, blocks)
    cols = (w @ xs).reshape(n, out_channels * k, blocks)
    # fold onto the full canvas (no padding), then cut the padding off and add output_padding
    canvas = tuple((s - 1) * st + d * (kk - 1) + 1 for s, st, d, kk in
                   zip(spatial, stride, dilation, kernel))
    if dims == 3:
        out = fold3d(cols, canvas, kernel, dilation, 0, stride)
    else:
        out = fold(cols, _lift(dims, canvas, 1), _lift(dims, kernel, 1),
                   _lift(dims, dilation, 1), 0, _lift(dims, stride, 1))
    if dims == 1:
        out = out.squeeze(2)
    index = [slice(None), slice(None)]
    extra = []
    for size, p, o in zip(canvas, padding, out_spatial):
        index.append(slice(p, min(size, p + o)))
        extra.append((0, max(0, p + o - size)))
    out = out[tuple(index)]
    if any(e for _, e in extra):
        out = _pad_zeros(out, extra)
    if bias is not None:
        out = out + bias.reshape((out_channels,) + (1,) * dims)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution with weight (C_in, C_out/groups, k), the adjoint of conv1d
    (torch.nn.functional.conv_transpose1d)."""
    return _transposed("conv_transpose1d", input, weight, bias, stride, padding, output_padding,
                       groups, dilation, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution with weight (C_in, C_out/groups, kh, kw), the adjoint of conv2d
    (torch.nn.functional.conv_transpose2d)."""
    return _transposed("conv_transpose2d", input, weight, bias, stride, padding, output_padding,
                       groups, dilation, 2)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """3-D transposed convolution with weight (C_in, C_out/groups, kd, kh, kw), the adjoint of
    conv3d (torch.nn.functional.conv_transpose3d)."""
    return _transposed("conv_transpose3d", input, weight, bias, stride, padding, output_padding,
                       groups, dilation, 3)
