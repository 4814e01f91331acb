"""nn.functional: distances and norms, functional forms of layers, exported names."""

import importlib

import numpy as np
import pytest

import autograd
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close

RNG = np.random.default_rng(0)


def _pair(torch, *shape, zero_row=False):
    a = RNG.standard_normal(shape).astype(np.float32)
    if zero_row:
        a[0] = 0
    return autograd.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _grads_close(pairs, ours, theirs):
    ours.sum().backward()
    theirs.sum().backward()
    for i, (a, b) in enumerate(pairs):
        close(a.grad, b.grad, what=f"grad {i}")


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 0), (3.0, -1), (float("inf"), 1)])
def test_normalize_matches_torch_including_zero_rows(p, dim):
    torch = need_torch()
    a, ta = _pair(torch, 3, 4, zero_row=True)
    out = F.normalize(a, p=p, dim=dim)
    tout = torch.nn.functional.normalize(ta, p=p, dim=dim)
    close(out, tout)
    _grads_close([(a, ta)], out * out.detach(), tout * tout.detach())


@pytest.mark.parametrize("shape1,shape2,dim", [((4, 3), (4, 3), 1), ((2, 3, 4), (2, 3, 4), 0),
                                               ((4, 3), (1, 3), 1), ((5,), (5,), 0)])
def test_cosine_similarity_matches_torch(shape1, shape2, dim):
    torch = need_torch()
    a, ta = _pair(torch, *shape1)
    b, tb = _pair(torch, *shape2)
    out = F.cosine_similarity(a, b, dim=dim)
    tout = torch.nn.functional.cosine_similarity(ta, tb, dim=dim)
    close(out, tout)
    _grads_close([(a, ta), (b, tb)], out, tout)


def test_cosine_similarity_of_a_zero_vector_is_zero_with_finite_grads():
    torch = need_torch()
    a, ta = _pair(torch, 2, 3, zero_row=True)
    b, tb = _pair(torch, 2, 3)
    out = F.cosine_similarity(a, b)
    tout = torch.nn.functional.cosine_similarity(ta, tb)
    close(out, tout)
    _grads_close([(a, ta), (b, tb)], out, tout)


@pytest.mark.parametrize("p,keepdim", [(2.0, False), (1.0, True), (3.0, False)])
def test_pairwise_distance_matches_torch(p, keepdim):
    torch = need_torch()
    a, ta = _pair(torch, 5, 3)
    b, tb = _pair(torch, 5, 3)
    out = F.pairwise_distance(a, b, p=p, keepdim=keepdim)
    tout = torch.nn.functional.pairwise_distance(ta, tb, p=p, keepdim=keepdim)
    close(out, tout)
    _grads_close([(a, ta), (b, tb)], out, tout)


@pytest.mark.parametrize("p", [2.0, 1.0])
def test_pdist_matches_torch(p):
    torch = need_torch()
    a, ta = _pair(torch, 5, 3)
    out = F.pdist(a, p)
    tout = torch.nn.functional.pdist(ta, p)
    close(out, tout)
    _grads_close([(a, ta)], out, tout)


def test_distances_gradcheck():
    a = autograd.randn(3, 4, dtype=autograd.float64, requires_grad=True)
    b = autograd.randn(3, 4, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda x, y: F.cosine_similarity(x, y), (a, b))
    assert autograd.gradcheck(lambda x, y: F.pairwise_distance(x, y), (a, b))
    assert autograd.gradcheck(lambda x: F.normalize(x, dim=0), (a,))
    assert autograd.gradcheck(lambda x: F.pdist(x), (a,))


def test_one_hot_is_reexported():
    out = F.one_hot(autograd.tensor([0, 2, 1]), 3)
    assert out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert out.dtype == autograd.int64


