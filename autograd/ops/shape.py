"""Shape ops: views and reshapes, joining and splitting, flips, diagonals, padding, windows."""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import dtypes, grad_mode
from ..tensor import Tensor
from ._base import Op, norm_dim
from ._names import named


class SumToShape(Op):
    """Sum a broadcast gradient back to ``shape``: the one place broadcasting is undone."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x._data.shape
        return sum_array_to_shape(x._data, shape)

    @staticmethod
    def backward(ctx, grad):
        return expand(grad, ctx.in_shape), None

    @staticmethod
    def backward_array(ctx, grad):
        return np.broadcast_to(grad, ctx.in_shape), None


def sum_array_to_shape(a: np.ndarray, shape: tuple) -> np.ndarray:
    """The array twin of ``sum_to_shape``: ``a`` summed over its broadcast dimensions."""
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    out = a.sum(axis=axes, keepdims=True) if axes else a
    if lead:
        out = out.reshape(shape)
    return out


def sum_to_shape(x: Tensor, shape: tuple) -> Tensor:
    """Reduce ``x`` by summation to ``shape`` (the adjoint of expand)."""
    if x._data.shape == shape:
        return x
    return SumToShape.apply(x, tuple(shape))


class Expand(Op):
    """Broadcast to a larger shape (a read-only view); its adjoint is SumToShape."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x._data.shape
        return np.broadcast_to(x._data, shape)

    @staticmethod
    def backward(ctx, grad):
        return sum_to_shape(grad, ctx.in_shape), None

    @staticmethod
    def backward_array(ctx, grad):
        return sum_array_to_shape(grad, ctx.in_shape), None


def _size_args(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def expand(input: Tensor, *size) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a dimension (torch.Tensor.expand)."""
    size = _size_args(size)
    shape = input._data.shape
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
    """expand to ``other``'s shape (torch.Tensor.expand_as)."""
    return expand(input, other.shape)


def broadcast_to(input: Tensor, shape) -> Tensor:
    """expand to ``shape`` (torch.broadcast_to)."""
    return expand(input, tuple(shape))


class Reshape(Op):
    """The same elements in a new shape; its own adjoint (reshaped back)."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x._data.shape
        return x._data.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return reshape(grad, ctx.in_shape), None

    @staticmethod
    def backward_array(ctx, grad):
        return grad.reshape(ctx.in_shape), None


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
    shape = _infer_shape(_size_args(shape), input._data.size, "reshape", input.shape)
    if shape == input._data.shape:
        return input
    return Reshape.apply(input, shape)


def view(input: Tensor, *shape) -> Tensor:
    """The same data in a new shape (torch.Tensor.view); view(dtype) reinterprets the bytes
    (no gradient), the last dim scaling with the item size."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list, np.integer, Tensor)):

        dtype = dtypes.as_dtype(shape[0])
        a = input._data
        if dtype.itemsize != a.itemsize and a.ndim and (
                a.shape[-1] * a.itemsize) % dtype.itemsize:
            raise RuntimeError(f"view: self.size(-1) ({a.shape[-1]}) must be divisible by "
                               f"{dtype.itemsize // a.itemsize or 1} to view {a.dtype} as "
                               f"{dtype} (different element sizes)")
        if dtype.itemsize != a.itemsize and a.ndim == 0:
            raise RuntimeError(f"view: self.dim() cannot be 0 to view {a.dtype} as {dtype} "
                               f"(different element sizes)")
        return _const(np.ascontiguousarray(a).view(dtype) if a.ndim else a.view(dtype))
    return reshape(input, *shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """reshape to ``other``'s shape (torch.Tensor.view_as)."""
    return reshape(input, other.shape)


class Permute(Op):
    """Reorder dimensions; the adjoint applies the inverse permutation."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x._data, dims)

    @staticmethod
    def backward(ctx, grad):
        return permute(grad, tuple(np.argsort(ctx.dims))), None

    @staticmethod
    def backward_array(ctx, grad):
        return np.transpose(grad, np.argsort(ctx.dims)), None


def permute(input: Tensor, *dims) -> Tensor:
    """Reorder dimensions (torch.permute)."""
    dims = _size_args(dims)
    nd = input._data.ndim
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
    nd = input._data.ndim
    if nd == 0:
        return input
    d0, d1 = norm_dim(dim0, nd, "transpose"), norm_dim(dim1, nd, "transpose")
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return named(permute(input, dims), "TransposeBackward0", input)


def t(input: Tensor) -> Tensor:
    """Transpose a matrix; 0-D and 1-D tensors are returned as is (torch.t)."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input._data.ndim}D")
    return named(transpose(input, 0, 1), "TBackward0", input) if input._data.ndim == 2 else input


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim`` (torch.unsqueeze)."""
    nd = input._data.ndim
    d = norm_dim(dim, nd + 1, "unsqueeze")
    shape = input._data.shape
    return named(reshape(input, shape[:d] + (1,) + shape[d:]), "UnsqueezeBackward0", input)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Remove size-1 dimensions (all, or the given ones) (torch.squeeze)."""
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {norm_dim(d, len(shape), "squeeze") for d in dims} if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return named(reshape(input, new), "SqueezeBackward0" if dim is None else "SqueezeBackward1",
                 input)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one (torch.flatten)."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s = norm_dim(start_dim, len(shape), "flatten")
    e = norm_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


class Clone(Op):
    """A copy; the gradient passes through unchanged."""

    @staticmethod
    def forward(ctx, x):
        return x._data.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad

    @staticmethod
    def backward_array(ctx, grad):
        return grad


def clone(input: Tensor, memory_format=None) -> Tensor:
    """A copy that stays in the graph (torch.clone)."""
    return Clone.apply(input)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one may be -1) (torch.unflatten)."""
    shape = input._data.shape
    d = norm_dim(dim, len(shape), "unflatten")
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    known = math.prod(s for s in sizes if s != -1)
    n_unknown = sizes.count(-1)
    if n_unknown > 1 or (n_unknown and (known == 0 or shape[d] % known)) or (
            not n_unknown and known != shape[d]):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size "
                           f"of dim {dim} ({shape[d]}) in the input tensor")
    if n_unknown:
        sizes = tuple(shape[d] // known if s == -1 else s for s in sizes)
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def _dim_list(dims, ndim: int, op: str, what: str = "dims") -> list:
    dims = [dims] if isinstance(dims, (int, np.integer)) else list(dims)
    out = [norm_dim(int(d), ndim, op) for d in dims]
    if len(set(out)) != len(out):
        raise RuntimeError(f"{op}: repeated dim in `{what}` ({[int(d) for d in dims]})")
    return out


def movedim(input: Tensor, source, destination) -> Tensor:
    """Move dimensions ``source`` to positions ``destination`` (torch.movedim / moveaxis)."""
    nd = input._data.ndim
    src = _dim_list(source, nd, "movedim", "source")
    dst = _dim_list(destination, nd, "movedim", "destination")
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(source)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(destination)} dims)")
    order = [None] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(nd) if i not in src)
    order = [next(rest) if o is None else o for o in order]
    return permute(input, order)


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Alias of transpose (torch.swapaxes / swapdims)."""
    return transpose(input, axis0, axis1)


