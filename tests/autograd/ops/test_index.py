"""__getitem__ / __setitem__ against torch: values, shapes, gradients and errors over many index
forms (ints, slices with steps, None, Ellipsis, bool and int tensors/lists, mixed), plus
hypothesis-generated index tuples."""

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd
from tests.helpers.torch_ref import need_torch, to_torch

# torch warns that list-as-tuple indexing is deprecated; it is still what torch does
pytestmark = pytest.mark.filterwarnings("ignore:Using a non-tuple sequence:UserWarning")

SHAPE = (2, 3, 4, 5)


def _base(L):
    x = np.arange(np.prod(SHAPE), dtype=np.float64).reshape(SHAPE) / 7.0
    return L.tensor(x, requires_grad=True) if L is autograd else L.tensor(x, requires_grad=True)


# an index is built per library, so tensor indices are that library's tensors
INDEXES = {
    "int": lambda L: 1,
    "negative-int": lambda L: (-1, -3),
    "slice-step": lambda L: (slice(None, None, 2), slice(1, None, 2)),
    "slice-out-of-range-bounds": lambda L: (slice(-10, 10), slice(2, 100)),
    "empty-slice": lambda L: (slice(3, 1),),
    "none-front-and-middle": lambda L: (None, 0, None, slice(1, 3)),
    "ellipsis-last-int": lambda L: (Ellipsis, 2),
    "ellipsis-middle": lambda L: (1, Ellipsis, None, 0),
    "ellipsis-alone": lambda L: Ellipsis,
    "second-ellipsis-covers-nothing": lambda L: (0, Ellipsis, 1, Ellipsis),
    "int-list": lambda L: [1, 0, 1],
    "int-tensor-2d": lambda L: L.tensor([[0, 1], [1, 1]]),
    "int-tensor-0d": lambda L: (L.tensor(1), slice(None), L.tensor([0, 2])),
    "bool-mask-full": lambda L: _base(L).detach() > 3.0,
    "bool-mask-leading": lambda L: L.tensor([[True, False, True], [False, False, True]]),
    "bool-mask-middle": lambda L: (slice(None), L.tensor([True, False, True])),
    "bool-list": lambda L: [True, False],
    "bool-scalar": lambda L: True,
    "bool-scalar-after-int-and-slice": lambda L: (0, slice(None), True),
    "false-after-int-and-slice": lambda L: (0, slice(None), False),
    "bool-scalar-with-list": lambda L: (0, True, [1, 2]),
    "two-lists-adjacent": lambda L: (slice(None), [0, 2], [1, 3]),
    "two-lists-separated": lambda L: ([0, 1], slice(None), [1, 3]),
    "list-broadcast": lambda L: ([[0], [1]], slice(None), [1, 3, 2]),
    "int-then-list-after-slice": lambda L: (0, slice(None), [0, 2, 1]),
    "list-int-list": lambda L: ([0, 1], 2, [1, 3]),
    "slice-int-list": lambda L: (slice(None), 1, [0, 3]),
    "list-none-list": lambda L: ([0, 1], None, [0, 2]),
    "ellipsis-list-int": lambda L: (Ellipsis, [0, 1], 2),
    "int-ellipsis-list": lambda L: (1, Ellipsis, [4, 0]),
    "mask-and-list": lambda L: (L.tensor([True, False]), slice(None), [0, 3]),
    "negative-list": lambda L: (slice(None), [-1, -3]),
    "range-and-tensor": lambda L: (range(2), L.tensor([2, 0])),
    "empty-ellipsis-between-lists": lambda L: (slice(None), 0, [0, 2], Ellipsis, [1, 4]),
    "empty-list": lambda L: [],
    "list-of-lists-is-a-tuple": lambda L: [[0, 1], [1, 0]],
    "list-with-slice-is-a-tuple": lambda L: [0, slice(None), 1],
    "step-and-list": lambda L: (slice(None, None, 2), [2, 0], slice(None, None, 3)),
}


def _weights(shape):
    return np.random.default_rng(3).standard_normal(shape)


