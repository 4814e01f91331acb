"""Shape ops: reshape/view, expand and its adjoint sum_to_shape, permute/transpose, squeeze."""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from ._base import Op, norm_dim


class SumToShape(Op):
    """Sum a broadcast gradient back to ``shape``: the one place broadcasting is undone."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.data.shape
        return _sum_array_to(x.data, shape)

    @staticmethod
    def backward(ctx, grad):
        return expand(grad, ctx.in_shape), None


def _sum_array_to(a: np.ndarray, shape: tuple) -> np.ndarray:
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    out = a.sum(axis=axes, keepdims=True) if axes else a
    if lead:
        out = out.reshape(shape)
    return out


def sum_to_shape(x: Tensor, shape: tuple) -> Tensor:
    """Reduce ``x`` by summation to ``shape`` (the adjoint of expand)."""
    if x.data.shape == shape:
        return x
    return SumToShape.apply(x, tuple(shape))


class Expand(Op):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.data.shape
        return np.broadcast_to(x.data, shape)

    @staticmethod
    def backward(ctx, grad):
        return sum_to_shape(grad, ctx.in_shape), None


def _size_args(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def expand(input: Tensor, *size) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a dimension (torch.Tensor.expand)."""
    size = _size_args(size)
    shape = input.data.shape
    if len(size) < len(shape):
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(size)}) must be greater or equal to the "
            f"number of dimensions in the tensor ({len(shape)})")
    lead = len(size) - len(shape)
    target = []
    for i, s in enumerate(size):
        s = int(s)
        if i >= lead:
            cur = shape[i - lead]
            if s == -1:
                s = cur
            elif cur != 1 and cur != s:
                raise RuntimeError(
                    f"expand: the expanded size of the tensor ({s}) must match the existing size "
                    f"({cur}) at non-singleton dimension {i}.  Target sizes: {list(size)}.  "
                    f"Tensor sizes: {list(shape)}")
        elif s < 0:
            raise RuntimeError(f"expand: the expanded size {s} is not allowed in a leading, "
                               f"non-existing dimension {i}")
        target.append(s)
    target = tuple(target)
    if target == shape:
        return input
    return Expand.apply(input, target)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Tensor, shape) -> Tensor:
    return expand(input, tuple(shape))


class Reshape(Op):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.data.shape
        return x.data.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return reshape(grad, ctx.in_shape), None


def _infer_shape(shape: tuple, numel: int, op: str, in_shape) -> tuple:
    shape = tuple(int(s) for s in shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel or any(s < 0 for s in shape):
        raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(input shape {tuple(in_shape)})")
    return shape


def reshape(input: Tensor, *shape) -> Tensor:
    """A tensor with the same data in a new shape; -1 infers one dimension (torch.reshape)."""
    shape = _infer_shape(_size_args(shape), input.data.size, "reshape", input.shape)
    if shape == input.data.shape:
        return input
    return Reshape.apply(input, shape)


def view(input: Tensor, *shape) -> Tensor:
    """torch.Tensor.view; arrays here reshape freely, so this is reshape (dtype views refused)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list, np.integer)):
        raise RuntimeError("view: reinterpreting a tensor as another dtype is not supported")
    return reshape(input, *shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other.shape)


class Permute(Op):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x.data, dims)

    @staticmethod
    def backward(ctx, grad):
        return permute(grad, tuple(np.argsort(ctx.dims))), None


def permute(input: Tensor, *dims) -> Tensor:
    """Reorder dimensions (torch.permute)."""
    dims = _size_args(dims)
    nd = input.data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute: number of dims don't match in permute: input has {nd} "
                           f"dimensions, got {len(dims)} dims {tuple(dims)}")
    dims = tuple(norm_dim(int(d), nd, "permute") for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError(f"permute: repeated dim in {dims}")
    if dims == tuple(range(nd)):
        return input
    return Permute.apply(input, dims)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions (torch.transpose)."""
    nd = input.data.ndim
    if nd == 0:
        return input
    d0, d1 = norm_dim(dim0, nd, "transpose"), norm_dim(dim1, nd, "transpose")
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return permute(input, dims)


def t(input: Tensor) -> Tensor:
    """Transpose a matrix; 0-D and 1-D tensors are returned as is (torch.t)."""
    if input.data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.data.ndim}D")
    return transpose(input, 0, 1) if input.data.ndim == 2 else input


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim`` (torch.unsqueeze)."""
    nd = input.data.ndim
    d = norm_dim(dim, nd + 1, "unsqueeze")
    shape = input.data.shape
    return reshape(input, shape[:d] + (1,) + shape[d:])


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Remove size-1 dimensions (all, or the given ones) (torch.squeeze)."""
    shape = input.data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {norm_dim(d, len(shape), "squeeze") for d in dims} if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return reshape(input, new)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one (torch.flatten)."""
    shape = input.data.shape
    if not shape:
        return reshape(input, (1,))
    s = norm_dim(start_dim, len(shape), "flatten")
    e = norm_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


class Clone(Op):
    @staticmethod
    def forward(ctx, x):
        return x.data.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input: Tensor, memory_format=None) -> Tensor:
    """A copy that stays in the graph (torch.clone)."""
    return Clone.apply(input)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """Slices along ``dim`` as a tuple of tensors (torch.unbind)."""
    d = norm_dim(dim, input.data.ndim, "unbind")
    index = (slice(None),) * d
    return tuple(input[index + (i,)] for i in range(input.data.shape[d]))


__all__ = ["sum_to_shape", "expand", "expand_as", "broadcast_to", "reshape", "view", "permute", "transpose", "t", "unsqueeze", "squeeze", "flatten", "clone", "unbind"]

METHODS = {
    "expand": expand, "expand_as": expand_as, "broadcast_to": broadcast_to, "reshape": reshape,
    "view": view, "view_as": view_as, "permute": permute, "transpose": transpose,
    "swapaxes": transpose, "swapdims": transpose, "t": t, "unsqueeze": unsqueeze,
    "squeeze": squeeze, "flatten": flatten, "clone": clone, "unbind": unbind,
    "T": property(lambda self: permute(self, tuple(range(self.ndim))[::-1])),
    "mT": property(lambda self: transpose(self, -2, -1)),
}
