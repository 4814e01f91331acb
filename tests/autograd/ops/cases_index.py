"""Op cases for indexing: getitem/setitem forms, gather/scatter, index_*, masked_*, sorting."""

from autograd.ops.index import one_hot
from tests.helpers.optable import OpCase


def _setitem(idx, scale=2.0):
    def fn(L, a, b):
        c = a * 1
        c[idx] = b * scale
        return c

    return fn


def _setitem_int(L, a, b, i):
    c = a * 1
    c[i, 1:] = b
    return c


def _setitem_mask(L, a, b):
    c = a * 1
    c[a > 0] = b
    return c


def _setitem_mixed_order(L, a, b):
    c = a * 1
    c[0, :, [0, 2]] = b  # torch keeps the list's dim after the slice
    return c


CASES = [
    OpCase("getitem-step", lambda L, a: a[::2, 1::3], [(5, 7)]),
    OpCase("getitem-ellipsis-none", lambda L, a: a[None, ..., 1, None], [(2, 3, 4)]),
    OpCase("getitem-neg", lambda L, a: a[-2:, -1], [(4, 3)]),
    OpCase("getitem-int-tensor", lambda L, a, i: a[i], [(4, 3)], ints=[[[0, 3], [3, 3]]]),
    OpCase("getitem-two-arrays", lambda L, a, i, j: a[i, :, j], [(3, 2, 4)],
           ints=[[0, 2, 2], [1, 3, 0]]),
    OpCase("getitem-int-slice-list", lambda L, a: a[0, :, [0, 1, 1]], [(2, 3, 4)]),
    OpCase("getitem-ellipsis-list-int", lambda L, a: a[..., [0, 2], 1], [(2, 3, 4)]),
    OpCase("getitem-mask-2d", lambda L, a: a[:, a[0] > 0], [(3, 4)], domain="distinct"),
    OpCase("getitem-0d", lambda L, a: a[None], [()]),
    OpCase("setitem-slice", _setitem((slice(None), slice(1, 3))), [(3, 4), (2,)]),
    OpCase("setitem-broadcast-leading-one", _setitem((0,)), [(3, 4), (1, 4)]),
    OpCase("setitem-int-tensor", _setitem_int, [(4, 3), (2, 2)], ints=[[1, 3]]),
    OpCase("setitem-mask", _setitem_mask, [(3, 4), ()], domain="distinct"),
    OpCase("setitem-mixed-order", _setitem_mixed_order, [(2, 3, 4), (3, 2)]),
    OpCase("gather", lambda L, a, i: L.gather(a, 1, i), [(3, 4)],
           ints=[[[0, 0], [3, 1], [2, 2]]]),
    OpCase("gather-smaller", lambda L, a, i: a.gather(0, i), [(4, 3)], ints=[[[3, 0], [1, 1]]]),
    OpCase("scatter", lambda L, a, b, i: L.scatter(a, 1, i, b), [(3, 4), (3, 2)],
           ints=[[[0, 3], [1, 2], [3, 0]]]),
    OpCase("scatter-value", lambda L, a, i: a.scatter(0, i, 0.5), [(3, 2)], ints=[[[2, 0]]]),
    OpCase("scatter-add", lambda L, a, b, i: L.scatter_add(a, 0, i, b), [(3, 2), (4, 2)],
           ints=[[[0, 1], [0, 1], [2, 1], [0, 0]]]),
    OpCase("scatter-reduce-sum", lambda L, a, b, i: a.scatter_reduce(
        0, i, b, "sum", include_self=False), [(3, 2), (3, 2)], ints=[[[0, 1], [0, 1], [0, 0]]]),
    OpCase("scatter-reduce-mean", lambda L, a, b, i: L.scatter_reduce(a, 1, i, b, "mean"),
           [(2, 3), (2, 3)], ints=[[[0, 0, 2], [1, 1, 1]]]),
    OpCase("scatter-reduce-amax", lambda L, a, b, i: L.scatter_reduce(a, 0, i, b, "amax"),
           [(3, 2), (3, 2)], ints=[[[0, 1], [0, 1], [2, 2]]], domain="distinct"),
    OpCase("scatter-reduce-amin-noself", lambda L, a, b, i: a.scatter_reduce(
        0, i, b, "amin", include_self=False), [(3, 2), (3, 2)],
        ints=[[[0, 1], [0, 1], [0, 0]]], domain="distinct"),
    OpCase("scatter-reduce-prod", lambda L, a, b, i: a.scatter_reduce(0, i, b, "prod"),
           [(3, 2), (3, 2)], ints=[[[0, 1], [0, 1], [2, 0]]], gradgrad=False),
    OpCase("index_select", lambda L, a, i: L.index_select(a, 1, i), [(2, 4)],
           ints=[[3, 0, 3]]),
    OpCase("index_select-0d-index", lambda L, a, i: a.index_select(0, i), [(3, 2)], ints=[2]),
    OpCase("index_add", lambda L, a, b, i: L.index_add(a, 0, i, b, alpha=2.0),
           [(3, 2), (4, 2)], ints=[[0, 2, 0, 1]]),
    OpCase("index_copy", lambda L, a, b, i: a.index_copy(1, i, b), [(2, 4), (2, 2)],
           ints=[[3, 0]]),
    OpCase("index_fill", lambda L, a, i: L.index_fill(a, 1, i, -1.0), [(2, 4)], ints=[[1, 3]]),
    OpCase("index_fill-tensor-value", lambda L, a, v, i: a.index_fill(0, i, v), [(3, 2), ()],
           ints=[[0, 2]]),
    OpCase("masked_fill", lambda L, a: L.masked_fill(a, a > 0, 0.0), [(3, 4)],
           domain="distinct"),
    OpCase("masked_fill-tensor-value", lambda L, a, v: a.masked_fill(a[0] > 0, v), [(3, 4), ()],
           domain="distinct"),
    OpCase("masked_fill-broadcast", lambda L, a, b: a.masked_fill(b > 0, 1.5), [(4,), (3, 4)],
           domain="distinct"),
    OpCase("masked_select", lambda L, a, b: L.masked_select(a, b > 0), [(3, 1), (3, 4)],
           domain="distinct"),
    OpCase("masked_scatter", lambda L, a, b: a.masked_scatter(a > 0, b), [(3, 4), (12,)],
           domain="distinct"),
    OpCase("take", lambda L, a, i: L.take(a, i), [(3, 4)], ints=[[[0, 11], [-1, 5]]]),
    OpCase("take_along_dim", lambda L, a, i: L.take_along_dim(a, i, dim=1), [(3, 4)],
           ints=[[[0, 3]]]),
    OpCase("take_along_dim-flat", lambda L, a, i: a.take_along_dim(i), [(3, 4)],
           ints=[[2, 2, 7]]),
    OpCase("put", lambda L, a, b, i: L.put(a, i, b), [(3, 2), (3,)], ints=[[5, 0, -2]]),
    OpCase("put-accumulate", lambda L, a, b, i: a.put(i, b, accumulate=True), [(3, 2), (3,)],
           ints=[[1, 1, 4]]),
    OpCase("sort", lambda L, a: L.sort(a), [(3, 4)], domain="distinct"),
    OpCase("sort-descending-dim0", lambda L, a: a.sort(dim=0, descending=True, stable=True),
           [(4, 3)], domain="distinct"),
    OpCase("msort", lambda L, a: L.msort(a), [(4, 2)], domain="distinct"),
    OpCase("topk", lambda L, a: L.topk(a, 2), [(3, 5)], domain="distinct"),
    OpCase("topk-smallest", lambda L, a: a.topk(3, dim=0, largest=False), [(4, 2)],
           domain="distinct"),
    OpCase("kthvalue", lambda L, a: L.kthvalue(a, 2, 1), [(3, 4)], domain="distinct"),
    OpCase("kthvalue-keepdim", lambda L, a: a.kthvalue(3, 0, keepdim=True), [(4, 2)],
           domain="distinct"),
    OpCase("index_put", lambda L, a, b, i: a.index_put((i,), b), [(4, 2), (2,)],
           ints=[[3, 1]]),
    OpCase("index_put-accumulate", lambda L, a, b, i, j: L.index_put(a, (i, j), b, True),
           [(3, 4), (3,)], ints=[[0, 0, 2], [1, 1, 3]]),
    OpCase("index_put_-inplace", lambda L, a, b, i: (a * 1).index_put_((i,), b, accumulate=True),
           [(3, 2), (2,)], ints=[[2, 2]]),
    OpCase("select_scatter", lambda L, a, b: L.select_scatter(a, b, 1, 0), [(3, 4), (3,)]),
    OpCase("slice_scatter", lambda L, a, b: a.slice_scatter(b, 1, 0, 4, 2), [(3, 4), (3, 2)]),
    OpCase("diagonal_scatter", lambda L, a, b: L.diagonal_scatter(a, b, 1), [(3, 4), (3,)]),
    OpCase("fill_diagonal_", lambda L, a: (a * 1).fill_diagonal_(2.0, wrap=True), [(7, 3)]),
    OpCase("masked_fill_-inplace", lambda L, a: (a * 1).masked_fill_(a < 0, 0.5), [(3, 3)],
           domain="distinct"),
    OpCase("scatter_-inplace", lambda L, a, b, i: (a * 1).scatter_(0, i, b), [(3, 2), (1, 2)],
           ints=[[[2, 0]]]),
    OpCase("scatter-reduce-multiply", lambda L, a, b, i: a.scatter(0, i, b, reduce="multiply"),
           [(3, 2), (1, 2)], ints=[[[2, 0]]], gradgrad=False, parity=False),
    OpCase("argsort", lambda L, a: L.argsort(a, dim=0, descending=True), [(4, 3)],
           domain="distinct", grad=False),
    OpCase("nonzero", lambda L, a: L.nonzero(a > 0), [(3, 4)], grad=False),
    OpCase("nonzero-tuple", lambda L, a: (a > 0).nonzero(as_tuple=True), [(3, 4)], grad=False),
    OpCase("argwhere", lambda L, a: L.argwhere(a < 0), [(2, 3)], grad=False),
    OpCase("one_hot", lambda L, i: one_hot(i, 5), [], ints=[[[0, 4], [2, 2]]], grad=False,
           torch_fn=lambda L, i: L.nn.functional.one_hot(i, 5)),
    OpCase("one_hot-inferred", lambda L, i: one_hot(i), [], ints=[[1, 3]], grad=False,
           torch_fn=lambda L, i: L.nn.functional.one_hot(i)),
    OpCase("unique", lambda L, i: L.unique(i, return_inverse=True, return_counts=True), [],
           ints=[[[3, 1], [3, 0]]], grad=False),
    OpCase("unique-dim", lambda L, i: i.unique(dim=0, return_inverse=True), [],
           ints=[[[1, 2], [0, 5], [1, 2]]], grad=False),
    OpCase("unique_consecutive", lambda L, i: L.unique_consecutive(
        i, return_inverse=True, return_counts=True), [], ints=[[1, 1, 2, 2, 3, 1, 1]],
        grad=False),
    OpCase("unique_consecutive-dim", lambda L, i: i.unique_consecutive(dim=1), [],
           ints=[[[1, 1, 2], [0, 0, 5]]], grad=False),
    OpCase("searchsorted", lambda L, a: L.searchsorted(L.tensor([-1.0, 0.0, 1.0]), a), [(3, 2)],
           grad=False),
    OpCase("searchsorted-batched-right", lambda L, i: L.searchsorted(
        L.tensor([[1, 3, 5], [2, 4, 6]]), i, right=True), [], ints=[[[3, 6], [0, 4]]],
        grad=False),
    OpCase("bucketize", lambda L, a: L.bucketize(a, L.tensor([-0.5, 0.5]), out_int32=True),
           [(2, 3)], grad=False),
]
