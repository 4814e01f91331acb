"""Shape and index ops beyond the op table: torch's dtype and empty-tensor rules, results of the
non-differentiable ops, and the errors bad arguments get (naming shapes and dims)."""

import numpy as np
import pytest

import autograd
from autograd.ops.index import one_hot
from autograd.ops.shape import pad
from tests.helpers.torch_ref import need_torch


def _same(ours, theirs):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize("dtypes", [("int32", "bool"), ("float32", "int64"), ("float16", "float32"),
                                    ("uint8", "int8"), ("bool", "bool"), ("int64", "float64")])
def test_cat_promotes_dtypes_like_torch(dtypes):
    torch = need_torch()
    ours = autograd.cat([autograd.ones(2, 2).to(getattr(autograd, dtypes[0])),
                         autograd.zeros(1, 2).to(getattr(autograd, dtypes[1]))])
    theirs = torch.cat([torch.ones(2, 2, dtype=getattr(torch, dtypes[0])),
                        torch.zeros(1, 2, dtype=getattr(torch, dtypes[1]))])
    _same(ours, theirs)


def test_cat_skips_legacy_empty_vectors_but_promotes_with_them():
    out = autograd.cat([autograd.ones(2, 3, dtype=autograd.int64), autograd.zeros(0)])
    assert out.shape == (2, 3) and out.dtype == autograd.float32
    assert autograd.cat([autograd.zeros(0), autograd.zeros(0)]).shape == (0,)


def test_cat_of_one_tensor_is_a_copy_in_the_graph():
    x = autograd.ones(2, requires_grad=True)
    y = autograd.cat([x])
    assert y is not x and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_cat_errors_name_the_shapes_and_dim():
    with pytest.raises(RuntimeError, match=r"dimension 0.*tensor number 1.*\(2, 3\) and \(2, 4\)"):
        autograd.cat([autograd.zeros(2, 3), autograd.zeros(2, 4)])
    with pytest.raises(RuntimeError, match="same number of dimensions: got 2 and 1"):
        autograd.cat([autograd.zeros(2, 3), autograd.zeros(2)])
    with pytest.raises(RuntimeError, match="zero-dimensional tensor"):
        autograd.cat([autograd.zeros(()), autograd.zeros(2)])
    with pytest.raises(ValueError, match="non-empty"):
        autograd.cat([])
    with pytest.raises(IndexError, match="Dimension out of range"):
        autograd.cat([autograd.zeros(2, 3)], dim=2)
    with pytest.raises(TypeError, match="element 1"):
        autograd.cat([autograd.zeros(2), 1])
    with pytest.raises(TypeError, match="not Tensor"):
        autograd.cat(autograd.zeros(2, 2))


def test_stack_errors():
    with pytest.raises(RuntimeError, match=r"equal size, but got \[2, 3\] at entry 0 and \[2, 4\]"):
        autograd.stack([autograd.zeros(2, 3), autograd.zeros(2, 4)])
    with pytest.raises(RuntimeError, match="non-empty"):
        autograd.stack([])


@pytest.mark.parametrize("size,chunks", [(5, 4), (6, 4), (7, 3), (0, 2), (3, 5)])
def test_chunk_sizes_match_torch(size, chunks):
    torch = need_torch()
    ours = [tuple(c.shape) for c in autograd.zeros(size, 2).chunk(chunks)]
    theirs = [tuple(c.shape) for c in torch.zeros(size, 2).chunk(chunks)]
    assert ours == theirs


@pytest.mark.parametrize("arg", [2, [1, 4], [3, 1], [-2], 4, [0, 0, 5]])
def test_tensor_split_matches_torch(arg):
    torch = need_torch()
    ours = autograd.tensor_split(autograd.arange(5.0), arg)
    theirs = torch.tensor_split(torch.arange(5.0), arg)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _same(o, t)


def test_split_errors():
    with pytest.raises(RuntimeError, match=r"sum exactly to 5.*\[2, 2\]"):
        autograd.zeros(5, 2).split([2, 2])
    with pytest.raises(RuntimeError, match="chunks"):
        autograd.zeros(5).chunk(0)
    with pytest.raises(RuntimeError, match="split_size can only be 0"):
        autograd.zeros(4).split(0)


def test_unbind_gradient_reaches_only_used_rows():
    h = autograd.arange(6.0).reshape(3, 2).requires_grad_()
    steps = h.unbind(0)
    (steps[2] * 2).sum().backward()
    assert h.grad.tolist() == [[0.0, 0.0], [0.0, 0.0], [2.0, 2.0]]
    assert autograd.zeros(0, 3).unbind(0) == ()


