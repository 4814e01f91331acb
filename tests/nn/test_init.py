"""nn.init: gains, distributions and their scales, seeding, generators, structured fills."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import init
from tests.helpers.torch_ref import need_torch


def test_calculate_gain_matches_torch():
    torch = need_torch()
    for name, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                        ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                        ("selu", None), ("conv_transpose1d", None)]:
        assert init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param))
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_uniform_and_normal_moments():
    autograd.manual_seed(0)
    u = init.uniform_(autograd.empty(100000), -2.0, 4.0).numpy()
    assert u.min() >= -2 and u.max() < 4 and abs(u.mean() - 1) < 0.03
    n = init.normal_(autograd.empty(100000), 3.0, 0.5).numpy()
    assert abs(n.mean() - 3) < 0.01 and abs(n.std() - 0.5) < 0.01


def test_fills_run_without_recording_on_parameters():
    p = nn.Parameter(autograd.empty(3, 4))
    for fill in (lambda t: init.uniform_(t), lambda t: init.normal_(t),
                 lambda t: init.constant_(t, 0.3), init.ones_, init.zeros_, init.eye_,
                 init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_,
                 init.kaiming_normal_, init.orthogonal_, lambda t: init.trunc_normal_(t)):
        out = fill(p)
        assert out is p and p.is_leaf and p.requires_grad and p.grad_fn is None


def test_constant_ones_zeros_eye():
    t = autograd.empty(2, 3)
    assert init.constant_(t, 0.5).tolist() == [[0.5] * 3] * 2
    assert init.ones_(t).tolist() == [[1.0] * 3] * 2
    assert init.zeros_(t).tolist() == [[0.0] * 3] * 2
    np.testing.assert_array_equal(init.eye_(t).numpy(), np.eye(2, 3))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye_(autograd.empty(2, 2, 2))


@pytest.mark.parametrize("shape", [(300, 200), (64, 32, 3, 3)])
def test_xavier_scales(shape):
    autograd.manual_seed(1)
    fan_in = shape[1] * int(np.prod(shape[2:]))
    fan_out = shape[0] * int(np.prod(shape[2:]))
    std = 1.5 * math.sqrt(2.0 / (fan_in + fan_out))
    w = init.xavier_uniform_(autograd.empty(*shape), gain=1.5).numpy()
    assert np.abs(w).max() <= math.sqrt(3) * std
    assert abs(w.std() - std) < 0.03 * std
    w = init.xavier_normal_(autograd.empty(*shape), gain=1.5).numpy()
    assert abs(w.std() - std) < 0.03 * std


@pytest.mark.parametrize("mode,nonlinearity,a", [("fan_in", "relu", 0), ("fan_out", "relu", 0),
                                                 ("fan_in", "leaky_relu", 0.1),
                                                 ("fan_in", "linear", 0)])
def test_kaiming_scales_follow_he(mode, nonlinearity, a):
    autograd.manual_seed(2)
    shape = (200, 100, 3)
    fan = 100 * 3 if mode == "fan_in" else 200 * 3
    std = init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    w = init.kaiming_normal_(autograd.empty(*shape), a=a, mode=mode,
                             nonlinearity=nonlinearity).numpy()
    assert abs(w.std() - std) < 0.03 * std
    w = init.kaiming_uniform_(autograd.empty(*shape), a=a, mode=mode,
                              nonlinearity=nonlinearity).numpy()
    assert np.abs(w).max() <= math.sqrt(3) * std and abs(w.std() - std) < 0.03 * std


def test_kaiming_relu_is_the_notes_sqrt_two_over_n():
    autograd.manual_seed(0)
    n = 500
    w = init.kaiming_normal_(autograd.empty(400, n), nonlinearity="relu").numpy()
    assert abs(w.std() - math.sqrt(2 / n)) < 0.02 * math.sqrt(2 / n)


def test_fan_errors_and_empty_tensors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(autograd.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(autograd.empty(3, 3), mode="fan_avg")
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(autograd.empty(0, 3))


def test_trunc_normal_stays_in_bounds_with_the_right_spread():
    autograd.manual_seed(3)
    w = init.trunc_normal_(autograd.empty(200000), mean=1.0, std=2.0, a=-1.0, b=2.0).numpy()
    assert w.min() >= -1.0 and w.max() <= 2.0
    # the truncated normal's mean: mu + sigma (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha))
    alpha, beta = (-1.0 - 1.0) / 2.0, (2.0 - 1.0) / 2.0
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    expected = 1.0 + 2.0 * (pdf(alpha) - pdf(beta)) / (cdf(beta) - cdf(alpha))
    assert abs(w.mean() - expected) < 0.01


def test_orthogonal_rows_or_columns_are_orthonormal():
    autograd.manual_seed(4)
    w = init.orthogonal_(autograd.empty(6, 4), gain=2.0).numpy().astype(np.float64)
    np.testing.assert_allclose(w.T @ w, 4 * np.eye(4), atol=1e-5)
    w = init.orthogonal_(autograd.empty(3, 2, 4)).numpy().reshape(3, 8).astype(np.float64)
    np.testing.assert_allclose(w @ w.T, np.eye(3), atol=1e-5)


def test_dirac_makes_an_identity_convolution_kernel():
    w = init.dirac_(autograd.empty(4, 2, 3, 3), groups=2).numpy()
    assert w.sum() == 4
    assert w[0, 0, 1, 1] == 1 and w[1, 1, 1, 1] == 1 and w[2, 0, 1, 1] == 1
    with pytest.raises(ValueError):
        init.dirac_(autograd.empty(3, 3))


def test_sparse_zeroes_a_fraction_of_each_column():
    autograd.manual_seed(5)
    w = init.sparse_(autograd.empty(10, 6), sparsity=0.3, std=0.1).numpy()
    assert np.all((w == 0).sum(0) >= 3)


def test_init_follows_manual_seed_and_generator():
    autograd.manual_seed(7)
    a = init.normal_(autograd.empty(5)).numpy().copy()
    autograd.manual_seed(7)
    np.testing.assert_array_equal(a, init.normal_(autograd.empty(5)).numpy())
    g1, g2 = autograd.Generator().manual_seed(3), autograd.Generator().manual_seed(3)
    np.testing.assert_array_equal(init.xavier_uniform_(autograd.empty(3, 4), generator=g1).numpy(),
                                  init.xavier_uniform_(autograd.empty(3, 4), generator=g2).numpy())


def test_init_keeps_dtype():
    t = autograd.empty(3, 3, dtype=autograd.float64)
    for fill in (init.xavier_uniform_, init.kaiming_normal_, init.orthogonal_):
        assert fill(t).dtype == autograd.float64
