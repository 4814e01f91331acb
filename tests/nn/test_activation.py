"""Activation layers: values and gradients against PyTorch, gradcheck, reprs, in-place forms."""

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.layer_check import module_gradcheck, module_parity

# (constructor arguments shared by both libraries, domain of the input)
LAYERS = [
    ("ReLU", (), "kinked"), ("ReLU6", (), "wide"), ("LeakyReLU", (0.2,), "kinked"),
    ("PReLU", (), "kinked"), ("ELU", (0.7,), "any"), ("SELU", (), "any"), ("CELU", (1.3,), "any"),
    ("GELU", (), "any"), ("GELU", ("tanh",), "any"), ("SiLU", (), "any"), ("Mish", (), "any"),
    ("Sigmoid", (), "any"), ("Tanh", (), "any"), ("Hardtanh", (-0.5, 0.8), "kinked"),
    ("Hardsigmoid", (), "wide"), ("Hardswish", (), "wide"), ("Softplus", (2.0, 5.0), "wide"),
    ("Softsign", (), "any"), ("Softmax", (1,), "any"), ("LogSoftmax", (-1,), "any"),
    ("Softmin", (0,), "any"), ("Threshold", (0.1, -2.0), "kinked"), ("LogSigmoid", (), "any"),
    ("GLU", (1,), "any"), ("Tanhshrink", (), "any"), ("Softshrink", (0.4,), "kinked"),
    ("Hardshrink", (0.4,), "kinked"),
]


def _input(domain, shape=(3, 4, 2)):
    rng = np.random.default_rng(0)
    if domain == "wide":
        x = rng.uniform(-5, 5, shape)
    else:
        x = rng.standard_normal(shape)
    if domain in ("kinked", "wide"):
        # keep finite differences away from the kinks at 0, +-0.4, 0.1, -0.5, 0.8, +-3
        kinks = np.array([0.0, 0.4, -0.4, 0.1, -0.5, 0.8, 3.0, -3.0, 6.0, 0.5, -0.5])
        near = np.abs(x[..., None] - kinks).min(-1) < 0.05
        x = np.where(near, x + 0.1, x)
    return x.astype(np.float32)


@pytest.mark.parametrize("name,args,domain", LAYERS, ids=[f"{n}{a}" for n, a, _ in LAYERS])
def test_activation_matches_torch(name, args, domain):
    torch = need_torch()
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    module_parity(ours, theirs, [_input(domain)])


@pytest.mark.parametrize("name,args,domain", LAYERS, ids=[f"{n}{a}" for n, a, _ in LAYERS])
def test_activation_gradcheck(name, args, domain):
    assert module_gradcheck(getattr(nn, name)(*args), [_input(domain, (2, 4))])


def test_prelu_per_channel_weight_matches_torch():
    torch = need_torch()
    ours, theirs = nn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1)
    assert list(ours.state_dict()) == ["weight"] and ours.weight.shape == (3,)
    module_parity(ours, theirs, [_input("kinked", (2, 3, 4))])
    with pytest.raises(RuntimeError, match="channel size"):
        ours(autograd.randn(2, 4))


def test_rrelu_eval_is_leaky_relu_with_mean_slope_and_train_is_random():
    layer = nn.RReLU(0.1, 0.3)
    x = autograd.tensor([-1.0, 2.0])
    assert layer.eval()(x).tolist() == pytest.approx([-0.2, 2.0])
    layer.train()
    out = layer(autograd.full((1000,), -1.0)).numpy()
    assert -0.3 <= out.min() and out.max() <= -0.1 and out.std() > 0.01


@pytest.mark.parametrize("name,args", [("ReLU", ()), ("ReLU6", ()), ("LeakyReLU", (0.1,)),
                                       ("ELU", ()), ("SELU", ()), ("SiLU", ()), ("Mish", ()),
                                       ("Hardtanh", ()), ("Hardswish", ()), ("CELU", ()),
                                       ("Threshold", (0.1, 0.0))])
def test_inplace_variants_write_into_the_input(name, args):
    torch = need_torch()
    x = np.linspace(-3, 3, 7).astype(np.float32)
    ours_layer = getattr(nn, name)(*args, inplace=True)
    theirs_layer = getattr(torch.nn, name)(*args, inplace=True)
    assert repr(ours_layer) == repr(theirs_layer)
    a, b = autograd.tensor(x), torch.tensor(x)
    out = ours_layer(a)
    theirs_layer(b)
    assert out is a
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)