def test_repeat_interleave_of_counts_alone():
    torch = need_torch()
    _same(autograd.repeat_interleave(autograd.tensor([2, 0, 3])),
          torch.repeat_interleave(torch.tensor([2, 0, 3])))
    with pytest.raises(RuntimeError, match="same size as input along dim"):
        autograd.zeros(3, 4).repeat_interleave(autograd.tensor([1, 2]), dim=0)


@pytest.mark.parametrize("mode,widths,shape", [
    ("reflect", (3, 3), (1, 2, 4)), ("replicate", (0, 5, 2, 0), (2, 3, 2)),
    ("circular", (2, -1), (1, 4)), ("constant", (-2, -2), (3, 4)), ("circular", (3, 3, 1, 1),
                                                                        (1, 1, 3, 3))])
def test_pad_values_match_torch(mode, widths, shape):
    torch = need_torch()
    x = np.random.default_rng(0).standard_normal(shape)
    _same(pad(autograd.tensor(x), widths, mode=mode),
          torch.nn.functional.pad(torch.tensor(x), widths, mode=mode))


def test_pad_errors_like_torch():
    x = autograd.zeros(3, 4)
    with pytest.raises(RuntimeError, match="divisible by 2"):
        pad(x, (1, 2, 3))
    with pytest.raises(RuntimeError, match="two times the input dimension"):
        pad(x, (1,) * 6)
    with pytest.raises(RuntimeError, match=r"padding \(4, 2\) at dimension 1"):
        pad(x, (4, 2), mode="reflect")
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        pad(x, (5, 2), mode="circular")
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode"):
        pad(x, (1, 1), mode="wrap")
    with pytest.raises(RuntimeError, match="doesn't take in value"):
        pad(x, (1, 1), mode="reflect", value=2.0)
    with pytest.raises(NotImplementedError, match="not supported for 1D input"):
        pad(autograd.zeros(4), (1, 1), mode="replicate")
    with pytest.raises(RuntimeError, match="negative output size"):
        pad(x, (-3, -2))


def test_pad_constant_keeps_integer_dtype():
    out = pad(autograd.ones(2, dtype=autograd.int64), (1, 1), value=7)
    assert out.dtype == autograd.int64 and out.tolist() == [7, 1, 1, 7]


def test_unfold_windows_match_torch_and_errors():
    torch = need_torch()
    x = np.arange(24.0).reshape(2, 3, 4)
    for args in [(2, 2, 1), (1, 3, 2), (0, 1, 1), (2, 4, 3)]:
        _same(autograd.tensor(x).unfold(*args), torch.tensor(x).unfold(*args))
    with pytest.raises(RuntimeError, match="maximum size for tensor at dimension 2 is 4"):
        autograd.tensor(x).unfold(2, 5, 1)
    with pytest.raises(RuntimeError, match="step is 0"):
        autograd.tensor(x).unfold(2, 2, 0)


def test_meshgrid_and_flip_errors():
    with pytest.raises(RuntimeError, match="0D or 1D"):
        autograd.meshgrid(autograd.zeros(2, 2))
    with pytest.raises(RuntimeError, match="indexing"):
        autograd.meshgrid(autograd.zeros(2), indexing="yx")
    with pytest.raises(RuntimeError, match="multiple times"):
        autograd.flip(autograd.zeros(2, 2), (0, 0))
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        autograd.roll(autograd.zeros(2, 2), (1, 2), (0,))
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        autograd.zeros(3, 4).narrow(1, 2, 3)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        autograd.tril(autograd.zeros(3))
    with pytest.raises(RuntimeError, match="cannot be identical"):
        autograd.zeros(3, 3).diagonal(0, 1, 1)
    with pytest.raises(RuntimeError, match="1D or 2D"):
        autograd.diag(autograd.zeros(2, 2, 2))
    with pytest.raises(RuntimeError, match="don't multiply up"):
        autograd.zeros(3, 4).unflatten(1, (3, -1))
    with pytest.raises(RuntimeError, match="repeat dims can not be smaller"):
        autograd.zeros(3, 4).repeat(2)
    with pytest.raises(RuntimeError, match="repeated dim"):
        autograd.movedim(autograd.zeros(2, 3), (0, 0), (1, 0))


def test_gather_scatter_index_errors():
    x = autograd.zeros(3, 4)
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 1 with size 4"):
        x.gather(1, autograd.tensor([[5]]))
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        x.gather(1, autograd.tensor([0]))
    with pytest.raises(RuntimeError, match="no larger than self"):
        x.gather(1, autograd.zeros(4, 5, dtype=autograd.int64))
    with pytest.raises(RuntimeError, match="int64"):
        x.gather(1, autograd.zeros(1, 1))
    with pytest.raises(RuntimeError, match="dtype"):
        x.scatter(1, autograd.tensor([[0]]), autograd.ones(1, 1, dtype=autograd.float64))
    with pytest.raises(IndexError, match="vector"):
        x.index_select(1, autograd.tensor([[0]]))
    with pytest.raises(RuntimeError, match="index 7 is out of bounds for dimension 1"):
        x.index_select(1, autograd.tensor([7]))
    with pytest.raises(RuntimeError, match="index -1 is out of bounds"):
        x.gather(1, autograd.tensor([[-1]]))
    with pytest.raises(RuntimeError, match="index -1 is out of bounds"):
        x.index_add(1, autograd.tensor([-1]), autograd.ones(3, 1))
    assert x.index_fill(1, autograd.tensor([-1]), 1.0)[:, 3].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(RuntimeError, match=r"source of shape \[3, 3\]"):
        x.index_add(1, autograd.tensor([0, 1]), autograd.ones(3, 3))