def _as_sizes(args) -> tuple:
    sizes = _size_args(args)
    return tuple(int(s) for s in sizes)


def repeat(input: Tensor, *sizes) -> Tensor:
    """Tile the tensor ``sizes[i]`` times along each dim (torch.Tensor.repeat, like numpy tile)."""
    reps = _as_sizes(sizes)
    shape = input._data.shape
    if len(reps) < len(shape):
        raise RuntimeError("repeat: Number of dimensions of repeat dims can not be smaller than "
                           f"number of dimensions of tensor (repeats {list(reps)}, tensor shape "
                           f"{tuple(shape)})")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"repeat: Trying to create tensor with negative dimension: {list(reps)}")
    shape = (1,) * (len(reps) - len(shape)) + shape
    # x viewed as (1, s0, 1, s1, ...) broadcast to (r0, s0, r1, s1, ...) and merged pairwise:
    # expand's backward (a sum) is exactly repeat's adjoint
    inter = tuple(v for s in shape for v in (1, s))
    big = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    out = expand(reshape(input, inter), big)
    return reshape(out, tuple(r * s for r, s in zip(reps, shape)))


def tile(input: Tensor, *dims) -> Tensor:
    """Repeat along each dim; short ``dims`` are padded with leading 1s (torch.tile)."""
    dims = _as_sizes(dims)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input: Tensor, repeats=None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``dim`` (torch.repeat_interleave)."""
    from .index import index_select

    if repeats is None:  # torch.repeat_interleave(repeats): indices repeated by their counts
        counts = _int_array(input, "repeat_interleave")
        if counts.ndim != 1:
            raise RuntimeError("repeat_interleave: repeats must be 0-dim or 1-dim tensor")
        if (counts < 0).any():
            raise RuntimeError("repeat_interleave: repeats can not be negative")
        return _const(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        input = reshape(input, (-1,))
        dim = 0
    d = norm_dim(dim, input._data.ndim, "repeat_interleave")
    size = input._data.shape[d] if input._data.ndim else 1
    if isinstance(repeats, Tensor) and repeats._data.ndim > 0:
        counts = _int_array(repeats, "repeat_interleave")
        if counts.ndim != 1:
            raise RuntimeError("repeat_interleave: repeats must be 0-dim or 1-dim tensor")
        if counts.size == 1:
            counts = np.full(size, counts[0])
        elif counts.size != size:
            raise RuntimeError(f"repeat_interleave: repeats must have the same size as input "
                               f"along dim, but got repeats.size(0) = {counts.size} and "
                               f"input.size({d}) = {size}")
    else:
        counts = np.full(size, int(repeats))
    if (counts < 0).any():
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    index = np.repeat(np.arange(size, dtype=np.int64), counts)
    return index_select(input, d, _const(index))


def _int_array(t, op: str) -> np.ndarray:
    a = t._data if isinstance(t, Tensor) else np.asarray(t)
    if a.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: repeats has to be Long or Int tensor, got {a.dtype}")
    return a


def _const(array) -> Tensor:
    return Tensor._make(np.asarray(array), False, None)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, removing that dim (torch.select)."""
    if input._data.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, input._data.ndim, "select")
    size = input._data.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return input[(slice(None),) * d + (index,)]


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor (torch.ravel)."""
    return reshape(input, (-1,))


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """narrow, copied (torch.narrow_copy)."""
    return clone(narrow(input, dim, start, length))


def broadcast_shapes(*shapes) -> tuple:
    """The shape all ``shapes`` broadcast to (torch.broadcast_shapes)."""
    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise RuntimeError(f"broadcast_shapes: shapes {', '.join(str(list(s)) for s in shapes)} "
                           f"cannot be broadcast together") from None


def broadcast_tensors(*tensors) -> tuple:
    """Expand every tensor to their common shape (torch.broadcast_tensors)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = _tensor_list(tensors, "broadcast_tensors")
    try:
        shape = tuple(np.broadcast_shapes(*(t._data.shape for t in tensors)))
    except ValueError:
        raise RuntimeError("broadcast_tensors: shapes " + ", ".join(
            str(list(t.shape)) for t in tensors) + " cannot be broadcast together") from None
    return tuple(expand(t, shape) for t in tensors)


