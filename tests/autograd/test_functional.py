"""autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) against analytic results and
against torch.autograd.functional, including torch's nesting of tuples."""

import numpy as np
import pytest

import autograd
from autograd import functional as AF
from tests.helpers.torch_ref import need_torch, to_torch

RNG = np.random.default_rng(0)


def _t(*shape):
    return autograd.tensor(RNG.standard_normal(shape))


def _nested_close(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _nested_close(o, t)
        return
    assert isinstance(ours, autograd.Tensor), f"expected a Tensor, got {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-7,
                               atol=1e-10)


def _to_torch(x):
    if isinstance(x, tuple):
        return tuple(_to_torch(v) for v in x)
    return to_torch(x) if x is not None else None


# each function is written once and run with L = autograd and L = torch
FUNCS = {
    "square": (lambda L, x: x ** 2, [(3,)]),
    "matrix-to-vector": (lambda L, x: L.tanh(x).sum(0) * x[0], [(2, 3)]),
    "two-in-one-out": (lambda L, x, y: (x.unsqueeze(1) * y).exp(), [(2,), (3,)]),
    "one-in-two-out": (lambda L, x: (x * x, x.sum()), [(3,)]),
    "two-in-two-out": (lambda L, x, y: (x * y.sum(), L.matmul(x, y.reshape(2, 2))), [(2,), (4,)]),
    "scalar-in": (lambda L, x: L.stack([x, x * x, x ** 3]), [()]),
}

SCALAR_FUNCS = {
    "cubic": (lambda L, x: (x ** 3).sum(), [(3,)]),
    "coupled": (lambda L, x, y: (x.unsqueeze(1) * y ** 2).sum() + (x ** 2).sum() * y.sum(),
                [(2,), (3,)]),
    "log-sum-exp": (lambda L, x: x.exp().sum().log(), [(2, 2)]),
}


def _inputs(shapes, as_tuple):
    xs = tuple(_t(*s) for s in shapes)
    return xs if as_tuple or len(xs) > 1 else xs[0]


def _call(fn, L):
    return lambda *a: fn(L, *a)


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("as_tuple", [False, True])
def test_jacobian_matches_torch(name, as_tuple):
    torch = need_torch()
    fn, shapes = FUNCS[name]
    xs = _inputs(shapes, as_tuple)
    ours = AF.jacobian(_call(fn, autograd), xs)
    theirs = torch.autograd.functional.jacobian(_call(fn, torch), _to_torch(xs))
    _nested_close(ours, theirs)


@pytest.mark.parametrize("name", list(FUNCS))
def test_vjp_and_jvp_match_torch(name):
    torch = need_torch()
    fn, shapes = FUNCS[name]
    xs = _inputs(shapes, True)
    out = fn(autograd, *xs)
    v_out = tuple(_t(*o.shape) for o in out) if isinstance(out, tuple) else _t(*out.shape)
    v_in = tuple(_t(*x.shape) for x in xs)
    ours = AF.vjp(_call(fn, autograd), xs, v_out)
    theirs = torch.autograd.functional.vjp(_call(fn, torch), _to_torch(xs), _to_torch(v_out))
    _nested_close(ours, theirs)
    ours = AF.jvp(_call(fn, autograd), xs, v_in)
    theirs = torch.autograd.functional.jvp(_call(fn, torch), _to_torch(xs), _to_torch(v_in))
    _nested_close(ours, theirs)


@pytest.mark.parametrize("name", list(SCALAR_FUNCS))
@pytest.mark.parametrize("as_tuple", [False, True])
def test_hessian_hvp_vhp_match_torch(name, as_tuple):
    torch = need_torch()
    fn, shapes = SCALAR_FUNCS[name]
    xs = _inputs(shapes, as_tuple)
    txs = _to_torch(xs)
    v = tuple(_t(*s) for s in shapes) if isinstance(xs, tuple) else _t(*shapes[0])
    tf = torch.autograd.functional
    _nested_close(AF.hessian(_call(fn, autograd), xs), tf.hessian(_call(fn, torch), txs))
    _nested_close(AF.hvp(_call(fn, autograd), xs, v), tf.hvp(_call(fn, torch), txs, _to_torch(v)))
    _nested_close(AF.vhp(_call(fn, autograd), xs, v), tf.vhp(_call(fn, torch), txs, _to_torch(v)))


