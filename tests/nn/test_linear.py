"""Linear, Bilinear, Identity, Flatten, Unflatten."""

import math

import numpy as np
import pytest

import autograd
import nn
from tests.helpers.torch_ref import need_torch
from tests.nn.layer_check import module_gradcheck, module_parity, random_arrays


@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3)])
def test_linear_matches_torch(shape):
    torch = need_torch()
    module_parity(nn.Linear(3, 4), torch.nn.Linear(3, 4), random_arrays([shape]))


def test_linear_without_bias_matches_torch():
    torch = need_torch()
    ours = nn.Linear(3, 2, bias=False)
    assert list(ours.state_dict()) == ["weight"] and ours.bias is None
    module_parity(ours, torch.nn.Linear(3, 2, bias=False), random_arrays([(4, 3)]))


def test_linear_gradcheck():
    assert module_gradcheck(nn.Linear(3, 2), random_arrays([(4, 3)]))


def test_linear_parameter_shapes_and_init_bounds():
    autograd.manual_seed(0)
    layer = nn.Linear(50, 30)
    assert layer.weight.shape == (30, 50) and layer.bias.shape == (30,)
    bound = 1 / math.sqrt(50)
    w = layer.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    # kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)): variance bound^2 / 3
    assert abs(w.var() - bound**2 / 3) < 0.15 * bound**2 / 3
    assert np.abs(layer.bias.detach().numpy()).max() <= bound


def test_linear_init_follows_manual_seed():
    autograd.manual_seed(3)
    a = nn.Linear(4, 4).weight.detach().numpy().copy()
    autograd.manual_seed(3)
    b = nn.Linear(4, 4).weight.detach().numpy()
    np.testing.assert_array_equal(a, b)


def test_linear_dtype_argument():
    layer = nn.Linear(2, 3, dtype=autograd.float64)
    assert layer.weight.dtype == autograd.float64 and layer.bias.dtype == autograd.float64


def test_linear_wrong_last_dim_names_layer_and_shapes():
    with pytest.raises(RuntimeError, match=r"Linear: expected input with last dimension 784 "
                                           r"\(in_features\), got input of shape \(32, 100\)"):
        nn.Linear(784, 10)(autograd.randn(32, 100))


def test_functional_linear_wrong_shape():
    with pytest.raises(RuntimeError, match=r"linear: .*last dimension 3.*\(2, 4\)"):
        nn.functional.linear(autograd.randn(2, 4), autograd.randn(5, 3))


def test_linear_repr_matches_torch():
    torch = need_torch()
    assert repr(nn.Linear(3, 4)) == repr(torch.nn.Linear(3, 4))
    assert repr(nn.Linear(3, 4, bias=False)) == repr(torch.nn.Linear(3, 4, bias=False))


def test_bilinear_matches_torch():
    torch = need_torch()
    ours, theirs = nn.Bilinear(3, 2, 4), torch.nn.Bilinear(3, 2, 4)
    assert repr(ours) == repr(theirs)
    module_parity(ours, theirs, random_arrays([(5, 3), (5, 2)]))
    module_parity(nn.Bilinear(3, 2, 4, bias=False), torch.nn.Bilinear(3, 2, 4, bias=False),
                  random_arrays([(2, 6, 3), (2, 6, 2)]))


def test_bilinear_gradcheck_and_shape_error():
    assert module_gradcheck(nn.Bilinear(2, 3, 2), random_arrays([(3, 2), (3, 3)]))
    with pytest.raises(RuntimeError, match="bilinear"):
        nn.Bilinear(2, 3, 2)(autograd.randn(3, 2), autograd.randn(3, 4))


def test_identity_passes_input_through_and_ignores_args():
    x = autograd.randn(2, 3)
    assert nn.Identity(54, unused="x")(x) is x
    assert repr(nn.Identity()) == "Identity()"


def test_flatten_and_unflatten_match_torch():
    torch = need_torch()
    x = random_arrays([(2, 3, 4, 5)])[0]
    for ours, theirs in [(nn.Flatten(), torch.nn.Flatten()),
                         (nn.Flatten(0, 2), torch.nn.Flatten(0, 2)),
                         (nn.Unflatten(1, (3, 1)), torch.nn.Unflatten(1, (3, 1))),
                         (nn.Unflatten(-1, (5, -1)), torch.nn.Unflatten(-1, (5, -1)))]:
        out = ours(autograd.tensor(x))
        assert out.shape == tuple(theirs(torch.tensor(x)).shape)
        assert repr(ours) == repr(theirs)
    with pytest.raises(RuntimeError, match="Unflatten"):
        nn.Unflatten(1, (2, 2))(autograd.tensor(x))


def test_flatten_gradient_flows():
    x = autograd.randn(2, 3, 4, requires_grad=True)
    nn.Flatten()(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3, 4), np.float32))


def test_lazy_linear_infers_in_features_and_becomes_linear():
    torch = need_torch()
    lazy = nn.LazyLinear(3)
    assert repr(lazy) == repr(torch.nn.LazyLinear(3))
    assert list(lazy.state_dict()) == ["weight", "bias"]
    weight = lazy.weight
    autograd.manual_seed(0)
    out = lazy(autograd.randn(2, 5))
    assert type(lazy) is nn.Linear and lazy.in_features == 5 and out.shape == (2, 3)
    assert lazy.weight is weight and type(weight) is nn.Parameter
    assert repr(lazy) == repr(torch.nn.Linear(5, 3)) and not lazy._forward_pre_hooks
    assert np.abs(weight.detach().numpy()).max() <= 1 / math.sqrt(5)
    out.sum().backward()
    assert weight.grad.shape == (3, 5)


def test_lazy_linear_takes_its_shape_from_a_loaded_state_dict():
    torch = need_torch()
    theirs = torch.nn.Linear(4, 2, bias=False)
    lazy = nn.LazyLinear(2, bias=False)
    lazy.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = random_arrays([(3, 4)])[0]
    np.testing.assert_allclose(lazy(autograd.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(lazy) is nn.Linear and lazy.in_features == 4
