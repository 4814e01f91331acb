"""Indexing: __getitem__ / __setitem__ with torch's rules, gather/scatter, index_* and masked_*
ops, sorting and searching.

Differentiable ops come in adjoint pairs (GetItem / IndexScatter, Gather / ScatterAdd,
IndexSelect / IndexAdd), each one's backward written with the other, so every order of
derivative is available. Sorting ops compute their indices on arrays and take their values with
``gather``, so only gather needs a gradient.
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import grad_mode
from ..tensor import Tensor
from ._base import Op, const, norm_dim, to_tensor
from ._names import named
from .elementwise import _alias, _inplace, where
from .reduce import return_types
from .shape import _accepts_axis, clone, expand, movedim, reshape, sum_to_shape, tril, triu

_INDEX_TYPES = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables " \
               "are valid indices"


# ---------------------------------------------------------------- torch index -> numpy index
def _convert_one(i):
    if isinstance(i, (Tensor, np.ndarray)):
        a = i._data if isinstance(i, Tensor) else i
        if a.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors "
                             f"(got {a.dtype})")
        if a.dtype == np.uint8:
            a = a.astype(bool)
        if a.ndim == 0:  # torch treats 0-d index tensors as Python numbers
            return bool(a) if a.dtype.kind == "b" else int(a)
        return a
    if isinstance(i, (bool, np.bool_)):
        return bool(i)
    if isinstance(i, (int, np.integer)):
        return int(i)
    if i is None or i is Ellipsis:
        return i
    if isinstance(i, slice):
        if i.step is not None and int(i.step) <= 0:
            raise ValueError("step must be greater than zero")
        return i
    if isinstance(i, (list, tuple, range)):
        a = np.asarray([x._data if isinstance(x, Tensor) else x for x in i]) if len(i) else \
            np.zeros(0, np.int64)
        if a.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors "
                             f"(a list of {a.dtype} was given)")
        return a
    raise IndexError(f"{_INDEX_TYPES} (got {type(i).__name__})")


def _consumed(i) -> int:
    if i is None or i is Ellipsis or isinstance(i, bool):
        return 0
    if isinstance(i, np.ndarray) and i.dtype.kind == "b":
        return i.ndim
    return 1


def _prepare(shape: tuple, idx, op: str = "index"):
    """Validate a torch index against ``shape`` and turn it into a numpy index.

    Returns ``(np_index, move)``: ``move`` is None, or ``(b, p)`` when numpy places the b
    broadcast dimensions of the advanced indices first while torch keeps them at position p
    (integers count as advanced indices in numpy but are plain selections in torch).
    """
    if isinstance(idx, list) and len(idx) < 32 and any(
            i is None or i is Ellipsis or isinstance(i, (Tensor, np.ndarray, list, tuple, slice))
            for i in idx):
        idx = tuple(idx)  # torch's legacy rule: such a list indexes like a tuple
    items = idx if isinstance(idx, tuple) else (idx,)
    items = [_convert_one(i) for i in items]
    nd = len(shape)
    first = next((k for k, i in enumerate(items) if i is Ellipsis), None)
    if first is not None:  # torch lets later ellipses cover no dimensions
        items = [i for k, i in enumerate(items) if i is not Ellipsis or k == first]
    used = builtins.sum(_consumed(i) for i in items)
    if used > nd:
        if nd == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    arrays = []
    dim = 0
    for i in items:
        if i is Ellipsis:
            dim += nd - used
            continue
        if isinstance(i, bool):  # torch: a new dim of size 1, indexed by [0] (or by [])
            arrays.append((1,) if i else (0,))
        elif isinstance(i, int):
            if not -shape[dim] <= i < shape[dim]:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size "
                                 f"{shape[dim]}")
        elif isinstance(i, np.ndarray):
            if i.dtype.kind == "b":
                if i.shape != shape[dim:dim + i.ndim]:
                    bad = next(k for k, (a, b) in enumerate(zip(i.shape, shape[dim:]))
                               if a != b) if len(shape[dim:]) >= i.ndim else 0
                    raise IndexError(f"The shape of the mask {list(i.shape)} at index {bad} does "
                                     f"not match the shape of the indexed tensor "
                                     f"{list(shape)} at index {dim + bad}")
                arrays.append((int(i.sum()),))
            else:
                if i.size and (i.max() >= shape[dim] or i.min() < -shape[dim]):
                    bad = int(i.max() if i.max() >= shape[dim] else i.min())
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with "
                                     f"size {shape[dim]}")
                arrays.append(i.shape)
        dim += _consumed(i)
    if not arrays:
        return tuple(items), None
    try:
        block = len(np.broadcast_shapes(*arrays))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with "
                         "shapes " + ", ".join(str(list(a)) for a in arrays)) from None
    return tuple(items), _torch_position(items, block, nd - used)


def _torch_position(items, block: int, ellipsis_dims: int):
    is_int = [isinstance(i, int) and not isinstance(i, bool) for i in items]
    is_arr = [isinstance(i, (np.ndarray, bool)) for i in items]
    numpy_adv = [k for k in range(len(items)) if is_arr[k] or is_int[k]]
    if numpy_adv[-1] - numpy_adv[0] + 1 == len(numpy_adv):
        return None  # numpy keeps the block in place, as torch does
    # torch selects with the integers first, and an Ellipsis covering no dims is not there
    torch_adv = [k for k in range(len(items)) if is_arr[k]]
    between = [k for k in range(torch_adv[0], torch_adv[-1] + 1) if not is_int[k] and not (
        items[k] is Ellipsis and ellipsis_dims == 0)]
    if len(between) != len(torch_adv):
        return None  # torch also moves the block to the front
    out_before = 0
    for i in items[:torch_adv[0]]:
        if i is Ellipsis:
            out_before += ellipsis_dims
        elif i is None or isinstance(i, slice):
            out_before += 1
    return (block, out_before) if out_before else None


def _plan(shape: tuple, idx, op: str = "index"):
    """The numpy index for a torch index, and how to move numpy's result into torch's order."""
    return _prepare(shape, idx, op)


def _is_advanced(idx) -> bool:
    return any(isinstance(i, np.ndarray) for i in idx)


# ---------------------------------------------------------------- getitem / setitem
class GetItem(Op):
    """x[idx] for a numpy index; adjoint of IndexScatter."""

    @staticmethod
    def forward(ctx, x, idx):
        ctx.in_shape = x._data.shape
        ctx.idx = idx
        return np.asarray(x._data[idx])

    @staticmethod
    def backward(ctx, grad):
        return IndexScatter.apply(grad, ctx.idx, ctx.in_shape), None

    @staticmethod
    def backward_array(ctx, grad):
        return _index_scatter(grad, ctx.idx, ctx.in_shape), None


def _index_scatter(g: np.ndarray, idx, shape: tuple) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    if _is_advanced(idx):
        np.add.at(out, idx, g)
    else:
        out[idx] = g
    return out


class IndexScatter(Op):
    """Place ``grad`` at ``idx`` in zeros of ``shape`` (summing repeats): GetItem's adjoint."""

    @staticmethod
    def forward(ctx, g, idx, shape):
        ctx.idx = idx
        return _index_scatter(g._data, idx, shape)

    @staticmethod
    def backward(ctx, grad):
        return GetItem.apply(grad, ctx.idx), None, None

    @staticmethod
    def backward_array(ctx, grad):
        return np.asarray(grad[ctx.idx]), None, None