def test_jacobian_of_linear_map_is_the_matrix():
    A = _t(3, 4)
    J = AF.jacobian(lambda x: autograd.matmul(A, x), _t(4))
    np.testing.assert_allclose(J.numpy(), A.numpy())


def test_hessian_of_quadratic_form_is_symmetric_part():
    A = _t(3, 3)
    H = AF.hessian(lambda x: (x * autograd.matmul(A, x)).sum(), _t(3))
    np.testing.assert_allclose(H.numpy(), (A + A.T).numpy(), rtol=1e-12)


def test_jvp_equals_jacobian_times_vector():
    x, v = _t(3), _t(3)
    f = lambda x: x.exp() * x.sum()  # noqa: E731
    _, jv = AF.jvp(f, x, v)
    J = AF.jacobian(f, x)
    np.testing.assert_allclose(jv.numpy(), J.numpy() @ v.numpy(), rtol=1e-10)


def test_hvp_equals_vhp_for_smooth_function():
    x, v = _t(4), _t(4)
    f = lambda x: (x.tanh() * x).sum()  # noqa: E731
    np.testing.assert_allclose(AF.hvp(f, x, v)[1].numpy(), AF.vhp(f, x, v)[1].numpy(),
                               rtol=1e-10)


def test_results_are_detached_without_create_graph():
    x = _t(3).requires_grad_()
    out, g = AF.vjp(lambda x: (x ** 2).sum(), x)
    assert not out.requires_grad and not g.requires_grad
    J = AF.jacobian(lambda x: x ** 2, x)
    assert not J.requires_grad


def test_create_graph_lets_results_be_differentiated():
    x = _t(3).requires_grad_()
    J = AF.jacobian(lambda x: x ** 3, x, create_graph=True)
    assert J.requires_grad
    (g,) = autograd.grad(J.sum(), x)
    np.testing.assert_allclose(g.numpy(), 6 * x.detach().numpy())
    _, hv = AF.hvp(lambda x: (x ** 4).sum(), x, autograd.ones(3, dtype=autograd.float64),
                   create_graph=True)
    (g2,) = autograd.grad(hv.sum(), x)
    np.testing.assert_allclose(g2.numpy(), 24 * x.detach().numpy())


def test_independent_output_gives_zeros_or_strict_error():
    x = _t(2)
    J = AF.jacobian(lambda x: autograd.ones(3, dtype=autograd.float64), x)
    assert J.shape == (3, 2) and not J.numpy().any()
    with pytest.raises(RuntimeError, match="strict mode"):
        AF.jacobian(lambda x: autograd.ones(3, dtype=autograd.float64), x, strict=True)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.jacobian(lambda x, y: x * 2, (x, _t(2)), strict=True)
    _, g = AF.vjp(lambda x, y: (x * 2).sum(), (x, _t(2)))
    assert not g[1].numpy().any()


def test_bad_arguments_raise_like_torch():
    x = _t(3)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda x: x * 2, x)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.jvp(lambda x: x * 2, x)
    with pytest.raises(RuntimeError, match="invalid size"):
        AF.vjp(lambda x: x * 2, x, _t(4))
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        AF.jacobian(lambda x: x, [x])
    with pytest.raises(TypeError, match="outputs of the user-provided function"):
        AF.jacobian(lambda x: 3, x)
    with pytest.raises(RuntimeError, match="single element"):
        AF.hessian(lambda x: x * 2, x)
    with pytest.raises(ValueError, match="strategy"):
        AF.jacobian(lambda x: x, x, strategy="sideways")


def test_reached_as_torch_autograd_functional():
    assert autograd.autograd.functional.jacobian is AF.jacobian
    J = autograd.autograd.functional.jacobian(lambda x: 2 * x, _t(2), vectorize=True)
    np.testing.assert_allclose(J.numpy(), 2 * np.eye(2))


def test_float32_inputs_give_float32_results():
    x = autograd.randn(3)
    assert AF.jacobian(lambda x: x.exp(), x).dtype == autograd.float32
    assert AF.hessian(lambda x: (x ** 3).sum(), x).dtype == autograd.float32