def test_masked_fill_rules():
    x = autograd.zeros(3)
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(autograd.tensor([1, 0, 1]), 2.0)
    with pytest.raises(RuntimeError, match="0-dimensional value tensor"):
        x.masked_fill(autograd.ones(3, dtype=autograd.bool), autograd.ones(2))
    assert x.masked_fill(autograd.ones(2, 3, dtype=autograd.bool), 1.0).shape == (2, 3)
    with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape \[2, 3\]"):
        x.masked_fill_(autograd.ones(2, 3, dtype=autograd.bool), 1.0)
    ints = autograd.zeros(3, dtype=autograd.int64).masked_fill(autograd.tensor([True, False, True]),
                                                               2.0)
    assert ints.dtype == autograd.int64 and ints.tolist() == [2, 0, 2]
    v = autograd.tensor(3.0, requires_grad=True)
    out = autograd.zeros(4).masked_fill(autograd.tensor([True, False, True, True]), v)
    out.sum().backward()
    assert v.grad.item() == 3.0


def test_masked_select_and_scatter():
    torch = need_torch()
    x = np.arange(6.0).reshape(2, 3)
    m = np.array([True, False, True])
    _same(autograd.tensor(x).masked_select(autograd.tensor(m)),
          torch.tensor(x).masked_select(torch.tensor(m)))
    with pytest.raises(RuntimeError, match="Number of elements of source"):
        autograd.zeros(3).masked_scatter(autograd.ones(3, dtype=autograd.bool), autograd.zeros(2))