def getitem(input: Tensor, idx) -> Tensor:
    """input[idx] with torch's indexing rules (torch.Tensor.__getitem__)."""
    if isinstance(idx, (int, np.integer)) and not isinstance(idx, bool):
        shape = input._data.shape
        if not shape:
            _plan(shape, idx)
        if not -shape[0] <= idx < shape[0]:
            raise IndexError(f"index {idx} is out of bounds for dimension 0 with size {shape[0]}")
        return named(GetItem.apply(input, (int(idx),)), "SelectBackward0")
    np_idx, move = _plan(input._data.shape, idx)
    out = GetItem.apply(input, np_idx)
    if move is not None:
        b, p = move
        out = movedim(out, tuple(range(b)), tuple(range(p, p + b)))
    name = _index_node_name(idx)
    return out if name is None else named(out, name)


def _index_node_name(idx) -> str | None:
    """torch's node for input[idx]: Index for advanced indexing, else the last Select/Slice it
    records (full slices after the first op record nothing); None where torch's differs."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    if any(isinstance(p, (Tensor, list, np.ndarray)) for p in parts):
        return "IndexBackward0"
    name = None
    for p in parts:
        if isinstance(p, slice):
            if name is None or p != slice(None):
                name = "SliceBackward0"
        elif isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)):
            name = "SelectBackward0"
        elif p is not Ellipsis:
            return None
    return name


class IndexPut(Op):
    """out = x with out[idx] = v (the differentiable form of x[idx] = v)."""

    @staticmethod
    def forward(ctx, x, v, idx):
        ctx.idx = idx
        ctx.v_shape = v._data.shape
        out = x._data.copy()
        out[idx] = v._data
        return out

    @staticmethod
    def backward(ctx, grad):
        gx = gv = None
        if ctx.needs_input_grad[0]:
            zero = const(np.zeros((), grad.dtype))
            gx = IndexPut.apply(grad, zero, ctx.idx)
        if ctx.needs_input_grad[1]:
            gv = sum_to_shape(GetItem.apply(grad, ctx.idx), ctx.v_shape)
        return gx, gv, None


def _value_for(self: Tensor, value, target: tuple, op: str) -> Tensor:
    """The value of an index assignment as a tensor of self's dtype broadcastable to target."""
    if isinstance(value, Tensor):
        v = value
    else:
        if isinstance(value, (list, tuple)):
            value = np.asarray([x._data if isinstance(x, Tensor) else x for x in value])
        v = const(np.asarray(value).astype(self.dtype))
    if v.dtype != self.dtype:
        v = v.to(self.dtype)
    while v.ndim > len(target) and v.shape[0] == 1:
        v = reshape(v, v.shape[1:])  # torch drops leading size-1 dims of the value
    try:
        fits = np.broadcast_shapes(target, v.shape) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"{op}: shape mismatch: value tensor of shape {list(v.shape)} cannot "
                           f"be broadcast to indexing result of shape {list(target)}")
    return v