@pytest.mark.parametrize("name", list(INDEXES))
def test_getitem_matches_torch(name):
    torch = need_torch()
    x, tx = _base(autograd), _base(torch)
    out, tout = x[INDEXES[name](autograd)], tx[INDEXES[name](torch)]
    assert tuple(out.shape) == tuple(tout.shape)
    np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())
    w = _weights(tout.shape)
    (out * autograd.tensor(w)).sum().backward()
    (tout * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("name", list(INDEXES))
def test_setitem_matches_torch(name):
    torch = need_torch()
    x, tx = _base(autograd), _base(torch)
    target = tuple(tx.detach()[INDEXES[name](torch)].shape)
    v_np = np.random.default_rng(5).standard_normal(target)
    v = autograd.tensor(v_np, requires_grad=True)
    tv = torch.tensor(v_np, requires_grad=True)
    y, ty = x * 1, tx * 1
    y[INDEXES[name](autograd)] = v * 2
    ty[INDEXES[name](torch)] = tv * 2
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    w = _weights(SHAPE)
    (y * autograd.tensor(w)).sum().backward()
    (ty * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    if tv.grad is not None:
        np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy())


@pytest.mark.parametrize("name", ["int", "slice-step", "two-lists-separated",
                                  "int-then-list-after-slice", "bool-mask-middle"])
def test_setitem_broadcasts_a_smaller_value(name):
    torch = need_torch()
    x, tx = _base(autograd).detach().clone(), _base(torch).detach().clone()
    target = tuple(tx[INDEXES[name](torch)].shape)
    v = np.arange(target[-1], dtype=np.float64)
    x[INDEXES[name](autograd)] = autograd.tensor(v)
    tx[INDEXES[name](torch)] = torch.tensor(v)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    x[INDEXES[name](autograd)] = 2.5
    tx[INDEXES[name](torch)] = 2.5
    np.testing.assert_array_equal(x.numpy(), tx.numpy())


ERRORS = {
    "int-too-big": lambda L: 2,
    "int-too-small": lambda L: (0, -4),
    "list-out-of-range": lambda L: (slice(None), [0, 3]),
    "negative-list-out-of-range": lambda L: [-3],
    "too-many": lambda L: (0, 0, 0, 0, 0),
    "float-tensor": lambda L: L.tensor([0.0, 1.0]),
    "float": lambda L: 1.5,
    "mask-wrong-shape": lambda L: L.tensor([True, False, True]),
    "unbroadcastable-lists": lambda L: ([0, 1], [0, 1, 2]),
    "negative-step": lambda L: slice(None, None, -1),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_indexes_raise_like_torch(name):
    torch = need_torch()
    tx = _base(torch).detach()
    with pytest.raises(Exception) as theirs:
        tx[ERRORS[name](torch)]
    x = _base(autograd).detach()
    with pytest.raises(theirs.type) as ours:
        x[ERRORS[name](autograd)]
    if "out of bounds" in str(theirs.value):  # same words; torch names dim 0 for tensor indices
        strip = re.compile(r"dimension \d+ ")
        assert strip.sub("", str(ours.value)) == strip.sub("", str(theirs.value))
    with pytest.raises(theirs.type):
        x[ERRORS[name](autograd)] = 0.0


def test_out_of_range_messages_name_the_dimension():
    x = autograd.zeros(3, 4)
    with pytest.raises(IndexError, match="index 4 is out of bounds for dimension 1 with size 4"):
        x[0, 4]
    with pytest.raises(IndexError, match="index -5 is out of bounds for dimension 1 with size 4"):
        x[:, [0, -5]]
    with pytest.raises(IndexError, match="0-dim"):
        autograd.tensor(1.0)[0]


def test_setitem_value_shape_mismatch_is_refused():
    x = autograd.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"shape mismatch.*\[3\].*\[4\]"):
        x[0] = autograd.ones(3)


def test_setitem_on_leaf_requiring_grad_is_refused_in_grad_mode():
    x = autograd.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 1.0
    with autograd.no_grad():
        x[0] = 1.0
    assert x.tolist() == [1.0, 0.0, 0.0] and x.is_leaf


def test_setitem_with_grad_value_into_plain_tensor_joins_the_graph():
    x = autograd.zeros(4, dtype=autograd.float64)
    v = autograd.tensor([1.0, 2.0], dtype=autograd.float64, requires_grad=True)
    x[1:3] = v
    assert x.requires_grad and not x.is_leaf
    (x * autograd.tensor([1.0, 10.0, 100.0, 1000.0], dtype=autograd.float64)).sum().backward()
    assert v.grad.tolist() == [10.0, 100.0]


def test_setitem_on_non_leaf_flows_gradient_only_to_unwritten_entries():
    x = autograd.tensor([1.0, 2.0, 3.0], dtype=autograd.float64, requires_grad=True)
    y = x * 2
    y[1] = 0.0
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]


