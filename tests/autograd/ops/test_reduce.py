"""Reductions beyond the op table: output shapes for random dims/keepdim (hypothesis, against
numpy), dim errors, gradient tie-splitting and zeros against torch, numerically hard inputs, and
the (values, indices) result type."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from tests.helpers.torch_ref import need_torch

SHAPES = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)


@st.composite
def shape_and_dims(draw):
    shape = draw(SHAPES)
    nd = len(shape)
    if nd == 0:
        return shape, draw(st.sampled_from([None, 0, -1]))
    dims = draw(st.one_of(
        st.none(), st.integers(-nd, nd - 1),
        st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True).flatmap(
            lambda ds: st.tuples(*[st.sampled_from([d, d - nd]) for d in ds]))))
    return shape, dims


def _numpy_axes(dims, nd):
    if dims is None or nd == 0:
        return None
    return dims


REDUCTIONS = [
    ("sum", lambda t, d, k: t.sum(d, keepdim=k), np.sum),
    ("mean", lambda t, d, k: t.mean(d, keepdim=k), np.mean),
    ("amax", lambda t, d, k: t.amax(() if d is None else d, keepdim=k), np.max),
    ("var", lambda t, d, k: t.var(d, keepdim=k, correction=0), np.var),
    ("logsumexp", lambda t, d, k: t.logsumexp(() if d is None else d, keepdim=k),
     lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims))),
    ("norm", lambda t, d, k: t.norm(dim=d, keepdim=k),
     lambda a, axis, keepdims: np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))),
    ("any", lambda t, d, k: (t > 0).any(d, keepdim=k), lambda a, axis, keepdims: np.any(
        a > 0, axis=axis, keepdims=keepdims)),
]


@settings(max_examples=40, deadline=None)
@given(sd=shape_and_dims(), keepdim=st.booleans(), which=st.sampled_from(range(len(REDUCTIONS))))
def test_reduction_shapes_and_values_match_numpy(sd, keepdim, which):
    shape, dims = sd
    _, ours, ref = REDUCTIONS[which]
    data = np.random.default_rng(0).standard_normal(shape)
    out = ours(autograd.tensor(data), dims, keepdim)
    expected = np.asarray(ref(data, axis=_numpy_axes(dims, len(shape)), keepdims=keepdim))
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(shape=SHAPES.filter(len), keepdim=st.booleans(), data=st.data())
def test_single_dim_reductions_shapes_match_numpy(shape, keepdim, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = np.random.default_rng(1).standard_normal(shape)
    t = autograd.tensor(x)
    values, indices = t.max(dim, keepdim)
    np.testing.assert_array_equal(values.numpy(), np.max(x, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(indices.numpy(), np.argmax(x, axis=dim, keepdims=keepdim))
    assert indices.dtype == autograd.int64
    assert tuple(t.argmin(dim, keepdim).shape) == np.argmin(x, dim, keepdims=keepdim).shape
    assert tuple(t.prod(dim, keepdim).shape) == np.prod(x, dim, keepdims=keepdim).shape
    np.testing.assert_allclose(t.cumsum(dim).numpy(), np.cumsum(x, dim))


@pytest.mark.parametrize("call", [
    lambda t: t.sum(3), lambda t: t.mean(-4), lambda t: t.max(3), lambda t: t.argmax(5),
    lambda t: t.var((0, 7)), lambda t: t.cumsum(-4), lambda t: t.logsumexp(3),
    lambda t: t.norm(dim=4), lambda t: t.prod(3), lambda t: t.amax(3), lambda t: t.any(3),
])
def test_out_of_range_dims_raise_index_error_like_torch(call):
    t = autograd.zeros(2, 3, 4)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-3, 2\], but got -?\d\)"):
        call(t)


def test_repeated_dims_are_refused():
    with pytest.raises(RuntimeError, match="appears multiple times"):
        autograd.zeros(2, 3).sum((1, -1))


def test_empty_max_needs_a_dim_and_a_non_empty_one():
    with pytest.raises(RuntimeError, match="Expected reduction dim to be specified"):
        autograd.zeros(0, 3).max()
    with pytest.raises(IndexError, match="reduction dim 0 to have non-zero size"):
        autograd.zeros(0, 3).max(0)
    assert autograd.zeros(0, 3).max(1).values.shape == (0,)


def _torch_grad(torch, fn, data):
    x = torch.tensor(data, requires_grad=True)
    fn(torch, x).sum().backward()
    return x.grad.numpy()


def _our_grad(fn, data):
    x = autograd.tensor(data, requires_grad=True)
    fn(autograd, x).sum().backward()
    return x.grad.numpy()


TIED = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 1.0], [3.0, 5.0, 5.0]])


@pytest.mark.parametrize("fn", [
    lambda L, x: x.max(), lambda L, x: x.min(), lambda L, x: L.amax(x, 1),
    lambda L, x: L.amin(x, 0), lambda L, x: x.amax((0, 1)), lambda L, x: x.median(),
    lambda L, x: L.norm(x, math.inf, dim=1), lambda L, x: L.norm(x - 4, -math.inf),
], ids=["max", "min", "amax", "amin", "amax-all", "median", "norm-inf", "norm-neg-inf"])
def test_full_reductions_split_the_gradient_among_ties_like_torch(fn):
    torch = need_torch()
    ours = _our_grad(fn, TIED)
    np.testing.assert_allclose(ours, _torch_grad(torch, fn, TIED))
    assert np.count_nonzero(ours) > 1


@pytest.mark.parametrize("fn", [
    lambda L, x: x.max(1).values, lambda L, x: x.min(0)[0], lambda L, x: x.median(1).values,
], ids=["max-dim", "min-dim", "median-dim"])
def test_reductions_with_dim_send_the_gradient_to_the_returned_index(fn):
    torch = need_torch()
    ours = _our_grad(fn, TIED)
    np.testing.assert_allclose(ours, _torch_grad(torch, fn, TIED))
    assert np.count_nonzero(ours) == 3


def test_cummax_and_cummin_indices_follow_ties_and_nans_like_torch():
    torch = need_torch()
    data = np.array([1.0, 3.0, 2.0, 3.0, 0.0, 5.0, 5.0, math.nan, 1.0, math.nan])
    for name in ("cummax", "cummin"):
        ours = getattr(autograd, name)(autograd.tensor(data), 0)
        theirs = getattr(torch, name)(torch.tensor(data), 0)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    fn = lambda L, x: L.cummax(x, 1).values  # noqa: E731
    np.testing.assert_allclose(_our_grad(fn, TIED), _torch_grad(torch, fn, TIED))


def test_tied_indices_are_the_first_occurrence_like_torch():
    torch = need_torch()
    ours = autograd.tensor(TIED).max(1)
    theirs = torch.tensor(TIED).max(1)
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


WITH_ZEROS = np.array([[0.0, 2.0, 3.0, -1.5], [0.0, 0.0, 2.0, 1.0], [1.5, 2.0, 0.5, -1.0]])


@pytest.mark.parametrize("fn", [
    lambda L, x: x.prod(), lambda L, x: x.prod(1), lambda L, x: x.prod(0, keepdim=True),
    lambda L, x: x[0].prod(), lambda L, x: x.cumprod(1), lambda L, x: x.cumprod(0),
], ids=["prod-all", "prod-dim1", "prod-dim0", "prod-one-zero", "cumprod-1", "cumprod-0"])
def test_prod_and_cumprod_gradients_through_zeros_match_torch(fn):
    torch = need_torch()
    np.testing.assert_allclose(_our_grad(fn, WITH_ZEROS), _torch_grad(torch, fn, WITH_ZEROS))


def test_prod_second_derivative_with_one_zero_matches_torch():
    torch = need_torch()
    data = np.array([0.0, 2.0, 3.0, -1.5])
    x = autograd.tensor(data, requires_grad=True)
    (g,) = autograd.grad(x.prod(), x, create_graph=True)
    (gg,) = autograd.grad(g[0], x)
    tx = torch.tensor(data, requires_grad=True)
    (tg,) = torch.autograd.grad(tx.prod(), tx, create_graph=True)
    (tgg,) = torch.autograd.grad(tg[0], tx)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy())


def test_logsumexp_is_stable_at_large_magnitudes():
    torch = need_torch()
    data = np.array([[1e4, -1e4, 1e4], [-1e4, -1e4, -1e4]], dtype=np.float32)
    out = autograd.logsumexp(autograd.tensor(data), 1)
    assert out.dtype == autograd.float32
    np.testing.assert_allclose(out.numpy(), torch.logsumexp(torch.tensor(data), 1).numpy())
    g = _our_grad(lambda L, x: L.logsumexp(x, 1), data.astype(np.float64))
    np.testing.assert_allclose(g, [[0.5, 0, 0.5], [1 / 3] * 3])


def test_logsumexp_of_infinite_rows_matches_torch():
    torch = need_torch()
    inf = math.inf
    data = np.array([[-inf, -inf], [inf, 1.0], [-inf, 0.0]])
    np.testing.assert_array_equal(autograd.tensor(data).logsumexp(1).numpy(),
                                  torch.tensor(data).logsumexp(1).numpy())
    assert autograd.zeros(0, 3).logsumexp(0).tolist() == [-inf] * 3
    ours = _our_grad(lambda L, x: L.logsumexp(x, 1), data)
    theirs = _torch_grad(torch, lambda L, x: L.logsumexp(x, 1), data)
    np.testing.assert_array_equal(ours, theirs)


def test_logsumexp_of_integers_is_float():
    assert autograd.logsumexp(autograd.tensor([1, 2]), 0).dtype == autograd.float32


def test_nan_aware_reductions_match_torch():
    torch = need_torch()
    data = np.array([[1.0, math.nan, 3.0], [math.nan, math.nan, math.nan]])
    for name in ("nansum", "nanmean"):
        ours = getattr(autograd, name)(autograd.tensor(data), 1).numpy()
        theirs = getattr(torch, name)(torch.tensor(data), 1).numpy()
        np.testing.assert_array_equal(ours, theirs)
    g = _our_grad(lambda L, x: L.nansum(x), data)
    np.testing.assert_array_equal(g, ~np.isnan(data))
    np.testing.assert_array_equal(autograd.tensor(data).max(1).values.numpy(), [math.nan] * 2)
    assert math.isnan(autograd.median(autograd.tensor(data[0])).item())
    assert autograd.nanmedian(autograd.tensor(data[0])).item() == 1.0


def test_sum_dtypes_follow_torch():
    assert autograd.tensor([True, True]).sum().dtype == autograd.int64
    assert autograd.tensor([1, 2], dtype=autograd.int32).cumsum(0).dtype == autograd.int64
    assert autograd.tensor([1, 2]).prod().dtype == autograd.int64
    x = autograd.tensor([1.5, 2.5], dtype=autograd.float32, requires_grad=True)
    y = x.sum(dtype=autograd.float64)
    assert y.dtype == autograd.float64
    y.backward()
    assert x.grad.dtype == autograd.float32


def test_mean_and_var_refuse_integers():
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype.*Long"):
        autograd.tensor([1, 2]).mean()
    with pytest.raises(RuntimeError, match="var"):
        autograd.tensor([1, 2]).var()
    with pytest.raises(RuntimeError, match="vector_norm.*floating point"):
        autograd.tensor([1, 2]).norm()


def test_std_of_a_constant_has_zero_gradient_like_torch():
    x = autograd.ones(3, dtype=autograd.float64, requires_grad=True)
    x.std().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)


def test_norm_at_zero_has_zero_gradient():
    for p in (2, 3, 1, math.inf):
        x = autograd.zeros(3, dtype=autograd.float64, requires_grad=True)
        x.norm(p).backward()
        np.testing.assert_array_equal(x.grad.numpy(), 0)


def test_var_unbiased_and_correction_spellings_agree():
    torch = need_torch()
    data = np.random.default_rng(3).standard_normal((4, 5))
    t, tt = autograd.tensor(data), torch.tensor(data)
    np.testing.assert_allclose(t.var(False).numpy(), tt.var(False).numpy())
    np.testing.assert_allclose(t.var(1, True, True).numpy(), tt.var(1, True, True).numpy())
    np.testing.assert_allclose(t.std(0, correction=0).numpy(), tt.std(0, correction=0).numpy())
    with pytest.raises(TypeError):
        t.var(unbiased=True, correction=0)


def test_max_with_dim_returns_a_named_tuple_like_torch():
    result = autograd.tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
    values, indices = result
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert result.values is values and result[1] is indices
    assert repr(result).startswith("autograd.return_types.max(\nvalues=")
    assert isinstance(result, autograd.return_types.max)


def test_max_with_a_tensor_is_the_elementwise_maximum():
    a, b = autograd.tensor([1.0, 4.0]), autograd.tensor([3.0, 2.0])
    if not hasattr(autograd, "maximum"):
        pytest.skip("elementwise maximum not available yet")
    assert autograd.max(a, b).tolist() == [3.0, 4.0]
    assert a.min(b).tolist() == [1.0, 2.0]


def test_argmax_keepdim_without_dim_like_torch():
    torch = need_torch()
    data = np.array([[1.0, 2.0], [3.0, 0.0]])
    assert autograd.tensor(data).argmax(keepdim=True).shape == \
        tuple(torch.tensor(data).argmax(keepdim=True).shape)
    assert autograd.tensor(data).argmax().item() == 2


def test_reductions_of_zero_dim_tensors():
    t = autograd.tensor(5.0)
    assert t.max(0).values.item() == 5.0 and t.max(0).indices.item() == 0
    assert t.sum(0).item() == 5.0 and t.argmax(0).item() == 0
    assert t.cumsum(0).shape == () and t.count_nonzero().item() == 1