def _index_put(self: Tensor, np_idx, v: Tensor, op: str) -> Tensor:
    """Write v at np_idx into self (in place), recording the op when gradients are needed."""
    self._check_inplace(op)
    if grad_mode.STATE.enabled and (self.requires_grad or v.requires_grad):
        result = IndexPut.apply(_alias(self), v, np_idx)
        return self._assign(result, op)
    if not self._data.flags.writeable:
        self._data = self._data.copy()
    self._data[np_idx] = v._data
    self._version += 1
    return self


def _put_value(self: Tensor, np_idx, move, value, op: str) -> tuple:
    """The value of an index assignment, in numpy's result order; and numpy's result shape."""
    target = np.empty(self._data.shape, dtype=bool)[np_idx].shape if _is_advanced(np_idx) \
        else np.broadcast_to(np.empty((), bool), self._data.shape)[np_idx].shape
    if move is None:
        return _value_for(self, value, target, op), target
    b, p = move
    torch_target = target[b:p + b] + target[:b] + target[p + b:]
    v = expand(_value_for(self, value, torch_target, op), torch_target)
    return movedim(v, tuple(range(p, p + b)), tuple(range(b))), target


def setitem(self: Tensor, idx, value) -> None:
    """self[idx] = value; differentiable when self is a non-leaf or value requires grad."""
    np_idx, move = _plan(self._data.shape, idx, "index_put")
    v, _ = _put_value(self, np_idx, move, value, "index_put")
    _index_put(self, np_idx, v, "index_put_")


def index_put(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """out = input with out[indices] = values, or += with accumulate (repeats summed)
    (torch.index_put)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): indices must be a tuple of tensors, got "
                        f"{type(indices).__name__}")
    np_idx, move = _plan(input._data.shape, tuple(indices), "index_put")
    v, target = _put_value(input, np_idx, move, values, "index_put")
    if not accumulate:
        return IndexPut.apply(input, v, np_idx)
    return input + IndexScatter.apply(expand(v, target), np_idx, input._data.shape)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """out = input with the slice at ``index`` along ``dim`` replaced by src
    (torch.select_scatter)."""
    from .shape import select

    return _scatter_view(input, src, select(input.detach(), dim, index).shape,
                         (slice(None),) * norm_dim(dim, input._data.ndim, "select_scatter")
                         + (int(index),), "select_scatter")


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:
    """out = input with input[..., start:end:step, ...] (along ``dim``) replaced by src
    (torch.slice_scatter)."""
    d = norm_dim(dim, input._data.ndim, "slice_scatter")
    idx = (slice(None),) * d + (slice(start, end, step),)
    return _scatter_view(input, src, input._data[idx].shape, idx, "slice_scatter")


def _scatter_view(input: Tensor, src: Tensor, shape: tuple, idx: tuple, op: str) -> Tensor:
    if tuple(src.shape) != tuple(shape):
        raise RuntimeError(f"{op}(): expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.shape)}, slice size = {list(shape)}")
    return IndexPut.apply(input, src.to(input.dtype), idx)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """out = input with its (dim1, dim2) diagonal replaced by src (torch.diagonal_scatter)."""
    from .shape import DiagonalScatter, diagonal

    expected = diagonal(input.detach(), offset, dim1, dim2).shape
    if tuple(src.shape) != tuple(expected):
        raise RuntimeError(f"diagonal_scatter(): expected src to have a size equal to the "
                           f"diagonal of self. src size = {list(src.shape)}, diagonal size = "
                           f"{list(expected)}")
    nd = input._data.ndim
    d1, d2 = norm_dim(dim1, nd, "diagonal_scatter"), norm_dim(dim2, nd, "diagonal_scatter")
    args = (input._data.shape, int(offset), d1, d2)
    mask = DiagonalScatter.apply(const(np.ones(expected, bool)), *args)
    return where(mask, DiagonalScatter.apply(src.to(input.dtype), *args), input)


def fill_diagonal_(self: Tensor, fill_value, wrap: bool = False) -> Tensor:
    """Fill the main diagonal in place; all dims equal unless 2-D (torch.fill_diagonal_)."""
    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("fill_diagonal_: dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal length "
                           f"(got {list(shape)})")
    mask = np.zeros(shape, bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    return METHODS["masked_fill_"](self, const(mask), fill_value)


# ---------------------------------------------------------------- gather / scatter
def _along(index: np.ndarray, dim: int) -> tuple:
    """A numpy index selecting index[..] along ``dim`` and positions elsewhere."""
    nd = index.ndim
    idx = []
    for d, n in enumerate(index.shape):
        if d == dim:
            idx.append(index)
        else:
            shape = [1] * nd
            shape[d] = n
            idx.append(np.arange(n).reshape(shape))
    return tuple(idx)


class Gather(Op):
    """out[i][j] = x[index[i][j]][j] (for dim 0); adjoint of ScatterAdd."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x._data.shape, dim, index)
        return x._data[_along(index, dim)]

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.args
        zeros = const(np.zeros(shape, grad.dtype))
        return ScatterAdd.apply(zeros, dim, index, grad), None, None

    @staticmethod
    def backward_array(ctx, grad):
        shape, dim, index = ctx.args
        return _scatter_add(np.zeros(shape, grad.dtype), dim, index, grad), None, None


def _scatter_add(out: np.ndarray, dim: int, index, src: np.ndarray) -> np.ndarray:
    np.add.at(out, _along(index, dim), src)
    return out


class ScatterAdd(Op):
    """out = x, then out[index[i][j]][j] += src[i][j] (for dim 0); adjoint of Gather."""

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index = dim, index
        return _scatter_add(x._data.copy(), dim, index, src._data)

    @staticmethod
    def backward(ctx, grad):
        gsrc = Gather.apply(grad, ctx.dim, ctx.index) if ctx.needs_input_grad[3] else None
        return grad, None, None, gsrc

    @staticmethod
    def backward_array(ctx, grad):
        gsrc = grad[_along(ctx.index, ctx.dim)] if ctx._edges[3] is not None else None
        return grad, None, None, gsrc


class Scatter(Op):
    """out = x, then out[index[i][j]][j] = src[i][j] (src a tensor or a number)."""

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index = dim, index
        out = x._data.copy()
        out[_along(index, dim)] = src._data if isinstance(src, Tensor) else src
        return out

    @staticmethod
    def backward(ctx, grad):
        gx = Scatter.apply(grad, ctx.dim, ctx.index, 0) if ctx.needs_input_grad[0] else None
        gsrc = None
        if len(ctx.needs_input_grad) > 3 and ctx.needs_input_grad[3]:
            gsrc = Gather.apply(grad, ctx.dim, ctx.index)
        return gx, None, None, gsrc


def _index_array(index, op: str) -> np.ndarray:
    a = index._data if isinstance(index, Tensor) else np.asarray(index)
    if a.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {a.dtype}")
    return a.astype(np.int64, copy=False)


def _check_gather_index(op: str, x: Tensor, dim: int, index: np.ndarray, src=None) -> int:
    nd = x._data.ndim
    d = norm_dim(dim, nd, op)
    if index.ndim != max(nd, 1) and not (nd == 0 and index.ndim <= 1):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as "
                           f"input tensor (index shape {tuple(index.shape)}, input shape "
                           f"{tuple(x.shape)})")
    xs = x._data.shape if nd else (1,)
    for k, (a, b) in enumerate(zip(index.shape, xs)):
        if k != d and a > b:
            raise RuntimeError(f"{op}(): Size does not match at dimension {k} expected index "
                               f"{list(index.shape)} to be no larger than self {list(xs)} apart "
                               f"from dimension {d}")
    if src is not None:
        ss = src._data.shape
        if len(ss) != index.ndim or any(a > b for a, b in zip(index.shape, ss)):
            raise RuntimeError(f"{op}(): Expected index {list(index.shape)} to be no larger than "
                               f"src {list(ss)} in every dimension")
    if index.size and (index.max() >= xs[d] or index.min() < 0):  # torch refuses negatives
        bad = int(index.max() if index.max() >= xs[d] else index.min())
        raise RuntimeError(f"{op}(): index {bad} is out of bounds for dimension {d} with size "
                           f"{xs[d]}")
    return d