def test_inplace_activation_on_a_non_leaf_keeps_gradients_right():
    torch = need_torch()
    x = np.array([-1.0, 0.5, 2.0], np.float32)
    a = autograd.tensor(x, requires_grad=True)
    h = a * 2
    F.relu(h, inplace=True)
    (h * h).sum().backward()
    ta = torch.tensor(x, requires_grad=True)
    th = ta * 2
    torch.nn.functional.relu(th, inplace=True)
    (th * th).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())


def test_softmax_implicit_dim_warns_like_torch():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(autograd.randn(3, 4))
    np.testing.assert_allclose(out.sum(1).numpy(), np.ones(3), rtol=1e-6)
    with pytest.warns(UserWarning):
        assert nn.Softmax()(autograd.randn(4)).shape == (4,)


def test_softmax_dtype_argument_and_repr():
    out = F.softmax(autograd.randn(2, 3), dim=1, dtype=autograd.float64)
    assert out.dtype == autograd.float64
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_is_stable_at_huge_logits(fn):
    torch = need_torch()
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, 1.0]], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = getattr(F, fn)(autograd.tensor(x), dim=1).numpy()
    theirs = getattr(torch.nn.functional, fn)(torch.tensor(x), dim=1).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert np.all(np.isfinite(ours))


def test_softmax_rows_of_minus_inf_are_nan_like_torch():
    torch = need_torch()
    x = np.array([[-np.inf, -np.inf], [0.0, -np.inf]], np.float32)
    ours = F.softmax(autograd.tensor(x), dim=1).numpy()
    theirs = torch.softmax(torch.tensor(x), dim=1).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours[1], theirs[1])


def test_softmax_gradgradcheck():
    x = autograd.randn(2, 3, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradgradcheck(lambda t: F.log_softmax(t, dim=1), (x,))
    assert autograd.gradgradcheck(lambda t: F.softmax(t, dim=0), (x,))


def test_softmax2d_over_channels():
    torch = need_torch()
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(nn.Softmax2d()(autograd.tensor(x)).numpy(),
                               torch.nn.Softmax2d()(torch.tensor(x)).numpy(), rtol=1e-5)
    with pytest.raises(ValueError, match="3D or 4D"):
        nn.Softmax2d()(autograd.randn(2, 3))


def test_glu_odd_dim_is_an_error():
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(autograd.randn(2, 3))


def test_activations_keep_float32():
    x = autograd.randn(3, 4)
    for name, args, _ in LAYERS:
        assert getattr(nn, name)(*args)(x).dtype == autograd.float32, name


def test_functional_activation_signatures_match_torch():
    torch = need_torch()
    x = np.linspace(-4, 4, 9).astype(np.float32)
    a, b = autograd.tensor(x), torch.tensor(x)
    tf = torch.nn.functional
    pairs = [
        (F.relu6(a), tf.relu6(b)), (F.leaky_relu(a, negative_slope=0.3), tf.leaky_relu(b, 0.3)),
        (F.elu(a, alpha=0.5), tf.elu(b, alpha=0.5)), (F.selu(a), tf.selu(b)),
        (F.celu(a, alpha=2.0), tf.celu(b, alpha=2.0)), (F.gelu(a, approximate="tanh"),
                                                         tf.gelu(b, approximate="tanh")),
        (F.hardtanh(a, min_val=-2.0, max_val=3.0), tf.hardtanh(b, -2.0, 3.0)),
        (F.softplus(a, beta=0.5, threshold=1.0), tf.softplus(b, beta=0.5, threshold=1.0)),
        (F.threshold(a, 1.0, 7.0), tf.threshold(b, 1.0, 7.0)),
        (F.hardshrink(a, lambd=1.0), tf.hardshrink(b, lambd=1.0)),
        (F.softshrink(a, 1.5), tf.softshrink(b, 1.5)), (F.logsigmoid(a), tf.logsigmoid(b)),
        (F.hardsigmoid(a), tf.hardsigmoid(b)), (F.hardswish(a), tf.hardswish(b)),
        (F.silu(a), tf.silu(b)), (F.mish(a), tf.mish(b)), (F.softsign(a), tf.softsign(b)),
        (F.tanhshrink(a), tf.tanhshrink(b)), (F.sigmoid(a), tf.sigmoid(b)),
        (F.tanh(a), tf.tanh(b)),
    ]
    for i, (ours, theirs) in enumerate(pairs):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=f"pair {i}")


def test_logsigmoid_and_softplus_finite_at_huge_inputs():
    x = autograd.tensor([-1e4, 1e4, -1e30, 1e30], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = F.logsigmoid(x)
        out.sum().backward()
    assert np.all(np.isfinite(out.detach().numpy())) and np.all(np.isfinite(x.grad.numpy()))
