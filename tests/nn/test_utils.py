"""nn.utils: gradient clipping and parameter/vector conversion, against PyTorch."""

import contextlib
import math
import warnings

import numpy as np
import pytest

import autograd
import nn
from nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters
from tests.helpers.torch_ref import need_torch


def _params_with_grads(torch, scale=1.0):
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    values = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [rng.standard_normal(s).astype(np.float32) * scale for s in shapes]
    ours, theirs = [], []
    for v, g in zip(values, grads):
        p = nn.Parameter(autograd.tensor(v))
        p.grad = autograd.tensor(g)
        ours.append(p)
        if torch is not None:
            tp = torch.nn.Parameter(torch.tensor(v))
            tp.grad = torch.tensor(g)
            theirs.append(tp)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = need_torch()
    ours, theirs = _params_with_grads(torch)
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, autograd.Tensor) and total.shape == ()
    np.testing.assert_allclose(float(total), float(ttotal), rtol=1e-5)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_single_tensor_and_missing_grads():
    p = nn.Parameter(autograd.tensor([3.0, 4.0]))
    p.grad = autograd.tensor([3.0, 4.0])
    q = nn.Parameter(autograd.ones(2))
    total = clip_grad_norm_(p, 1.0)
    assert float(total) == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    assert float(clip_grad_norm_([q], 1.0)) == 0.0


def test_clip_grad_norm_nonfinite():
    p = nn.Parameter(autograd.ones(2))
    p.grad = autograd.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert math.isinf(float(clip_grad_norm_([p], 1.0)))


def test_clip_grad_value_matches_torch():
    torch = need_torch()
    ours, theirs = _params_with_grads(torch)
    clip_grad_value_(ours, 0.3)
    torch.nn.utils.clip_grad_value_(theirs, 0.3)
    for p, tp in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())


def test_clipping_records_nothing():
    p = nn.Parameter(autograd.ones(3))
    (p * 5).sum().backward()
    clip_grad_norm_([p], 0.1)
    assert p.grad.grad_fn is None and not p.grad.requires_grad


def test_parameters_to_vector_and_back():
    torch = need_torch()
    net = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    net.load_state_dict({k: v.detach().numpy() for k, v in tnet.state_dict().items()})
    vec = parameters_to_vector(net.parameters())
    np.testing.assert_array_equal(
        vec.detach().numpy(),
        torch.nn.utils.parameters_to_vector(tnet.parameters()).detach().numpy())
    vector_to_parameters(vec * 0 + 2, net.parameters())
    assert all(np.all(p.detach().numpy() == 2) for p in net.parameters())
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        vector_to_parameters([1.0], net.parameters())
    with pytest.raises(RuntimeError, match="26 elements"):
        vector_to_parameters(autograd.zeros(5), net.parameters())


def test_parameters_to_vector_is_differentiable():
    a, b = nn.Parameter(autograd.ones(2)), nn.Parameter(autograd.ones(3))
    (parameters_to_vector([a, b]) * autograd.arange(5.0)).sum().backward()
    assert a.grad.tolist() == [0.0, 1.0] and b.grad.tolist() == [2.0, 3.0, 4.0]