# ---------------------------------------------------------------- joining and splitting
class Cat(Op):
    """Concatenate along ``dim``; its adjoint is Split with the inputs' sizes.

    ``skip`` flags the legacy empty 1-D inputs that take no part (their gradient is empty).
    """

    @staticmethod
    def forward(ctx, dim, skip, *tensors):
        ctx.dim, ctx.skip = dim, skip
        kept = [t for t, s in zip(tensors, skip) if not s]
        ctx.sizes = tuple(t._data.shape[dim] for t in kept)
        ctx.dtype = kept[0]._data.dtype
        return np.concatenate([t._data for t in kept], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        pieces = iter(Split.apply(grad, ctx.sizes, ctx.dim) if len(ctx.sizes) > 1 else (grad,))
        empty = np.zeros(0, ctx.dtype)
        return (None, None) + tuple(Tensor._make(empty, False, None) if s else next(pieces)
                                    for s in ctx.skip)

    @staticmethod
    def backward_array(ctx, grad):
        sizes = ctx.sizes
        pieces = iter(np.split(grad, np.cumsum(sizes)[:-1], axis=ctx.dim) if len(sizes) > 1
                      else (grad,))
        empty = np.zeros(0, ctx.dtype)
        return (None, None) + tuple(empty if s else next(pieces) for s in ctx.skip)


class Split(Op):
    """Views of consecutive pieces of ``sizes`` along ``dim``; its adjoint is Cat."""

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        ends = np.cumsum(sizes)[:-1]
        return tuple(np.split(x._data, ends, axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        return Cat.apply(ctx.dim, (False,) * len(grads), *grads), None, None

    @staticmethod
    def backward_array(ctx, *grads):
        return np.concatenate(grads, axis=ctx.dim), None, None


def _tensor_list(tensors, op: str) -> list:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}(): argument 'tensors' must be a tuple or list of Tensors, "
                        f"not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 'tensors', but "
                            f"got {type(t).__name__}")
    return tensors


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenate tensors along an existing dimension (torch.cat / concat / concatenate).

    Dtypes are promoted like torch; 1-D empty tensors are skipped (torch's legacy rule).
    """
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"cat(): zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")
    target = dtypes.result_type(*tensors)
    kept = [(i, t) for i, t in enumerate(tensors) if t._data.shape != (0,)]
    if not kept:
        kept = [(0, tensors[0])]
    ref_i, ref = kept[0]
    d = norm_dim(dim, ref._data.ndim, "cat")
    for i, t in kept[1:]:
        if t._data.ndim != ref._data.ndim:
            raise RuntimeError(f"cat(): Tensors must have same number of dimensions: got "
                               f"{ref._data.ndim} and {t._data.ndim} (shapes {tuple(ref.shape)} at "
                               f"position {ref_i} and {tuple(t.shape)} at position {i})")
        for k, (a, b) in enumerate(zip(ref._data.shape, t._data.shape)):
            if k != d and a != b:
                raise RuntimeError(
                    f"cat(): Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{a} but got size {b} for tensor number {i} in the list (shapes "
                    f"{tuple(ref.shape)} and {tuple(t.shape)}, cat along dim {d})")
    kept_positions = {i for i, _ in kept}
    skip = tuple(i not in kept_positions for i in range(len(tensors)))
    parts = [t if t._data.dtype == target else t.to(target) for t in tensors]
    return Cat.apply(d, skip, *parts)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join equally shaped tensors along a new dimension (torch.stack)."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack(): stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != shape:
            raise RuntimeError(f"stack(): stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t.shape)} at entry {i}")
    d = norm_dim(dim, len(shape) + 1, "stack")
    return named(cat([unsqueeze(t, d) for t in tensors], d), "StackBackward0")


def hstack(tensors) -> Tensor:
    """Concatenate column-wise: along dim 0 for 1-D tensors, else dim 1 (torch.hstack)."""
    ts = atleast_1d(*_tensor_list(tensors, "hstack"))
    ts = ts if isinstance(ts, tuple) else (ts,)
    return cat(ts, 0 if all(t._data.ndim == 1 for t in ts) else 1)


def vstack(tensors) -> Tensor:
    """Concatenate row-wise after atleast_2d (torch.vstack / row_stack)."""
    ts = atleast_2d(*_tensor_list(tensors, "vstack"))
    return cat(ts if isinstance(ts, tuple) else (ts,), 0)


def dstack(tensors) -> Tensor:
    """Concatenate depth-wise (dim 2) after atleast_3d (torch.dstack)."""
    ts = atleast_3d(*_tensor_list(tensors, "dstack"))
    return cat(ts if isinstance(ts, tuple) else (ts,), 2)


def column_stack(tensors) -> Tensor:
    """1-D tensors become columns, then concatenated along dim 1 (torch.column_stack)."""
    ts = [reshape(t, (-1, 1)) if t._data.ndim <= 1 else t
          for t in _tensor_list(tensors, "column_stack")]
    return cat(ts, 1)


def _split_sizes(input: Tensor, split_size_or_sections, d: int, op: str) -> list:
    size = input._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)) or (
            isinstance(split_size_or_sections, Tensor)
            and split_size_or_sections._data.ndim == 0):
        step = int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"{op}: split expects split_size be non-negative, but got "
                               f"split_size={step}")
        if step == 0:
            if size:
                raise RuntimeError(f"{op}: split_size can only be 0 if dimension size is 0, but "
                                   f"got dimension size of {size}")
            return [0]
        return [min(step, size - i) for i in range(0, size, step)] or [0]
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != size or any(s < 0 for s in sizes):
        raise RuntimeError(f"{op}: split_with_sizes expects split_sizes to sum exactly to {size} "
                           f"(input tensor's size at dimension {d}), but got split_sizes={sizes}")
    return sizes


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into pieces of a given size, or of the listed sizes, along ``dim`` (torch.split)."""
    d = norm_dim(dim, tensor._data.ndim, "split")
    sizes = _split_sizes(tensor, split_size_or_sections, d, "split")
    return Split.apply(tensor, tuple(sizes), d)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of size ceil(n / chunks) (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = norm_dim(dim, input._data.ndim, "chunk")
    size = input._data.shape[d]
    step = -(-size // chunks) if size else 0
    return split(input, step if step else 0, d) if size else Split.apply(
        input, (0,) * chunks, d)


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    """Split into n nearly equal parts, or at the given indices (torch.tensor_split)."""
    d = norm_dim(dim, input._data.ndim, "tensor_split")
    size = input._data.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = int(ios.item()) if ios._data.ndim == 0 else [int(v) for v in ios._data.tolist()]
    if isinstance(ios, (int, np.integer)):
        n = int(ios)
        if n <= 0:
            raise RuntimeError(f"tensor_split: number of sections must be larger than 0, got {n}")
        base, extra = divmod(size, n)
        sizes = [base + 1] * extra + [base] * (n - extra)
    else:
        bounds = [0] + [min(max(int(i) + (size if int(i) < 0 else 0), 0), size) for i in ios]
        bounds.append(size)
        sizes = [max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]
        starts = bounds[:-1]
        if any(s != e for s, e in zip(starts[1:], np.cumsum(sizes)[:-1])):
            # decreasing indices give empty pieces starting at the earlier bound
            return tuple(narrow(input, d, s, n) for s, n in zip(starts, sizes))
    return Split.apply(input, tuple(sizes), d)


class Unbind(Op):
    """Every slice along ``dim`` at once (views); its adjoint stacks the gradients."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        moved = np.moveaxis(x._data, dim, 0)
        return tuple(moved[i] for i in range(moved.shape[0]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim), None

    @staticmethod
    def backward_array(ctx, *grads):
        return np.stack(grads, ctx.dim), None


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along ``dim`` as a tuple of tensors (torch.unbind)."""
    d = norm_dim(dim, input._data.ndim, "unbind")
    if input._data.ndim == 0:
        raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
    if input._data.shape[d] == 0:
        return ()
    return Unbind.apply(input, d)


def split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    """Split into pieces of the listed sizes (torch.split_with_sizes)."""
    return split(input, list(split_sizes), dim)


def _direction_split(name: str, input: Tensor, sections, dim: int, min_dims: int) -> tuple:
    if input._data.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, "
                           f"but got a tensor with {input._data.ndim} dimensions!")
    if isinstance(sections, (int, np.integer)):
        size = input._data.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {size} is not divisible by the "
                               f"split_size {sections}!")
    return tensor_split(input, sections, dim)


def hsplit(input: Tensor, sections) -> tuple:
    """Split column-wise (dim 1; dim 0 for 1-D tensors) (torch.hsplit)."""
    return _direction_split("hsplit", input, sections, 1 if input._data.ndim > 1 else 0, 1)


def vsplit(input: Tensor, sections) -> tuple:
    """Split row-wise along dim 0 (torch.vsplit)."""
    return _direction_split("vsplit", input, sections, 0, 2)


def dsplit(input: Tensor, sections) -> tuple:
    """Split depth-wise along dim 2 (torch.dsplit)."""
    return _direction_split("dsplit", input, sections, 2, 3)


def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix of 0-, 1- or 2-D tensors (torch.block_diag)."""
    tensors = _tensor_list(tensors, "block_diag")
    mats = []
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t._data.ndim} dimensions")
        mats.append(reshape(t, (1,) * (2 - t._data.ndim) + t._data.shape) if t._data.ndim < 2
                    else t)
    if not mats:
        return _const(np.zeros((1, 0), dtypes.get_default_dtype()))
    target = dtypes.result_type(*mats)
    cols = sum(m._data.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m._data.shape
        m = m if m._data.dtype == target else m.to(target)
        rows.append(pad(m, (left, cols - left - c)))
        left += c
    return cat(rows, 0)


def cartesian_prod(*tensors) -> Tensor:
    """Every combination of elements of 1-D tensors, one per row (torch.cartesian_prod)."""
    tensors = _tensor_list(tensors, "cartesian_prod")
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"cartesian_prod: Expect a 1D vector, but got shape "
                               f"{list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)


# ---------------------------------------------------------------- reordering
class Flip(Op):
    """Reverse along ``dims`` (a copy, as in torch); its own adjoint."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x._data, dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.dims), None

    @staticmethod
    def backward_array(ctx, grad):
        return np.flip(grad, ctx.dims).copy(), None


def flip(input: Tensor, dims) -> Tensor:
    """Reverse the order of elements along ``dims`` (torch.flip)."""
    if isinstance(dims, (int, np.integer)):
        dims = (int(dims),)
    nd = input._data.ndim
    axes = [norm_dim(int(d), nd, "flip") for d in dims]
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"flip: dim {axes[0]} appears multiple times in the list of dims")
    if not axes or nd == 0:
        return clone(input)
    return Flip.apply(input, tuple(axes))


def fliplr(input: Tensor) -> Tensor:
    """Flip left-right (dim 1) (torch.fliplr)."""
    if input._data.ndim < 2:
        raise RuntimeError("fliplr: Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Flip up-down (dim 0) (torch.flipud)."""
    if input._data.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Op):
    """Circular shift; the adjoint shifts back."""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x._data, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements circularly along ``dims`` (all, flattened, when None) (torch.roll)."""
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(
        int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:0")
        flat = reshape(input, (-1,))
        return reshape(Roll.apply(flat, shifts, (0,)), input._data.shape)
    dims = (int(dims),) if isinstance(dims, (int, np.integer)) else tuple(int(d) for d in dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    dims = tuple(norm_dim(d, input._data.ndim, "roll") for d in dims)
    return Roll.apply(input, shifts, dims)


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """The slice start:start+length along ``dim`` (torch.narrow)."""
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, input._data.ndim, "narrow")
    size = input._data.shape[d]
    start, length = int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"narrow: start out of range (expected to be in range of [{-size}, "
                         f"{size}], but got {start})")
    start %= size if size else 1
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return input[(slice(None),) * d + (slice(start, start + length),)]


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees k times in the plane of ``dims`` (torch.rot90)."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = norm_dim(dims[0], nd, "rot90"), norm_dim(dims[1], nd, "rot90")
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), (d1,))
    return clone(input)


# ---------------------------------------------------------------- triangles and diagonals
class TrianglePart(Op):
    """tril (upper=False) or triu (upper=True) of the last two dims; self-adjoint."""

    @staticmethod
    def forward(ctx, x, diagonal, upper):
        ctx.diagonal, ctx.upper = diagonal, upper
        return (np.triu if upper else np.tril)(x._data, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return TrianglePart.apply(grad, ctx.diagonal, ctx.upper), None, None


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """Lower triangle of the last two dims, zeros elsewhere (torch.tril)."""
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return TrianglePart.apply(input, int(diagonal), False)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """Upper triangle of the last two dims, zeros elsewhere (torch.triu)."""
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return TrianglePart.apply(input, int(diagonal), True)


def _diag_positions(n1: int, n2: int, offset: int) -> tuple:
    n = max(min(n1 + min(offset, 0), n2 - max(offset, 0)), 0)
    rows = np.arange(n) + max(-offset, 0)
    return rows, rows - max(-offset, 0) + max(offset, 0)


class Diagonal(Op):
    """The diagonal of dims (dim1, dim2), appended as the last dim; adjoint of DiagonalScatter."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.args = (x._data.shape, offset, dim1, dim2)
        return np.diagonal(x._data, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, *ctx.args), None, None, None


class DiagonalScatter(Op):
    """Zeros of ``shape`` with ``src`` on the diagonal of (dim1, dim2): Diagonal's adjoint."""

    @staticmethod
    def forward(ctx, src, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        out = np.zeros(shape, dtype=src._data.dtype)
        moved = np.moveaxis(out, (dim1, dim2), (-2, -1))
        rows, cols = _diag_positions(shape[dim1], shape[dim2], offset)
        moved[..., rows, cols] = src._data
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, *ctx.args), None, None, None, None


def _diag_dims(ndim: int, dim1: int, dim2: int, op: str) -> tuple:
    d1, d2 = norm_dim(dim1, ndim, op), norm_dim(dim2, ndim, op)
    if d1 == d2:
        raise RuntimeError(f"{op}: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (dim1, dim2) planes, as a new last dim (torch.diagonal)."""
    d1, d2 = _diag_dims(input._data.ndim, dim1, dim2, "diagonal")
    return Diagonal.apply(input, int(offset), d1, d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose (dim1, dim2) diagonals hold the last dim of ``input`` (torch.diag_embed)."""
    nd = input._data.ndim + 1
    d1, d2 = _diag_dims(nd, dim1, dim2, "diag_embed")
    n = (input._data.shape[-1] if input._data.ndim else 1) + abs(int(offset))
    rest = list(input._data.shape[:-1])
    shape = []
    for i in range(nd):
        shape.append(n if i in (d1, d2) else rest.pop(0))
    src = input if input._data.ndim else reshape(input, (1,))
    return DiagonalScatter.apply(src, tuple(shape), int(offset), d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor's diagonal matrix, or a 2-D tensor's diagonal (torch.diag)."""
    if input._data.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input._data.ndim == 2:
        return Diagonal.apply(input, int(diagonal), 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input._data.ndim}D")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A 2-D matrix with the flattened input on diagonal ``offset`` (torch.diagflat)."""
    return diag_embed(reshape(input, (-1,)), offset, 0, 1)


def _triangle_indices(row: int, col: int, offset: int, upper: bool, dtype) -> Tensor:
    mask = (np.triu if upper else np.tril)(np.ones((row, col), bool), offset)
    r, c = np.nonzero(mask)
    return _const(np.stack([r, c]).astype(dtypes.as_dtype(dtype or dtypes.int64)))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """Row and column indices of the lower triangle, a (2, n) tensor (torch.tril_indices)."""
    return _triangle_indices(row, col, offset, False, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """Row and column indices of the upper triangle, a (2, n) tensor (torch.triu_indices)."""
    return _triangle_indices(row, col, offset, True, dtype)


# ---------------------------------------------------------------- padding
class ConstantPad(Op):
    """Pad (or crop, for negative widths) each dim by (before, after) with ``value``.

    Its adjoint is the same op with the widths negated and value 0.
    """

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.widths = widths
        shape = x._data.shape
        out_shape = tuple(s + lo + hi for s, (lo, hi) in zip(shape, widths))
        out = np.full(out_shape, value, dtype=x._data.dtype)
        src, dst = [], []
        for s, (lo, hi) in zip(shape, widths):
            a, b = max(-lo, 0), s - max(-hi, 0)
            src.append(slice(a, max(b, a)))
            dst.append(slice(max(lo, 0), max(lo, 0) + max(b - a, 0)))
        out[tuple(dst)] = x._data[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        neg = tuple((-lo, -hi) for lo, hi in ctx.widths)
        return ConstantPad.apply(grad, neg, 0), None, None


def _pad_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    if mode == "circular" and (lo < 0 or hi < 0):  # torch crops first, then wraps what is left
        kept = np.arange(max(-lo, 0), size - max(-hi, 0))
        return kept[_pad_index(kept.size, max(lo, 0), max(hi, 0), mode)]
    i = np.arange(-lo, size + hi)
    if mode == "reflect":
        period = 2 * (size - 1)
        i = np.abs(i) % period if period else np.zeros_like(i)
        return np.where(i >= size, period - i, i)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    return i % size  # circular


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)//2 dims, last dim first (torch.nn.functional.pad).

    Modes: 'constant' (with ``value``; negative widths crop), 'reflect', 'replicate', 'circular'.
    """
    pad = [int(p) for p in pad]
    shape = input._data.shape
    nd = len(shape)
    if len(pad) % 2:
        raise RuntimeError("pad: Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > nd:
        raise RuntimeError(f"pad: Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {nd}")
    widths = [(0, 0)] * (nd - n) + [(pad[2 * k], pad[2 * k + 1]) for k in range(n)][::-1]
    if mode == "constant":
        for s, (lo, hi) in zip(shape, widths):
            if s + lo + hi < 0:
                raise RuntimeError(f"pad: The input size {s}, plus negative padding {lo} and "
                                   f"{hi} resulted in a negative output size, which is invalid. "
                                   f"Check dimension of your input (shape {tuple(shape)}).")
        fill = 0 if value is None else value
        if input._data.dtype.kind in "iub" and isinstance(fill, float) and \
                not fill.is_integer():
            raise RuntimeError(f"pad: value {fill} cannot be converted to {input.dtype} "
                               f"without overflow")
        return ConstantPad.apply(input, tuple(widths), fill)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if n not in (1, 2, 3) or nd not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {nd}D input tensor.\nSupported "
            f"combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads "
            f"last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            f"  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    from .index import index_select

    out = input
    for d in range(nd - n, nd):
        lo, hi = widths[d]
        if lo == 0 and hi == 0:
            continue
        s = shape[d]
        if mode == "reflect" and (lo >= s or hi >= s):
            raise RuntimeError(f"pad: Argument #4: Padding size should be less than the "
                               f"corresponding input dimension, but got: padding ({lo}, {hi}) "
                               f"at dimension {d} of input {list(shape)}")
        if mode == "circular" and (lo > s or hi > s):
            raise RuntimeError(f"pad: Padding value causes wrapping around more than once "
                               f"(padding ({lo}, {hi}) at dimension {d} of input "
                               f"{list(shape)}).")
        if mode == "replicate" and s == 0:
            raise RuntimeError(f"pad: cannot replicate-pad an empty dimension {d} of input "
                               f"{list(shape)}")
        out = index_select(out, d, _const(_pad_index(s, lo, hi, mode)))
    return out if out is not input else clone(input)


# ---------------------------------------------------------------- windows, grids, dims
def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Sliding windows of ``size`` every ``step`` along ``dimension``, as a new last dim
    (torch.Tensor.unfold)."""
    from .index import index_select

    if input._data.ndim == 0:
        if size != 1 and size != 0:
            raise RuntimeError(f"unfold: maximum size for tensor at dimension 0 is 1 but size is "
                               f"{size}")
        return reshape(input, (1,))
    d = norm_dim(dimension, input._data.ndim, "unfold")
    n = input._data.shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    count = (n - size) // step + 1
    index = (np.arange(count)[:, None] * step + np.arange(size)).reshape(-1)
    picked = index_select(input, d, _const(index.astype(np.int64)))
    shape = picked._data.shape
    picked = reshape(picked, shape[:d] + (count, size) + shape[d + 1:])
    return movedim(picked, d + 1, -1)


def meshgrid(*tensors, indexing: str = "ij") -> tuple:
    """Coordinate grids from 1-D tensors; indexing 'ij' (matrix) or 'xy' (Cartesian)
    (torch.meshgrid)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = _tensor_list(tensors, "meshgrid")
    if not tensors:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got a tensor of shape {tuple(t.shape)}")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t._data.size for t in tensors)
    grids = []
    for i, t in enumerate(tensors):
        view_shape = tuple(-1 if j == i else 1 for j in range(len(tensors)))
        grids.append(expand(reshape(t, view_shape), shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t) for t in tensors[0])
    out = tuple(fn(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_1d(*tensors):
    """0-d tensors become 1-D; others are returned as is (torch.atleast_1d)."""
    return _atleast(tensors, lambda t: reshape(t, (1,)) if t._data.ndim == 0 else t)


def atleast_2d(*tensors):
    """Views with at least two dims, new dims in front (torch.atleast_2d)."""
    return _atleast(tensors, lambda t: reshape(t, (1,) * (2 - t._data.ndim) + t._data.shape)
                    if t._data.ndim < 2 else t)


def _to_3d(t: Tensor) -> Tensor:
    nd = t._data.ndim
    if nd == 0:
        return reshape(t, (1, 1, 1))
    if nd == 1:
        return reshape(t, (1,) + t._data.shape + (1,))
    if nd == 2:
        return reshape(t, t._data.shape + (1,))
    return t


def atleast_3d(*tensors):
    """Views with at least three dims: (n,) -> (1, n, 1), (m, n) -> (m, n, 1) (torch.atleast_3d)."""
    return _atleast(tensors, _to_3d)


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """Arrays are always usable as they are: returns ``input`` (torch.Tensor.contiguous)."""
    return input


__all__ = ["sum_to_shape", "expand", "expand_as", "broadcast_to", "reshape", "view", "permute",
           "transpose", "swapaxes", "swapdims", "t", "unsqueeze", "squeeze", "flatten",
           "unflatten", "movedim", "moveaxis", "clone", "unbind", "repeat_interleave", "tile",
           "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "split", "chunk", "tensor_split", "flip", "fliplr", "flipud", "roll",
           "narrow", "tril", "triu", "diagonal", "diag", "diag_embed", "meshgrid", "atleast_1d",
           "atleast_2d", "atleast_3d", "select", "ravel", "narrow_copy", "split_with_sizes",
           "hsplit", "vsplit", "dsplit", "rot90", "diagflat", "broadcast_shapes",
           "broadcast_tensors", "block_diag", "cartesian_prod", "tril_indices", "triu_indices"]

def _accepts_axis(fn):
    """Let ``axis=`` stand for ``dim=`` (and ``keepdims=`` for ``keepdim=``), as torch's argument
    parser does."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return wrapper


def _writes_out(fn):
    """Accept torch's ``out=``: the result is written into that tensor, which is returned."""

    @functools.wraps(fn)
    def wrapper(*args, out: Tensor | None = None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if grad_mode.STATE.enabled and (result.requires_grad or out.requires_grad):
            raise RuntimeError(f"{fn.__name__}(): functions with out=... arguments don't support "
                               f"automatic differentiation, but one of the arguments requires "
                               f"grad.")
        if out.dtype != result.dtype:
            raise RuntimeError(f"{fn.__name__}(): Expected out tensor to have dtype "
                               f"{result.dtype}, but got {out.dtype} instead")
        out._data = np.array(result._data)
        out._version += 1
        return out

    return wrapper


for _name in ("cat", "stack", "hstack", "vstack", "dstack", "column_stack"):
    globals()[_name] = _writes_out(globals()[_name])

for _name in ("unflatten", "cat", "stack", "chunk", "tensor_split", "unbind", "narrow", "select",
              "unsqueeze", "squeeze", "repeat_interleave"):
    globals()[_name] = _accepts_axis(globals()[_name])


def _split_method(self: Tensor, split_size, dim: int = 0) -> tuple:
    return split(self, split_size, dim)


def _flip_method(self: Tensor, *dims, **kwargs) -> Tensor:
    return flip(self, kwargs.pop("dims") if "dims" in kwargs else _size_args(dims))


def _reshape_method(self: Tensor, *shape, **kwargs) -> Tensor:
    return reshape(self, *(shape if shape else (kwargs.pop("shape"),)))


swapdims = swapaxes
moveaxis = movedim
concat = concatenate = cat
row_stack = vstack

METHODS = {
    "expand": expand, "expand_as": expand_as, "broadcast_to": broadcast_to,
    "reshape": _reshape_method,
    "view": view, "view_as": view_as, "reshape_as": view_as, "permute": permute,
    "transpose": transpose, "swapaxes": swapaxes, "swapdims": swapaxes, "t": t,
    "unsqueeze": unsqueeze, "squeeze": squeeze, "flatten": flatten, "unflatten": unflatten,
    "movedim": movedim, "moveaxis": movedim, "clone": clone, "unbind": unbind, "repeat": repeat,
    "tile": tile, "repeat_interleave": repeat_interleave, "split": _split_method, "chunk": chunk,
    "tensor_split": tensor_split, "flip": _flip_method,
    "fliplr": fliplr, "flipud": flipud, "roll": roll, "narrow": narrow, "tril": tril,
    "triu": triu, "diagonal": diagonal, "diag": diag, "diag_embed": diag_embed, "unfold": unfold,
    "contiguous": contiguous, "select": select, "ravel": ravel, "narrow_copy": narrow_copy,
    "split_with_sizes": split_with_sizes, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
    "rot90": rot90, "diagflat": diagflat,
    "T": property(lambda self: permute(self, tuple(range(self.ndim))[::-1])),
    "mT": property(lambda self: transpose(self, -2, -1)),
}
