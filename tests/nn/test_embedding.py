"""Embedding and EmbeddingBag: lookups, padding rows, max_norm, frequency scaling, errors."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, load_from_torch

INDICES = np.array([[1, 2, 4, 1], [4, 3, 2, 0]], np.int64)


def _parity(ours, theirs, indices=INDICES, **call):
    torch = need_torch()
    load_from_torch(ours, theirs)
    out = ours(autograd.tensor(indices), **call)
    tout = theirs(torch.tensor(indices), **call)
    close(out, tout, what="output")
    g = np.random.default_rng(0).standard_normal(tuple(tout.shape)).astype(np.float32)
    (out * autograd.tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    close(ours.weight.grad, theirs.weight.grad, what="weight grad")
    close(ours.weight, theirs.weight, what="weight after forward")


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 2}, {"padding_idx": -1},
                                    {"scale_grad_by_freq": True},
                                    {"max_norm": 1.0}, {"max_norm": 0.5, "norm_type": 1.0},
                                    {"padding_idx": 1, "scale_grad_by_freq": True}])
def test_embedding_matches_torch(kwargs):
    torch = need_torch()
    ours, theirs = nn.Embedding(5, 3, **kwargs), torch.nn.Embedding(5, 3, **kwargs)
    assert repr(ours) == repr(theirs)
    _parity(ours, theirs)


def test_embedding_init_is_standard_normal_with_zero_padding_row():
    autograd.manual_seed(0)
    emb = nn.Embedding(1000, 16, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert not np.any(w[3])
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    assert nn.Embedding(5, 2, padding_idx=-2).padding_idx == 3


def test_padding_row_gets_no_gradient():
    emb = nn.Embedding(4, 2, padding_idx=0)
    emb(autograd.tensor([0, 1, 0])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[0], [0.0, 0.0])
    np.testing.assert_array_equal(emb.weight.grad.numpy()[1], [1.0, 1.0])


def test_embedding_output_shape_and_dtype():
    emb = nn.Embedding(10, 4)
    assert emb(autograd.tensor([[1, 2, 3]])).shape == (1, 3, 4)
    assert emb(autograd.tensor(7)).shape == (4,)
    assert emb(autograd.tensor([1], dtype=autograd.int32)).dtype == autograd.float32


def test_embedding_errors_name_indices_and_shapes():
    emb = nn.Embedding(5, 3)
    with pytest.raises(IndexError, match=r"index 5 is out of range for 5 embeddings"):
        emb(autograd.tensor([0, 5]))
    with pytest.raises(IndexError, match="index -1"):
        emb(autograd.tensor([-1]))
    with pytest.raises(RuntimeError, match="int64 or int32.*float32"):
        emb(autograd.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 3, padding_idx=5)
    with pytest.raises(ValueError, match="sparse"):
        nn.Embedding(5, 3, sparse=True)


def test_from_pretrained_freezes_and_keeps_values():
    torch = need_torch()
    table = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    emb = nn.Embedding.from_pretrained(autograd.tensor(table), padding_idx=1)
    ref = torch.nn.Embedding.from_pretrained(torch.tensor(table), padding_idx=1)
    assert repr(emb) == repr(ref)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(autograd.tensor([1, 2])).numpy(), table[[1, 2]])
    assert nn.Embedding.from_pretrained(autograd.tensor(table), freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(autograd.zeros(3))


def test_functional_embedding_gradcheck():
    # padding_idx and scale_grad_by_freq change the gradient on purpose, so only the plain
    # lookup is a true derivative
    w = autograd.randn(5, 3, dtype=autograd.float64, requires_grad=True)
    idx = autograd.tensor(INDICES)
    assert autograd.gradcheck(lambda t: F.embedding(idx, t), (w,))
    assert autograd.gradgradcheck(lambda t: F.embedding(idx, t) ** 2, (w,))


def test_embedding_state_dict_keys_match_torch():
    torch = need_torch()
    assert list(nn.Embedding(3, 2).state_dict()) == list(torch.nn.Embedding(3, 2).state_dict())


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_torch(mode):
    torch = need_torch()
    ours, theirs = nn.EmbeddingBag(6, 3, mode=mode), torch.nn.EmbeddingBag(6, 3, mode=mode)
    assert repr(ours) == repr(theirs)
    load_from_torch(ours, theirs)
    flat = np.array([1, 2, 4, 5, 4, 3, 2, 0], np.int64)
    offsets = np.array([0, 2, 5], np.int64)
    out = ours(autograd.tensor(flat), autograd.tensor(offsets))
    tout = theirs(torch.tensor(flat), torch.tensor(offsets))
    close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    close(ours.weight.grad, theirs.weight.grad)
    close(ours(autograd.tensor(INDICES)), theirs(torch.tensor(INDICES)))
