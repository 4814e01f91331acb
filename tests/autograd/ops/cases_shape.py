"""Op cases for the shape ops: joining/splitting, repeats, flips, diagonals, padding, windows."""

from autograd.ops.shape import pad
from tests.helpers.optable import OpCase


def _pad(mode, widths, value=None):
    def ours(L, a):
        return pad(a, widths, mode=mode) if value is None else pad(a, widths, mode, value)

    def theirs(L, a):
        f = L.nn.functional.pad
        return f(a, widths, mode=mode) if value is None else f(a, widths, mode, value)

    return ours, theirs


def _pad_case(name, shape, mode, widths, value=None):
    ours, theirs = _pad(mode, widths, value)
    return OpCase(name, ours, [shape], torch_fn=theirs)


CASES = [
    OpCase("unflatten", lambda L, a: a.unflatten(1, (2, -1)), [(3, 4)]),
    OpCase("squeeze-tuple", lambda L, a: a.squeeze((0, 2)), [(1, 3, 1, 2)]),
    OpCase("movedim", lambda L, a: L.movedim(a, (0, 1), (2, 0)), [(2, 3, 4)]),
    OpCase("moveaxis", lambda L, a: a.moveaxis(-1, 0), [(2, 3, 4)]),
    OpCase("swapaxes", lambda L, a: L.swapaxes(a, 0, 2), [(2, 3, 4)]),
    OpCase("swapdims", lambda L, a: a.swapdims(1, 0), [(2, 3)]),
    OpCase("repeat", lambda L, a: a.repeat(2, 1, 3), [(2, 3)]),
    OpCase("repeat-0d", lambda L, a: a.repeat(3), [()]),
    OpCase("tile", lambda L, a: L.tile(a, (2,)), [(2, 3)]),
    OpCase("repeat_interleave-int", lambda L, a: a.repeat_interleave(2, dim=1), [(2, 3)]),
    OpCase("repeat_interleave-flat", lambda L, a: L.repeat_interleave(a, 3), [(2, 2)]),
    OpCase("repeat_interleave-tensor", lambda L, a, r: L.repeat_interleave(a, r, dim=0),
           [(3, 2)], ints=[[1, 0, 3]]),
    OpCase("cat", lambda L, a, b: L.cat([a, b], dim=1), [(2, 3), (2, 1)]),
    OpCase("cat-neg-dim", lambda L, a, b, c: L.cat((a, b, c), -1), [(2, 2), (2, 3), (2, 1)]),
    OpCase("cat-legacy-empty", lambda L, a: L.concat([a, a[0, :0], a * 2]), [(2, 3)]),
    OpCase("cat-promote", lambda L, a: L.cat([a, L.ones(1, 3, dtype=L.int64)]), [(2, 3)]),
    OpCase("concatenate", lambda L, a, b: L.concatenate([a, b]), [(1, 3), (2, 3)]),
    OpCase("stack", lambda L, a, b: L.stack([a, b]), [(2, 3), (2, 3)]),
    OpCase("stack-last", lambda L, a, b: L.stack([a, b], dim=-1), [(2, 3), (2, 3)]),
    OpCase("stack-0d", lambda L, a, b: L.stack([a, b]), [(), ()]),
    OpCase("hstack", lambda L, a, b: L.hstack([a, b]), [(2, 3), (2, 2)]),
    OpCase("hstack-1d", lambda L, a, b: L.hstack([a, b]), [(3,), (2,)]),
    OpCase("vstack", lambda L, a, b: L.vstack([a, b]), [(3,), (2, 3)]),
    OpCase("dstack", lambda L, a, b: L.dstack([a, b]), [(2, 3), (2, 3)]),
    OpCase("column_stack", lambda L, a, b: L.column_stack([a, b]), [(3,), (3, 2)]),
    OpCase("split-int", lambda L, a: L.split(a, 2, dim=1), [(2, 5)]),
    OpCase("split-list", lambda L, a: a.split([1, 3, 1]), [(5, 2)]),
    OpCase("chunk", lambda L, a: a.chunk(3, -1), [(2, 7)]),
    OpCase("chunk-part-used", lambda L, a: a.chunk(2)[1] * 2, [(4, 3)]),
    OpCase("tensor_split-sections", lambda L, a: L.tensor_split(a, 3, dim=1), [(2, 7)]),
    OpCase("tensor_split-indices", lambda L, a: a.tensor_split([1, 4]), [(5,)]),
    OpCase("unbind", lambda L, a: a.unbind(1), [(2, 3, 2)]),
    OpCase("unbind-some", lambda L, a: a.unbind(0)[1] * a.unbind(0)[0], [(3, 2)]),
    OpCase("iter", lambda L, a: [r * 1 for r in a][-1], [(3, 2)]),
    OpCase("flip", lambda L, a: L.flip(a, (0, 2)), [(2, 3, 2)]),
    OpCase("flip-method", lambda L, a: a.flip(1), [(2, 3)]),
    OpCase("fliplr", lambda L, a: L.fliplr(a), [(2, 3)]),
    OpCase("flipud", lambda L, a: a.flipud(), [(3, 2)]),
    OpCase("roll", lambda L, a: L.roll(a, (1, -2), (0, 1)), [(3, 4)]),
    OpCase("roll-flat", lambda L, a: a.roll(5), [(3, 4)]),
    OpCase("narrow", lambda L, a: a.narrow(1, 1, 2), [(3, 4)]),
    OpCase("narrow-neg", lambda L, a: L.narrow(a, -1, -3, 2), [(3, 4)]),
    OpCase("tril", lambda L, a: L.tril(a), [(3, 4)]),
    OpCase("tril-batched", lambda L, a: a.tril(-1), [(2, 3, 3)]),
    OpCase("triu", lambda L, a: L.triu(a, 1), [(4, 3)]),
    OpCase("diagonal", lambda L, a: L.diagonal(a), [(3, 4)]),
    OpCase("diagonal-offset-dims", lambda L, a: a.diagonal(-1, 2, 0), [(4, 2, 3)]),
    OpCase("diag-1d", lambda L, a: L.diag(a, 1), [(3,)]),
    OpCase("diag-2d", lambda L, a: a.diag(-1), [(3, 4)]),
    OpCase("diag_embed", lambda L, a: L.diag_embed(a), [(2, 3)]),
    OpCase("diag_embed-offset", lambda L, a: a.diag_embed(1, 0, 2), [(2, 3)]),
    _pad_case("pad-constant", (2, 3), "constant", (1, 2)),
    _pad_case("pad-constant-value", (2, 3, 2), "constant", (1, 0, 0, 2, 1, 1), 0.5),
    _pad_case("pad-constant-crop", (3, 4), "constant", (-1, 2, 1, -2)),
    _pad_case("pad-reflect", (2, 5), "reflect", (2, 3)),
    _pad_case("pad-reflect-2d", (1, 2, 4, 3), "reflect", (1, 2, 3, 1)),
    _pad_case("pad-replicate", (1, 2, 3), "replicate", (2, 3)),
    _pad_case("pad-replicate-3d", (1, 2, 2, 3), "replicate", (1, 1, 0, 2, 1, 0)),
    _pad_case("pad-circular", (1, 2, 3, 3), "circular", (1, 2, 3, 0)),
    _pad_case("pad-circular-crop", (2, 4), "circular", (-1, 2)),
    OpCase("unfold", lambda L, a: a.unfold(1, 3, 2), [(2, 7)]),
    OpCase("unfold-overlap", lambda L, a: a.unfold(0, 2, 1), [(4, 2)]),
    OpCase("meshgrid-ij", lambda L, a, b: L.meshgrid(a, b, indexing="ij"), [(3,), (2,)]),
    OpCase("meshgrid-xy", lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy"),
           [(3,), (2,), (2,)]),
    OpCase("atleast_1d", lambda L, a: L.atleast_1d(a), [()]),
    OpCase("atleast_2d", lambda L, a, b: L.atleast_2d(a, b), [(3,), ()]),
    OpCase("atleast_3d", lambda L, a, b: L.atleast_3d((a, b)), [(3,), (2, 3)]),
    OpCase("contiguous", lambda L, a: a.transpose(0, 1).contiguous(), [(2, 3)]),
    OpCase("select", lambda L, a: a.select(1, -1), [(2, 3, 4)]),
    OpCase("ravel", lambda L, a: L.ravel(a.t()), [(2, 3)]),
    OpCase("narrow_copy", lambda L, a: a.narrow_copy(0, 1, 2), [(4, 2)]),
    OpCase("split_with_sizes", lambda L, a: L.split_with_sizes(a, [2, 1], 1), [(2, 3)]),
    OpCase("hsplit", lambda L, a: L.hsplit(a, 2), [(3, 4)]),
    OpCase("hsplit-1d-indices", lambda L, a: a.hsplit([1, 3]), [(5,)]),
    OpCase("vsplit", lambda L, a: L.vsplit(a, [1]), [(3, 2)]),
    OpCase("dsplit", lambda L, a: a.dsplit(2), [(2, 1, 4)]),
    OpCase("rot90", lambda L, a: L.rot90(a), [(2, 3)]),
    OpCase("rot90-k", lambda L, a: a.rot90(-1, (2, 0)), [(2, 3, 2)]),
    OpCase("rot90-2", lambda L, a: L.rot90(a, 2, [1, 0]), [(2, 3)]),
    OpCase("diagflat", lambda L, a: L.diagflat(a, -1), [(2, 2)]),
    OpCase("broadcast_tensors", lambda L, a, b: L.broadcast_tensors(a, b), [(3, 1), (4,)]),
    OpCase("block_diag", lambda L, a, b, c: L.block_diag(a, b, c), [(2, 2), (3,), ()]),
    OpCase("cartesian_prod", lambda L, a, b: L.cartesian_prod(a, b), [(2,), (3,)]),
    OpCase("tril_-inplace", lambda L, a: (a * 1).tril_(1), [(3, 3)]),
    OpCase("triu_-inplace", lambda L, a: (a * 1).triu_(), [(2, 3)]),
    OpCase("tril_indices", lambda L: L.tril_indices(3, 4, 1), [], grad=False),
    OpCase("triu_indices", lambda L: L.triu_indices(4, 3, -1), [], grad=False),
]