def _normed_pair(torch, kind, make):
    ours, theirs = make(nn), make(torch.nn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        getattr(nn.utils, kind)(ours)
        getattr(torch.nn.utils, kind)(theirs)
    return ours, theirs


@pytest.mark.parametrize("kind", ["weight_norm", "spectral_norm"])
@pytest.mark.parametrize("make", [lambda lib: lib.Linear(4, 3),
                                  lambda lib: lib.Conv2d(2, 3, 3),
                                  lambda lib: lib.ConvTranspose2d(2, 3, 3)],
                         ids=["linear", "conv", "conv_transpose"])
def test_weight_and_spectral_norm_match_torch(kind, make):
    torch = need_torch()
    from tests.nn.layer_check import module_parity, random_arrays

    ours, theirs = _normed_pair(torch, kind, make)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    shape = (2, 4) if isinstance(ours, nn.Linear) else (2, 2, 5, 5)
    for train in (True, True, False):  # two power iterations, then eval
        module_parity(ours, theirs, random_arrays([shape]), train=train)
        for name, buf in ours.named_buffers():
            np.testing.assert_allclose(buf.numpy(), dict(theirs.named_buffers())[name].numpy(),
                                       rtol=1e-4, atol=1e-6)
        ours.zero_grad()
        theirs.zero_grad()


def test_remove_weight_and_spectral_norm_keep_the_effective_weight():
    autograd.manual_seed(0)
    for kind, remove in [("weight_norm", nn.utils.remove_weight_norm),
                         ("spectral_norm", nn.utils.remove_spectral_norm)]:
        layer = nn.Linear(4, 3)
        with pytest.warns(FutureWarning) if kind == "weight_norm" else contextlib.nullcontext():
            getattr(nn.utils, kind)(layer)
        x = autograd.randn(2, 4)
        layer.eval()
        before = layer(x).detach().numpy()
        remove(layer)
        assert list(layer.state_dict()) == ["bias", "weight"]
        assert isinstance(layer.weight, nn.Parameter) and not layer._forward_pre_hooks
        np.testing.assert_allclose(layer(x).detach().numpy(), before, rtol=1e-5)
        with pytest.raises(ValueError, match="not found"):
            remove(layer)


def test_functional_call_swaps_parameters_and_restores_them():
    torch = need_torch()
    from nn.utils.stateless import functional_call

    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    weights = {k: v.detach().numpy() for k, v in tnet.state_dict().items()}
    original = net[0].weight
    params = {k: autograd.tensor(v, requires_grad=True) for k, v in weights.items()}
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    out = functional_call(net, params, (autograd.tensor(x),))
    np.testing.assert_allclose(out.detach().numpy(), tnet(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert params["0.weight"].grad is not None and original.grad is None
    assert net[0].weight is original and list(net.state_dict()) == list(weights)


def test_functional_call_ties_weights_and_checks_strictly():
    from nn.utils.stateless import functional_call

    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2, bias=False)
            self.b = nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    m = Tied()
    out = functional_call(m, {"a.weight": autograd.eye(2)}, autograd.ones(1, 2))
    assert out.tolist() == [[1.0, 1.0]]
    with pytest.raises(RuntimeError, match=r"Unexpected key\(s\): 'c'.*\n.*Missing key\(s\): "
                                           r"'a.weight', 'b.weight'"):
        functional_call(m, {"c": autograd.ones(1)}, autograd.ones(1, 2), strict=True)


def test_a_parameter_takes_one_weight_or_spectral_norm():
    layer = nn.utils.spectral_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(layer)


@pytest.mark.parametrize("kind", ["weight_norm", "spectral_norm"])
@pytest.mark.parametrize("make", [lambda lib: lib.Linear(4, 3),
                                  lambda lib: lib.Conv2d(2, 3, 3),
                                  lambda lib: lib.ConvTranspose2d(2, 3, 3)],
                         ids=["linear", "conv", "conv_transpose"])
def test_parametrizations_match_torch(kind, make):
    torch = need_torch()
    from tests.nn.layer_check import module_parity, random_arrays

    ours, theirs = make(nn), make(torch.nn)
    getattr(nn.utils.parametrizations, kind)(ours)
    getattr(torch.nn.utils.parametrizations, kind)(theirs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    shape = (2, 4) if isinstance(ours, nn.Linear) else (2, 2, 5, 5)
    for train in (True, True, False):
        module_parity(ours, theirs, random_arrays([shape]), train=train)
        ours.zero_grad()
        theirs.zero_grad()


def test_register_and_remove_a_custom_parametrization():
    from nn.utils import parametrize

    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(-1, -2)

    layer = nn.Linear(3, 3)
    original = layer.weight
    other = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Symmetric())
    assert type(layer).__name__ == "ParametrizedLinear" and type(other) is nn.Linear
    assert parametrize.is_parametrized(layer) and not parametrize.is_parametrized(layer, "bias")
    assert layer.parametrizations.weight.original is original
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original"]
    w = layer.weight.detach().numpy()
    np.testing.assert_array_equal(w, w.T)
    layer(autograd.randn(2, 3)).sum().backward()
    assert original.grad is not None
    with parametrize.cached():
        assert layer.weight is layer.weight
    parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and layer.weight is original
    np.testing.assert_array_equal(layer.weight.detach().numpy(), w)
    with pytest.raises(ValueError, match="does not have a parametrization"):
        parametrize.remove_parametrizations(layer, "weight")


def test_weight_norm_parametrization_removed_keeps_the_weight():
    layer = nn.utils.parametrizations.weight_norm(nn.Linear(4, 3))
    x = autograd.randn(2, 4)
    before = layer(x).detach().numpy()
    nn.utils.parametrize.remove_parametrizations(layer, "weight")
    assert list(layer.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(layer(x).detach().numpy(), before, rtol=1e-5)
