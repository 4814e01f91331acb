"""Elementwise ops beyond the op table: in-place updates (direct no_grad path, graph rules),
fills and random fills, out=, special functions' accuracy, value tests, and the public names."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
import autograd.ops
from autograd.ops import _special, activation


# ---------------------------------------------------------------- in-place updates
@pytest.mark.parametrize("call, expected", [
    (lambda p, g: p.add_(g, alpha=-0.5), lambda p, g: p - 0.5 * g),
    (lambda p, g: p.sub_(g), lambda p, g: p - g),
    (lambda p, g: p.mul_(g), lambda p, g: p * g),
    (lambda p, g: p.div_(g), lambda p, g: p / g),
    (lambda p, g: p.addcmul_(g, g, value=0.1), lambda p, g: p + 0.1 * g * g),
    (lambda p, g: p.addcdiv_(g, g + 3.0, value=-2.0), lambda p, g: p - 2.0 * g / (g + 3.0)),
    (lambda p, g: p.lerp_(g, 0.1), lambda p, g: p + 0.1 * (g - p)),
    (lambda p, g: p.lerp_(g, 0.9), lambda p, g: p + 0.9 * (g - p)),
    (lambda p, g: p.clamp_(-0.5, 0.5), lambda p, g: np.clip(p, -0.5, 0.5)),
    (lambda p, g: p.clamp_(min=g), lambda p, g: np.maximum(p, g)),
    (lambda p, g: p.abs().sqrt_(), lambda p, g: np.sqrt(np.abs(p))),
])
def test_optimizer_updates_write_into_the_parameter_array(call, expected, rng):
    p0, g0 = rng.uniform(1, 2, (3, 4)).astype(np.float32), rng.uniform(1, 2, (3, 4))
    p = autograd.tensor(p0, requires_grad=True)
    g = autograd.tensor(g0.astype(np.float32))
    array, version = p._data, p._version
    with autograd.no_grad():
        out = call(p, g)
    if out is p:
        assert p._data is array, "the update allocated a new array"
        assert p._version == version + 1
    np.testing.assert_allclose(out.detach().numpy(), expected(p0, g0.astype(np.float32)),
                               rtol=1e-6)
    assert out.dtype == autograd.float32


def test_direct_update_broadcasts_a_smaller_operand():
    p = autograd.zeros(2, 3)
    p.add_(autograd.tensor([1.0, 2.0, 3.0]))
    assert p.tolist() == [[1.0, 2.0, 3.0]] * 2


def test_inplace_result_must_keep_the_shape():
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        autograd.zeros(3).add_(autograd.zeros(2, 3))


def test_inplace_on_int_tensor_refuses_float_results():
    with pytest.raises(RuntimeError, match="can't be cast"):
        autograd.tensor([1, 2]).add_(0.5)


def test_inplace_on_leaf_requiring_grad_raises_unless_no_grad():
    w = autograd.ones(3, requires_grad=True)
    for update in (lambda: w.add_(1.0), lambda: w.zero_(), lambda: w.uniform_(),
                   lambda: w.clamp_(0, 1), lambda: w.copy_(autograd.zeros(3))):
        with pytest.raises(RuntimeError, match="leaf Variable"):
            update()
    with autograd.no_grad():
        w.normal_()
        w.zero_()
    assert w.tolist() == [0.0, 0.0, 0.0] and w.requires_grad and w.grad_fn is None


def test_inplace_on_non_leaf_is_recorded():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    y.mul_(x).add_(1.0).clamp_(max=4.5)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0]


def test_copy_into_non_leaf_sends_the_gradient_to_the_source():
    x = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    src = autograd.tensor(5.0, dtype=autograd.float64, requires_grad=True)
    y = x * 2.0
    y.copy_(src)
    (y * autograd.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert src.grad.item() == 6.0 and src.grad.dtype == autograd.float64


# ---------------------------------------------------------------- fills
def test_copy_broadcasts_and_casts():
    t = autograd.zeros(2, 3, dtype=autograd.int64)
    t.copy_(autograd.tensor([1.7, -2.2, 3.0]))
    assert t.tolist() == [[1, -2, 3]] * 2 and t.dtype == autograd.int64
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        autograd.zeros(2).copy_(autograd.zeros(3))


def test_fill_takes_a_number_or_a_0d_tensor():
    t = autograd.zeros(2, 2)
    assert t.fill_(2.5).tolist() == [[2.5, 2.5]] * 2
    assert t.fill_(autograd.tensor(-1.0)).tolist() == [[-1.0, -1.0]] * 2
    assert autograd.zeros(2, dtype=autograd.int64).fill_(2.7).tolist() == [2, 2]
    with pytest.raises(RuntimeError, match="0-dimension"):
        t.fill_(autograd.tensor([1.0]))


def test_random_fills_follow_manual_seed_and_generators():
    autograd.manual_seed(3)
    a = autograd.empty(4, 5).uniform_(-2, 2)
    autograd.manual_seed(3)
    b = autograd.empty(4, 5).uniform_(-2, 2)
    assert autograd.equal(a, b)
    assert a.min().item() >= -2 and a.max().item() < 2
    gen = autograd.Generator().manual_seed(7)
    c = autograd.empty(1000).normal_(1.0, 0.5, generator=gen)
    d = autograd.empty(1000).normal_(1.0, 0.5, generator=autograd.Generator().manual_seed(7))
    assert autograd.equal(c, d) and not autograd.equal(c[:20], a.reshape(-1))
    assert abs(c.mean().item() - 1.0) < 0.1 and abs(c.std().item() - 0.5) < 0.1


def test_uniform_matches_rand_from_the_same_seed():
    autograd.manual_seed(11)
    a = autograd.rand(6)
    autograd.manual_seed(11)
    assert autograd.equal(a, autograd.empty(6).uniform_())


def test_bernoulli_and_exponential_fills():
    autograd.manual_seed(0)
    mask = autograd.empty(2, 3).bernoulli_(autograd.tensor([0.0, 1.0, 0.5]))
    assert mask[:, 0].tolist() == [0.0, 0.0] and mask[:, 1].tolist() == [1.0, 1.0]
    assert set(mask.reshape(-1).tolist()) <= {0.0, 1.0}
    assert autograd.empty(100).exponential_(2.0).min().item() >= 0
    with pytest.raises(RuntimeError, match=r"\[0, 1\]"):
        autograd.empty(2).bernoulli_(1.5)


@pytest.mark.parametrize("call, message", [
    (lambda t: t.uniform_(2, 1), "from=2 > to=1"),
    (lambda t: t.normal_(0, -1), "std >= 0.0"),
    (lambda t: t.long().uniform_(), "not implemented for 'Long'"),
])
def test_random_fill_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call(autograd.zeros(3))


# ---------------------------------------------------------------- out=
def test_out_argument_receives_the_result():
    out = autograd.empty(3)
    result = autograd.add(autograd.ones(3), 2.0, out=out)
    assert result is out and out.tolist() == [3.0, 3.0, 3.0]
    autograd.exp(autograd.zeros(2, 2), out=out)
    assert out.shape == (2, 2)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        autograd.mul(autograd.ones(3, requires_grad=True), 2.0, out=autograd.empty(3))


# ---------------------------------------------------------------- special functions
def test_erf_and_erfc_agree_with_the_standard_library():
    x = np.concatenate([np.linspace(-12, 12, 4001), [0.0, 2.0, -2.0, 10.0, 26.0]])
    erf = _special.erf(x)
    erfc = _special.erfc(x)
    for xi, e, c in zip(x, erf, erfc):
        assert e == pytest.approx(math.erf(xi), rel=1e-14, abs=1e-300)
        assert c == pytest.approx(math.erfc(xi), rel=1e-13, abs=1e-300)
    nan_inf = _special.erf(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(nan_inf[0]) and nan_inf[1:].tolist() == [1.0, -1.0]


def test_erfinv_inverts_erf_and_handles_the_ends():
    y = np.linspace(-0.999999, 0.999999, 2001)
    np.testing.assert_allclose(_special.erf(_special.erfinv(y)), y, rtol=1e-13, atol=1e-15)
    ends = autograd.erfinv(autograd.tensor([1.0, -1.0, 1.5, 0.0]))
    assert ends[:2].tolist() == [math.inf, -math.inf] and math.isnan(ends[2].item())
    assert ends[3].item() == 0.0


def test_gelu_exact_agrees_with_math_erf():
    x = np.linspace(-6, 6, 101)
    y = activation.gelu(autograd.tensor(x)).numpy()
    expected = [v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in x]
    np.testing.assert_allclose(y, expected, rtol=1e-13, atol=1e-300)


# ---------------------------------------------------------------- value tests
def test_allclose_isclose_equal():
    a = autograd.tensor([1.0, math.nan, math.inf])
    b = autograd.tensor([1.0 + 1e-7, math.nan, math.inf])
    assert autograd.isclose(a, b).tolist() == [True, False, True]
    assert autograd.isclose(a, b, equal_nan=True).tolist() == [True, True, True]
    assert autograd.allclose(a, b, equal_nan=True) and not autograd.allclose(a, b)
    assert autograd.equal(autograd.ones(2), autograd.ones(2, dtype=autograd.float64))
    assert not autograd.equal(autograd.ones(2), autograd.ones(1))


def test_nan_to_num_defaults_to_the_dtype_limits():
    x = autograd.tensor([math.nan, math.inf, -math.inf, 1.5])
    assert x.nan_to_num().tolist() == [0.0, float(np.finfo(np.float32).max),
                                       float(np.finfo(np.float32).min), 1.5]
    assert autograd.nan_to_num(x, nan=2.0, posinf=9.0).tolist()[:2] == [2.0, 9.0]


def test_signbit_sees_negative_zero():
    assert autograd.signbit(autograd.tensor([-0.0, 0.0, -2.0])).tolist() == [True, False, True]


def test_clamp_needs_a_bound_and_maximum_needs_tensors():
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        autograd.clamp(autograd.ones(2))
    with pytest.raises(TypeError, match="must be Tensor"):
        autograd.maximum(autograd.ones(2), 2)


def test_clamp_with_min_above_max_gives_max_like_torch():
    assert autograd.clamp(autograd.tensor([0.0, 2.0, 5.0]), 3, 1).tolist() == [1.0, 1.0, 1.0]


def test_maximum_splits_the_gradient_on_ties_and_fmax_does_not():
    a = autograd.tensor([1.0, 2.0], requires_grad=True)
    b = autograd.tensor([1.0, 1.0], requires_grad=True)
    ga, gb = autograd.grad(autograd.maximum(a, b).sum(), (a, b))
    assert ga.tolist() == [0.5, 1.0] and gb.tolist() == [0.5, 0.0]
    ga, gb = autograd.grad(autograd.fmax(a, b).sum(), (a, b))
    assert ga.tolist() == [1.0, 1.0] and gb.tolist() == [0.0, 0.0]


def test_fmax_prefers_numbers_to_nan():
    a = autograd.tensor([math.nan, 1.0])
    b = autograd.tensor([2.0, math.nan])
    assert autograd.fmax(a, b).tolist() == [2.0, 1.0]
    assert all(math.isnan(v) for v in autograd.maximum(a, b).tolist())


def test_nan_handling_follows_torch():
    x = autograd.tensor([math.nan, -2.0, 3.0])
    assert autograd.sign(x).tolist() == [0.0, -1.0, 1.0]
    assert math.isnan(autograd.threshold(x, 0.5, 9.0)[0].item())
    assert autograd.threshold(x, 0.5, 9.0)[1:].tolist() == [9.0, 3.0]
    assert math.isnan(autograd.relu(x)[0].item())
    assert math.isnan(autograd.clamp(x, 0, 1)[0].item())


def test_comparing_with_none_behaves_like_torch():
    t = autograd.ones(2)
    assert (t == None) is False and (t != None) is True  # noqa: E711
    with pytest.raises(TypeError):
        t < None  # noqa: B015


# ---------------------------------------------------------------- public names
def test_activation_names_follow_torch_namespaces():
    for name in ("relu", "selu", "celu", "prelu", "threshold", "sigmoid", "tanh", "relu_"):
        assert hasattr(autograd, name), name
    for name in ("gelu", "silu", "mish", "softplus", "hardtanh", "leaky_relu", "hardswish"):
        assert not hasattr(autograd, name), name
    for name in activation.FUNCTIONAL:
        assert callable(getattr(activation, name)), name


def test_every_exported_function_has_a_docstring():
    for name in autograd.ops.__all__:
        fn = getattr(autograd.ops, name)
        if getattr(fn, "__module__", "").startswith(("autograd.ops.elementwise",
                                                      "autograd.ops.activation",
                                                      "autograd.ops.transcendental",
                                                      "autograd.ops.ternary",
                                                      "autograd.ops.rounding",
                                                      "autograd.ops.comparison")):
            assert fn.__doc__, name