def test_setitem_casts_value_to_the_tensor_dtype():
    x = autograd.zeros(3, dtype=autograd.int64)
    x[0] = 2.7
    x[1:] = autograd.tensor([1.9, -1.5])
    assert x.dtype == autograd.int64 and x.tolist() == [2, 1, -1]


def test_iteration_unbinds_the_first_dim():
    x = autograd.arange(6.0).reshape(3, 2).requires_grad_()
    rows = list(x)
    assert len(rows) == 3 and all(r.shape == (2,) for r in rows)
    (rows[0] * 1 + rows[2] * 3).sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]]


# ---------------------------------------------------------------- hypothesis
def _item(draw, size):
    kind = draw(st.sampled_from(["int", "slice", "none", "list", "mask", "ellipsis", "bool"]))
    if kind == "bool":
        return ("bool", draw(st.booleans()))
    if kind == "int":
        return ("int", draw(st.integers(-size - 1, size)))
    if kind == "slice":
        bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
        return ("slice", (draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3]))))
    if kind == "none":
        return ("none", None)
    if kind == "list":
        return ("list", draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=3)))
    if kind == "mask":
        return ("mask", draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    return ("ellipsis", None)


@st.composite
def index_tuples(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    n = draw(st.integers(1, len(shape) + 1))
    items, dim = [], 0
    for _ in range(n):
        size = shape[min(dim, len(shape) - 1)]
        item = draw(st.builds(lambda: None).flatmap(lambda _: st.just(_item(draw, size))))
        if item[0] == "ellipsis" and any(i[0] == "ellipsis" for i in items):
            continue
        items.append(item)
        dim += item[0] in ("int", "slice", "list", "mask")
    return shape, items


def _build(L, items):
    out = []
    for kind, v in items:
        if kind == "int":
            out.append(v)
        elif kind == "slice":
            out.append(slice(*v))
        elif kind in ("none", "bool"):
            out.append(v)
        elif kind == "ellipsis":
            out.append(Ellipsis)
        elif kind == "list":
            out.append(L.tensor(v))
        else:
            out.append(L.tensor(v, dtype=L.bool))
    return tuple(out)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(index_tuples())
def test_random_index_tuples_match_torch(case):
    torch = need_torch()
    shape, items = case
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    tx = torch.tensor(data)
    x = autograd.tensor(data, requires_grad=True)
    try:
        expected = tx[_build(torch, items)]
    except Exception as exc:  # torch refuses: so must we, with the same kind of error
        with pytest.raises(type(exc)):
            x[_build(autograd, items)]
        return
    if expected.numel() == 0:
        # torch skips the bounds check of index tensors when nothing is selected; we do not
        try:
            got = x[_build(autograd, items)]
        except IndexError:
            return
    got = x[_build(autograd, items)]
    assert tuple(got.shape) == tuple(expected.shape), (shape, items)
    np.testing.assert_array_equal(got.detach().numpy(), expected.numpy())
    # the setitem of the same index writes the same places
    y, ty = x.detach().clone(), tx.clone()
    value = np.random.default_rng(0).standard_normal(tuple(expected.shape))
    y[_build(autograd, items)] = autograd.tensor(value)
    ty[_build(torch, items)] = torch.tensor(value)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    # and the gradient of getitem scatters back to the same places (summing repeats)
    w = np.random.default_rng(1).standard_normal(tuple(expected.shape))
    (got * autograd.tensor(w)).sum().backward()
    ttx = to_torch(autograd.tensor(data), requires_grad=True)
    (ttx[_build(torch, items)] * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), ttx.grad.numpy(), atol=1e-12)