def test_one_hot_like_torch():
    torch = need_torch()
    _same(one_hot(autograd.tensor([[0, 3], [1, 1]])),
          torch.nn.functional.one_hot(torch.tensor([[0, 3], [1, 1]])))
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        one_hot(autograd.tensor([1, 5]), 3)
    with pytest.raises(RuntimeError, match="LongTensor"):
        one_hot(autograd.tensor([1.0]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        one_hot(autograd.tensor([-1]), 3)
    with pytest.raises(RuntimeError, match="empty tensor"):
        one_hot(autograd.zeros(0, dtype=autograd.int64))
    assert one_hot(autograd.zeros(0, dtype=autograd.int64), 4).shape == (0, 4)


@pytest.mark.parametrize("descending", [False, True])
def test_stable_sort_with_ties_and_nan_like_torch(descending):
    torch = need_torch()
    x = np.array([[2.0, 1.0, np.nan, 2.0, 1.0, -np.inf, 2.0]])
    ours = autograd.sort(autograd.tensor(x), descending=descending, stable=True)
    theirs = torch.sort(torch.tensor(x), descending=descending, stable=True)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    _same(ours.indices, theirs.indices)
    _same(autograd.argsort(autograd.tensor(x), descending=descending, stable=True),
          torch.argsort(torch.tensor(x), descending=descending, stable=True))


def test_sort_returns_named_fields_and_int_sort():
    torch = need_torch()
    ours = autograd.tensor([3, 1, 2]).sort()
    theirs = torch.tensor([3, 1, 2]).sort()
    _same(ours.values, theirs.values)
    _same(ours.indices, theirs.indices)
    values, indices = autograd.topk(autograd.tensor([1.0, 5.0, 3.0]), 2)
    assert values.tolist() == [5.0, 3.0] and indices.tolist() == [1, 2]


def test_topk_and_kthvalue_range_errors():
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        autograd.topk(autograd.tensor([1.0, 3.0, 2.0]), 4)
    with pytest.raises(RuntimeError, match="kthvalue"):
        autograd.kthvalue(autograd.tensor([1.0, 3.0, 2.0]), 4)


def test_searchsorted_rules():
    torch = need_torch()
    seq, vals = [1, 3, 5, 7], [[0, 3, 8], [5, 5, 1]]
    for right in (False, True):
        _same(autograd.searchsorted(autograd.tensor(seq), autograd.tensor(vals), right=right),
              torch.searchsorted(torch.tensor(seq), torch.tensor(vals), right=right))
        _same(autograd.bucketize(autograd.tensor(vals), autograd.tensor(seq), right=right),
              torch.bucketize(torch.tensor(vals), torch.tensor(seq), right=right))
    assert autograd.searchsorted(autograd.tensor(seq), 4).item() == 2
    with pytest.raises(RuntimeError, match="boundaries tensor should be 1 dimension"):
        autograd.searchsorted(autograd.tensor([[1, 3], [2, 4]]), autograd.tensor([[3]]))
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        autograd.searchsorted(autograd.tensor(seq), autograd.tensor([1]), right=True, side="left")


def test_nonzero_of_scalars_like_torch():
    torch = need_torch()
    _same(autograd.nonzero(autograd.tensor(3.0)), torch.nonzero(torch.tensor(3.0)))
    ours = autograd.nonzero(autograd.tensor(3.0), as_tuple=True)
    theirs = torch.nonzero(torch.tensor(3.0), as_tuple=True)
    assert len(ours) == len(theirs)
    _same(ours[0], theirs[0])


def test_index_put_accumulate_sums_repeats():
    x = autograd.zeros(3)
    x.index_put_((autograd.tensor([0, 0, 2]),), autograd.tensor(1.0), accumulate=True)
    assert x.tolist() == [2.0, 0.0, 1.0]


def test_block_diag_and_triangle_indices_like_torch():
    torch = need_torch()
    _same(autograd.block_diag(autograd.ones(1, 2, dtype=autograd.int64), autograd.ones(2, 1)),
          torch.block_diag(torch.ones(1, 2, dtype=torch.int64), torch.ones(2, 1)))
    _same(autograd.tril_indices(3, 4, 1), torch.tril_indices(3, 4, 1))
    _same(autograd.triu_indices(4, 3, -1), torch.triu_indices(4, 3, -1))
    assert autograd.broadcast_shapes((2, 1), (3,)) == (2, 3)


CALL_FORMS = {
    "cat-axis": lambda L, a: L.cat([a, a], axis=1),
    "stack-axis": lambda L, a: L.stack([a, a], axis=-1),
    "split-keywords": lambda L, a: a.split(split_size=1, dim=0),
    "tile-varargs": lambda L, a: a.tile(2, 2),
    "tile-tuple": lambda L, a: L.tile(a, (2,)),
    "flip-dims-keyword": lambda L, a: a.flip(dims=(0,)),
    "squeeze-axis": lambda L, a: a.unsqueeze(0).squeeze(axis=0),
    "reshape-keyword": lambda L, a: a.reshape(shape=(3, 2)),
    "gather-axis": lambda L, a: a.gather(axis=1, index=L.tensor([[2], [0]])),
    "sort-axis": lambda L, a: a.sort(axis=0, descending=True).values,
    "view-dtype": lambda L, a: a.view(L.int32),
    "view-dtype-wider": lambda L, a: a[:, :2].contiguous().view(L.float64),
}


@pytest.mark.parametrize("name", list(CALL_FORMS))
def test_torch_call_forms(name):
    torch = need_torch()
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    ours, theirs = CALL_FORMS[name](autograd, autograd.tensor(x)), CALL_FORMS[name](
        torch, torch.tensor(x))
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _same(o, t)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_with_ties_and_zeros_matches_torch(reduce, include_self):
    torch = need_torch()
    rng = np.random.default_rng(7)
    for _ in range(8):
        x = rng.integers(-2, 3, (3, 4)).astype(np.float64)  # small integers: many ties
        s = rng.integers(-2, 3, (2, 4)).astype(np.float64)
        idx = rng.integers(0, 3, (2, 4))
        if reduce == "prod":  # at most one zero per position of src, as torch's gradient needs
            s[s == 0] = 0.5
            s[0, 0] = 0.0
        grads = []
        for L in (torch, autograd):
            xt, st = L.tensor(x, requires_grad=True), L.tensor(s, requires_grad=True)
            out = xt.scatter_reduce(0, L.tensor(idx), st, reduce, include_self=include_self)
            (out * L.tensor(np.arange(12.0).reshape(3, 4))).sum().backward()
            grads.append((out.detach().numpy(), xt.grad.numpy(), st.grad.numpy()))
        for ours, theirs in zip(grads[1], grads[0]):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_cat_and_stack_write_into_out():
    out = autograd.empty(0)
    res = autograd.cat([autograd.ones(2), autograd.zeros(1)], out=out)
    assert res is out and out.tolist() == [1.0, 1.0, 0.0]
    assert autograd.stack([autograd.ones(2)], out=out) is out and out.shape == (1, 2)
    with pytest.raises(RuntimeError, match="dtype"):
        autograd.cat([autograd.ones(2)], out=autograd.empty(0, dtype=autograd.int64))
    with pytest.raises(RuntimeError, match="automatic differentiation"):
        autograd.cat([autograd.ones(2, requires_grad=True)], out=out)