def test_functional_batch_norm_updates_given_running_stats():
    torch = need_torch()
    x = RNG.standard_normal((6, 3)).astype(np.float32)
    rm, rv = autograd.zeros(3), autograd.ones(3)
    trm, trv = torch.zeros(3), torch.ones(3)
    out = F.batch_norm(autograd.tensor(x), rm, rv, training=True, momentum=0.3)
    tout = torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.3)
    close(out, tout)
    close(rm, trm)
    close(rv, trv)


def test_functional_instance_norm_and_group_norm_match_torch():
    torch = need_torch()
    x = RNG.standard_normal((2, 4, 5)).astype(np.float32)
    tf = torch.nn.functional
    close(F.instance_norm(autograd.tensor(x)), tf.instance_norm(torch.tensor(x)))
    close(F.group_norm(autograd.tensor(x), 2), tf.group_norm(torch.tensor(x), 2))
    close(F.layer_norm(autograd.tensor(x), (4, 5)), tf.layer_norm(torch.tensor(x), (4, 5)))
    close(F.local_response_norm(autograd.tensor(x), 3),
          tf.local_response_norm(torch.tensor(x), 3))


def test_every_listed_name_exists_in_torch_functional():
    torch = need_torch()
    for kind in ("activation", "distance", "dropout", "embedding", "linear", "loss",
                 "normalization"):
        module = importlib.import_module(f"nn.functional.{kind}")
        for name in module.__all__:
            assert hasattr(torch.nn.functional, name), name
            assert getattr(F, name) is getattr(module, name)


def test_distance_modules_match_torch():
    torch = need_torch()
    a, ta = _pair(torch, 4, 3)
    b, tb = _pair(torch, 4, 3)
    import nn

    for ours, theirs in [(nn.PairwiseDistance(p=1.0, keepdim=True),
                          torch.nn.PairwiseDistance(p=1.0, keepdim=True)),
                         (nn.CosineSimilarity(dim=0), torch.nn.CosineSimilarity(dim=0))]:
        assert repr(ours) == repr(theirs)
        close(ours(a, b), theirs(ta, tb))


def test_gumbel_softmax_samples_and_hard_straight_through():
    autograd.manual_seed(0)
    logits = autograd.tensor([[2.0, 0.0, -1.0]]).expand(20000, 3)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(1).numpy(), np.ones(20000), rtol=1e-5)
    x = autograd.tensor([[2.0, 0.0, -1.0]], requires_grad=True)
    hard = F.gumbel_softmax(x.expand(20000, 3), hard=True)
    values = hard.detach().numpy()
    assert set(np.unique(values)) == {0.0, 1.0} and np.all(values.sum(1) == 1)
    # argmax of logits + Gumbel noise is a sample of softmax(logits)
    expected = np.exp([2.0, 0.0, -1.0]) / np.exp([2.0, 0.0, -1.0]).sum()
    np.testing.assert_allclose(values.mean(0), expected, atol=0.02)
    (hard * autograd.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())) and np.any(x.grad.numpy() != 0)


def test_pad_is_reexported():
    out = F.pad(autograd.ones(2, 2), (1, 0), value=5.0)
    assert out.tolist() == [[5.0, 1.0, 1.0], [5.0, 1.0, 1.0]]


TARGET = autograd.tensor(RNG.uniform(0, 1, (3, 4)))


@pytest.mark.parametrize("name,fn", [
    ("layer_norm", lambda x: F.layer_norm(x, (4,))),
    ("batch_norm", lambda x: F.batch_norm(x, None, None, training=True)),
    ("group_norm", lambda x: F.group_norm(x.reshape(3, 4, 1), 2)),
    ("cross_entropy", lambda x: F.cross_entropy(x, autograd.tensor([0, 3, 1]))),
    ("bce_with_logits", lambda x: F.binary_cross_entropy_with_logits(x, TARGET)),
    ("gelu", lambda x: F.gelu(x)),
    ("normalize", lambda x: F.normalize(x)),
    ("pairwise_distance", lambda x: F.pairwise_distance(x, TARGET)),
])
def test_second_derivatives(name, fn):
    x = autograd.randn(3, 4, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradgradcheck(fn, (x,)), name