def _src_part(src: Tensor, index: np.ndarray) -> Tensor:
    if src._data.shape == index.shape:
        return src
    return getitem(src, tuple(slice(0, n) for n in index.shape))


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Values of ``input`` picked along ``dim`` by ``index`` (torch.gather)."""
    idx = _index_array(index, "gather")
    d = _check_gather_index("gather", input, dim, idx)
    if input._data.ndim == 0:
        return reshape(Gather.apply(reshape(input, (1,)), 0, idx.reshape(-1)), idx.shape)
    return Gather.apply(input, d, idx)


def _scatter_prep(op, input, dim, index, src):
    idx = _index_array(index, op)
    src_t = src if isinstance(src, Tensor) else None
    d = _check_gather_index(op, input, dim, idx, src_t)
    if src_t is not None and src_t.dtype != input.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype (got "
                           f"{input.dtype} and {src_t.dtype})")
    return d, idx


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """out = input, then src added at ``index`` along ``dim``, summing repeats
    (torch.scatter_add)."""
    d, idx = _scatter_prep("scatter_add", input, dim, index, src)
    return ScatterAdd.apply(input, d, idx, _src_part(src, idx))


def scatter(input: Tensor, dim: int, index: Tensor, src=None, value=None, *,
            reduce: str | None = None) -> Tensor:
    """out = input with src (or a number ``value``) written at ``index`` along ``dim``
    (torch.scatter); reduce='add' or 'multiply' combines instead of overwriting."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter(): expected a src tensor or a value")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got "
                               f"{reduce}")
        if not isinstance(src, Tensor):
            src = const(np.full(_index_array(index, "scatter").shape, src, input.dtype))
        return scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")
    d, idx = _scatter_prep("scatter", input, dim, index, src)
    if isinstance(src, Tensor):
        return Scatter.apply(input, d, idx, _src_part(src, idx))
    if isinstance(src, (float, np.floating)) and input.dtype.kind in "iub":
        src = int(src)
    return Scatter.apply(input, d, idx, src)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """Reduce src into input at ``index`` along ``dim`` with 'sum', 'prod', 'mean', 'amax' or
    'amin' (torch.scatter_reduce). prod's gradient is first-order only."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"scatter_reduce(): reduce argument must be one of sum, prod, mean, "
                           f"amax, amin, got {reduce}")
    d, idx = _scatter_prep("scatter_reduce", input, dim, index, src)
    src = _src_part(src, idx)
    if reduce in ("sum", "mean"):
        base = input if include_self else Scatter.apply(input, d, idx, 0)
    if reduce == "sum":
        return ScatterAdd.apply(base, d, idx, src)
    if reduce == "mean":
        total = ScatterAdd.apply(base, d, idx, src)
        count = np.zeros(input._data.shape, np.int64)
        np.add.at(count, _along(idx, d), 1)
        count = count + (1 if include_self else 0)
        count = np.maximum(count, 1)
        if input.dtype.kind in "iu":
            return const(total._data // count)
        return total / const(count.astype(input.dtype))
    loc = _along(idx, d)
    result = input._data.copy()
    ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
    if not include_self:
        if reduce == "prod":
            identity = 1
        elif input.dtype.kind == "f":
            identity = -np.inf if reduce == "amax" else np.inf
        else:
            info = np.iinfo(input.dtype) if input.dtype.kind in "iu" else None
            identity = (info.min if reduce == "amax" else info.max) if info else (
                reduce == "amin")
        result[loc] = identity
    ufunc.at(result, loc, src._data)
    if not (input.requires_grad or src.requires_grad) or not grad_mode.STATE.enabled:
        return const(result)
    # the value is result; gradients reach the inputs that produced it, through linear terms
    x_in = np.ones(result.shape, bool)
    if not include_self:
        x_in[loc] = False
    if reduce == "prod":
        coef_x, coef_src = _prod_partials(input._data, x_in, src._data, loc, result.shape)
    else:
        # ties share the gradient; like torch, an excluded self equal to the result still
        # counts as a tie (it just gets no gradient)
        self_ties = (input._data == result).astype(input.dtype)
        coef_src = (src._data == result[loc]).astype(input.dtype)
        count = self_ties.copy()
        np.add.at(count, loc, coef_src)
        coef_x = np.where(x_in, self_ties, 0) / np.maximum(count, 1)
        coef_src = coef_src / count[loc]
    return ScatterReduceExtremal.apply(input, src, result, coef_x.astype(input.dtype),
                                       coef_src.astype(input.dtype), d, idx)


class ScatterReduceExtremal(Op):
    """The result of scatter_reduce amax/amin/prod, computed beforehand; the gradient uses
    the partial derivatives of the result w.r.t. each contributing element (ties share)."""

    @staticmethod
    def forward(ctx, x, src, result, coef_x, coef_src, dim, index):
        ctx.args = (coef_x, coef_src, dim, index)
        return result

    @staticmethod
    def backward(ctx, grad):
        coef_x, coef_src, dim, index = ctx.args
        gx = grad * const(coef_x) if ctx.needs_input_grad[0] else None
        gsrc = Gather.apply(grad, dim, index) * const(coef_src) \
            if ctx.needs_input_grad[1] else None
        return gx, gsrc, None, None, None, None, None


def _prod_partials(x, x_in, src, loc, shape):
    """d(product)/d(each factor) at each position, exact when factors are zero."""
    nonzero = np.ones(shape, x.dtype)
    zeros = np.zeros(shape, np.int64)
    xin_vals = np.where(x_in, x, 1)
    nonzero *= np.where(xin_vals != 0, xin_vals, 1)
    zeros += (xin_vals == 0)
    np.multiply.at(nonzero, loc, np.where(src != 0, src, 1))
    np.add.at(zeros, loc, (src == 0).astype(np.int64))

    def partial(v, nz, z):
        safe = np.where(v != 0, v, 1)
        return np.where(v != 0, np.where(z == 0, nz / safe, 0), np.where(z == 1, nz, 0))

    coef_x = np.where(x_in, partial(x, nonzero, zeros), 0)
    coef_src = partial(src, nonzero[loc], zeros[loc])
    return coef_x, coef_src


class IndexSelect(Op):
    """Slices of ``x`` at ``index`` along ``dim``; adjoint of IndexAdd."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x._data.shape, dim, index)
        return np.take(x._data, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.args
        zeros = const(np.zeros(shape, grad.dtype))
        return IndexAdd.apply(zeros, dim, index, grad), None, None

    @staticmethod
    def backward_array(ctx, grad):
        shape, dim, index = ctx.args
        return _index_add(np.zeros(shape, grad.dtype), dim, index, grad), None, None


def _index_add(out: np.ndarray, dim: int, index, src: np.ndarray) -> np.ndarray:
    np.add.at(np.moveaxis(out, dim, 0), index, np.moveaxis(src, dim, 0))
    return out


class IndexAdd(Op):
    """out = x, then out[..., index[k], ...] += src[..., k, ...] along ``dim``."""

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index = dim, index
        return _index_add(x._data.copy(), dim, index, src._data)

    @staticmethod
    def backward(ctx, grad):
        gsrc = IndexSelect.apply(grad, ctx.dim, ctx.index) if ctx.needs_input_grad[3] else None
        return grad, None, None, gsrc

    @staticmethod
    def backward_array(ctx, grad):
        gsrc = np.take(grad, ctx.index, axis=ctx.dim) if ctx._edges[3] is not None else None
        return grad, None, None, gsrc


_VECTOR_INDEX_ERRORS = {"index_select": RuntimeError, "index_add": RuntimeError}


def _vector_index(op: str, input: Tensor, dim: int, index) -> tuple:
    """dim and the index vector of an index_* op; like torch, only index_fill takes negative
    indices."""
    idx = _index_array(index, op)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector (got shape "
                         f"{tuple(idx.shape)})")
    nd = input._data.ndim
    d = norm_dim(dim, nd, op)
    size = input._data.shape[d] if nd else 1
    low = -size if op == "index_fill" else 0
    if idx.size and (idx.max() >= size or idx.min() < low):
        bad = int(idx.max() if idx.max() >= size else idx.min())
        raise _VECTOR_INDEX_ERRORS.get(op, IndexError)(
            f"{op}(): index {bad} is out of bounds for dimension {d} with size {size}")
    return d, np.where(idx < 0, idx + size, idx).reshape(-1)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` at ``index`` (a vector) along ``dim`` (torch.index_select)."""
    d, idx = _vector_index("index_select", input, dim, index)
    if input._data.ndim == 0:
        out = IndexSelect.apply(reshape(input, (1,)), 0, idx)
        return reshape(out, ()) if np.ndim(_index_array(index, "index_select")) == 0 else out
    return IndexSelect.apply(input, d, idx)


def _check_source(op: str, input: Tensor, d: int, idx: np.ndarray, source: Tensor) -> None:
    expected = list(input._data.shape)
    if expected:
        expected[d] = idx.size
    if list(source._data.shape) != expected and not (source._data.ndim == 0 and idx.size == 1):
        raise RuntimeError(f"{op}(): source of shape {list(source.shape)} does not match the "
                           f"expected shape {expected} (input {list(input.shape)}, {idx.size} "
                           f"indices along dim {d})")
    if source.dtype != input.dtype:
        raise RuntimeError(f"{op}(): self ({input.dtype}) and source ({source.dtype}) must have "
                           f"the same scalar type")


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """out = input with alpha * source added at ``index`` along ``dim`` (torch.index_add)."""
    d, idx = _vector_index("index_add", input, dim, index)
    _check_source("index_add", input, d, idx, source)
    if input._data.ndim == 0:
        return reshape(index_add(reshape(input, (1,)), 0, const(idx), reshape(source, (1,)),
                                 alpha=alpha), ())
    if alpha != 1:
        source = source * alpha
    return IndexAdd.apply(input, d, idx, source)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """out = input with source's slices copied to ``index`` along ``dim`` (torch.index_copy)."""
    d, idx = _vector_index("index_copy", input, dim, index)
    _check_source("index_copy", input, d, idx, source)
    return IndexPut.apply(input, source, (slice(None),) * d + (idx,))


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """out = input with the slices at ``index`` along ``dim`` set to ``value``
    (torch.index_fill)."""
    d, idx = _vector_index("index_fill", input, dim, index)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_(): Only supports 0-dimensional value tensor. Got a "
                               f"tensor with {value._data.ndim} dimensions.")
        v = value.to(input.dtype)
    else:
        v = const(np.asarray(value).astype(input.dtype))
    if input._data.ndim == 0:
        return where(const(np.asarray(idx.size > 0)), v, input)
    return IndexPut.apply(input, v, (slice(None),) * d + (idx,))


# ---------------------------------------------------------------- masks
def _bool_mask(op: str, mask) -> Tensor:
    mask = to_tensor(mask)
    if mask._data.dtype.kind != "b":
        raise RuntimeError(f"{op} only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype}")
    return mask


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """Elements of ``input`` where ``mask`` is True replaced by ``value`` (a number or a 0-d
    tensor) (torch.masked_fill)."""
    mask = _bool_mask("masked_fill_", mask)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        v = value.to(input.dtype)
    else:
        if input.dtype.kind in "iu" and isinstance(value, float) and not np.isfinite(value):
            raise RuntimeError(f"masked_fill: value cannot be converted to type {input.dtype} "
                               f"without overflow")
        v = const(np.asarray(value).astype(input.dtype))
    try:
        np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        raise RuntimeError(f"masked_fill: the mask of shape {tuple(mask.shape)} is not "
                           f"broadcastable to the input of shape {tuple(input.shape)}") from None
    return named(where(mask, v, input), "MaskedFillBackward0")


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is True, as a 1-D tensor, after broadcasting
    (torch.masked_select)."""
    mask = _bool_mask("masked_select:", mask)
    try:
        shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        raise RuntimeError(f"masked_select: the mask of shape {tuple(mask.shape)} and the input "
                           f"of shape {tuple(input.shape)} are not broadcastable") from None
    x = expand(input, shape)
    return GetItem.apply(x, (np.broadcast_to(mask._data, shape),))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """out = input with the positions where ``mask`` is True filled, in order, from
    ``source`` (torch.masked_scatter)."""
    mask = _bool_mask("masked_scatter_:", mask)
    try:
        shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        raise RuntimeError(f"masked_scatter: the mask of shape {tuple(mask.shape)} and the input "
                           f"of shape {tuple(input.shape)} are not broadcastable") from None
    m = np.ascontiguousarray(np.broadcast_to(mask._data, shape))
    n = int(m.sum())
    if source._data.size < n:
        raise RuntimeError(f"masked_scatter: Number of elements of source < number of ones in "
                           f"mask ({source._data.size} < {n})")
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {input.dtype} and {source.dtype}")
    values = GetItem.apply(reshape(source, (-1,)), (slice(0, n),))
    x = expand(input, shape) if input._data.shape != shape else input
    return IndexPut.apply(x, values, (m,))


def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened input at ``index``, shaped like ``index`` (torch.take)."""
    idx = _index_array(index, "take")
    n = input._data.size
    if idx.size and (idx.max() >= n or idx.min() < -n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise IndexError(f"take(): index {bad} out of range for tensor of size "
                         f"{list(input.shape)}.")
    return GetItem.apply(reshape(input, (-1,)), (idx,))


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """gather with broadcasting of ``input`` and ``indices`` outside ``dim``; flattened when
    dim is None (torch.take_along_dim)."""
    idx = _index_array(indices, "take_along_dim")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, const(idx.reshape(-1)))
    nd = input._data.ndim
    if idx.ndim != nd:
        raise RuntimeError(f"take_along_dim(): input and indices should have the same number of "
                           f"dimensions, but got {nd} dimensions for input, and {idx.ndim} "
                           f"dimensions for indices")
    d = norm_dim(dim, nd, "take_along_dim")
    xs, ish = list(input._data.shape), list(idx.shape)
    xs[d] = ish[d] = 1
    try:
        common = list(np.broadcast_shapes(tuple(xs), tuple(ish)))
    except ValueError:
        raise RuntimeError(f"take_along_dim(): input {list(input.shape)} and indices "
                           f"{list(idx.shape)} are not broadcastable outside dim {d}") from None
    xs = common.copy()
    xs[d] = input._data.shape[d]
    ish = common.copy()
    ish[d] = idx.shape[d]
    return gather(expand(input, tuple(xs)), d, const(np.broadcast_to(idx, tuple(ish))))


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """out = input with the flattened positions ``index`` set to (or, with accumulate,
    increased by) ``source`` (torch.put)."""
    idx = _index_array(index, "put").reshape(-1)
    n = input._data.size
    if idx.size != source._data.size:
        raise RuntimeError(f"put(): Expected source and index to have the same number of "
                           f"elements, but got source {source._data.size} and index {idx.size}")
    if idx.size and (idx.max() >= n or idx.min() < -n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise IndexError(f"put(): index {bad} out of range for tensor of size "
                         f"{list(input.shape)}.")
    flat = reshape(input, (-1,))
    src = reshape(source.to(input.dtype), (-1,))
    idx = np.where(idx < 0, idx + n, idx)
    out = IndexAdd.apply(flat, 0, idx, src) if accumulate else IndexPut.apply(flat, src, (idx,))
    return reshape(out, input._data.shape)


# ---------------------------------------------------------------- non-differentiable queries
def nonzero(input: Tensor, *, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one tensor per dim
    (torch.nonzero)."""
    a = input._data
    if as_tuple:
        return tuple(const(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(a)))
    if a.ndim == 0:
        return const(np.zeros((1 if a.item() else 0, 0), np.int64))
    found = np.nonzero(a)
    return const(np.stack(found, axis=1).astype(np.int64).reshape(-1, input._data.ndim))


def argwhere(input: Tensor) -> Tensor:
    """nonzero(input) as an (n, ndim) tensor (torch.argwhere)."""
    return nonzero(input)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot int64 vectors along a new last dim
    (torch.nn.functional.one_hot)."""
    a = tensor._data
    if a.dtype != np.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor (got "
                           f"{a.dtype}).")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if a.size and a.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes (got "
                           f"{int(a.max())} with num_classes={num_classes}).")
    out = np.zeros(a.shape + (num_classes,), np.int64)
    np.put_along_axis(out, a[..., None], 1, axis=-1)
    return const(out)


# ---------------------------------------------------------------- sorting
SortResult = return_types.sort
TopkResult = return_types.topk
KthvalueResult = return_types.kthvalue


def _argsort(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    # stable descending (NaN first, like torch): sort the reversed array ascending, reverse back
    n = a.shape[axis]
    rev = np.flip(a, axis)
    order = np.flip(np.argsort(rev, axis=axis, kind="stable"), axis)
    return (n - 1 - order).astype(np.int64)


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """Indices that sort ``input`` along ``dim`` (torch.argsort); always stable here."""
    if input._data.ndim == 0:
        return const(np.zeros((), np.int64))
    d = norm_dim(dim, input._data.ndim, "argsort")
    return const(_argsort(input._data, d, descending).astype(np.int64))


def sort(input: Tensor, dim: int = -1, descending: bool = False, *,
         stable: bool = False) -> SortResult:
    """(values, indices) sorted along ``dim``; values carry the gradient (torch.sort)."""
    if input._data.ndim == 0:
        return SortResult(clone(input), const(np.zeros((), np.int64)))
    d = norm_dim(dim, input._data.ndim, "sort")
    idx = _argsort(input._data, d, descending).astype(np.int64)
    return SortResult(Gather.apply(input, d, idx), const(idx))


def msort(input: Tensor) -> Tensor:
    """Sorted along dim 0 (torch.msort)."""
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> TopkResult:
    """The k largest (or smallest) elements along ``dim`` and their indices (torch.topk)."""
    if input._data.ndim == 0:
        if k not in (0, 1):
            raise RuntimeError("topk(): selected index k out of range")
        return TopkResult(clone(input), const(np.zeros((), np.int64)))
    d = norm_dim(dim, input._data.ndim, "topk")
    n = input._data.shape[d]
    if not 0 <= k <= n:
        raise RuntimeError(f"topk(): selected index k out of range (k={k}, size {n} along dim "
                           f"{d})")
    idx = np.take(_argsort(input._data, d, largest), np.arange(k), axis=d).astype(np.int64)
    return TopkResult(Gather.apply(input, d, idx), const(idx))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> KthvalueResult:
    """The k-th smallest element along ``dim`` and its index (torch.kthvalue)."""
    nd = input._data.ndim
    d = norm_dim(dim, nd, "kthvalue")
    n = input._data.shape[d] if nd else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if nd == 0:
        return KthvalueResult(clone(input), const(np.zeros((), np.int64)))
    idx = np.take(_argsort(input._data, d, False), [k - 1], axis=d).astype(np.int64)
    values = Gather.apply(input, d, idx)
    if not keepdim:
        values = reshape(values, values._data.shape[:d] + values._data.shape[d + 1:])
        idx = np.squeeze(idx, d)
    return KthvalueResult(values, const(idx))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None):
    """Distinct values (sorted), optionally with inverse indices and counts (torch.unique)."""
    a = input._data
    if dim is None:
        vals, inv, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = norm_dim(dim, a.ndim, "unique")
        vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [const(vals)]
    if return_inverse:
        out.append(const(inv.astype(np.int64)))
    if return_counts:
        out.append(const(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None):
    """Collapse runs of equal consecutive values (or slices along ``dim``)
    (torch.unique_consecutive)."""
    a = input._data
    if dim is None:
        flat = a.reshape(-1)
        change = flat[1:] != flat[:-1]
        moved, axis = flat, 0
    else:
        axis = norm_dim(dim, a.ndim, "unique_consecutive")
        moved = np.moveaxis(a, axis, 0)
        change = (moved[1:] != moved[:-1]).reshape(max(moved.shape[0] - 1, 0), -1).any(axis=1)
    n = moved.shape[0]
    starts = np.concatenate([[0], np.nonzero(change)[0] + 1]) if n else np.zeros(0, np.int64)
    vals = moved[starts]
    if dim is not None:
        vals = np.moveaxis(vals, 0, axis)
    out = [const(np.ascontiguousarray(vals))]
    if return_inverse:
        inv = (np.cumsum(np.concatenate([[0], change.astype(np.int64)])) if n
               else np.zeros(0, np.int64))
        out.append(const(inv.reshape(a.shape) if dim is None else inv))
    if return_counts:
        out.append(const(np.diff(np.append(starts, n)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter=None) -> Tensor:
    """Insertion points of ``input`` in the last dim of ``sorted_sequence``
    (torch.searchsorted)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    if sorter is not None:
        seq = np.take_along_axis(seq, _index_array(sorter, "searchsorted"), axis=-1)
    how = "right" if right else "left"
    dtype = np.int32 if out_int32 else np.int64
    if seq.ndim <= 1:
        return const(np.searchsorted(seq, vals, side=how).astype(dtype))
    if scalar or vals.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           f"first N-1 dimensions of boundaries tensor and input value tensor "
                           f"must match, but we got boundaries tensor {list(seq.shape)} and input "
                           f"value tensor {list(vals.shape)}")
    rows = seq.reshape(-1, seq.shape[-1])
    v = vals.reshape(rows.shape[0], -1)
    out = np.stack([np.searchsorted(r, x, side=how) for r, x in zip(rows, v)])
    return const(out.reshape(vals.shape).astype(dtype))


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each value given 1-D ``boundaries`` (torch.bucketize)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"bucketize(): boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


for _name in ("gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add",
              "index_copy", "index_fill", "sort", "argsort", "topk", "kthvalue", "take_along_dim",
              "unique", "unique_consecutive"):
    globals()[_name] = _accepts_axis(globals()[_name])

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add",
           "index_copy", "index_fill", "masked_fill", "masked_select", "masked_scatter", "take",
           "take_along_dim", "put", "nonzero", "argwhere", "sort", "argsort", "msort", "topk",
           "kthvalue", "unique", "unique_consecutive", "searchsorted", "bucketize", "index_put",
           "select_scatter", "slice_scatter", "diagonal_scatter"]

METHODS = {
    "__getitem__": getitem, "__setitem__": setitem, "gather": gather, "scatter": scatter,
    "scatter_add": scatter_add, "scatter_reduce": scatter_reduce, "index_select": index_select,
    "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "masked_fill": masked_fill, "masked_select": masked_select, "masked_scatter": masked_scatter,
    "take": take, "take_along_dim": take_along_dim, "put": put, "nonzero": nonzero,
    "argwhere": argwhere, "sort": sort, "argsort": argsort, "msort": msort, "topk": topk,
    "kthvalue": kthvalue, "unique": unique, "unique_consecutive": unique_consecutive,
    "index_put": index_put, "select_scatter": select_scatter, "slice_scatter": slice_scatter,
    "diagonal_scatter": diagonal_scatter,
}
for _name, _fn in [("scatter_", scatter), ("scatter_add_", scatter_add),
                   ("scatter_reduce_", scatter_reduce), ("index_add_", index_add),
                   ("index_copy_", index_copy), ("index_fill_", index_fill),
                   ("masked_fill_", masked_fill), ("masked_scatter_", masked_scatter),
                   ("put_", put), ("index_put_", index_put), ("tril_", tril), ("triu_", triu)]:
    METHODS[_name] = _inplace(_fn, _name)
METHODS["fill_diagonal_"] = fill_diagonal_
