"""The Tensor API outside the ops: construction, metadata, conversion, printing, creation ops."""

import copy

import numpy as np
import pytest

import autograd
from autograd import tensor
from tests.helpers.torch_ref import need_torch


def test_tensor_infers_dtypes_like_torch():
    assert tensor([1.0, 2.0]).dtype == autograd.float32
    assert tensor([1, 2]).dtype == autograd.int64
    assert tensor([True, False]).dtype == autograd.bool
    assert tensor([1, 2.5]).dtype == autograd.float32
    assert tensor(np.zeros(2)).dtype == autograd.float64
    assert tensor(3).dtype == autograd.int64 and tensor(3).shape == ()


def test_numpy_scalars_keep_their_dtype_like_torch():
    # np.float64 subclasses Python float, yet torch keeps float64 for it (and float32 for
    # np.float32, int32 for np.int32)
    assert tensor(np.float64(1.5)).dtype == autograd.float64
    assert tensor(np.float32(1.5)).dtype == autograd.float32
    assert tensor(np.int32(3)).dtype == autograd.int32
    torch = need_torch()
    for value in (np.float64(1.5), np.float32(1.5), np.int32(3), np.bool_(True)):
        assert tensor(value).dtype.name == str(torch.tensor(value).dtype).replace("torch.", "")


def test_metadata():
    x = autograd.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and x.size() == (2, 3, 4) and x.size(-1) == 4
    assert x.ndim == 3 and x.dim() == 3 and x.numel() == 24 and len(x) == 2
    assert x.device == "cpu" and str(x.device) == "cpu"
    assert x.is_leaf and not x.requires_grad and x.grad_fn is None
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.size(3)


def test_item_tolist_and_numpy():
    x = tensor([[1.5, 2.0]])
    assert x[0, 0].item() == 1.5
    assert x.tolist() == [[1.5, 2.0]]
    assert isinstance(x.numpy(), np.ndarray)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        x.item()


def test_numpy_refuses_tensors_that_require_grad():
    x = tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    with pytest.raises(RuntimeError, match="detach"):
        np.asarray(x)
    assert np.asarray(x.detach())[0] == 1.0


def test_requires_grad_only_on_floats():
    with pytest.raises(RuntimeError, match="floating point"):
        tensor([1, 2], requires_grad=True)


def test_detach_shares_data_and_clone_copies():
    x = tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d._data is x._data
    c = x.clone()
    assert c.requires_grad and c.grad_fn.name() == "CloneBackward0"
    assert c._data is not x._data


def test_conversions():
    x = tensor([1.7, -2.2])
    assert x.double().dtype == autograd.float64
    assert x.long().tolist() == [1, -2]
    assert x.int().dtype == autograd.int32
    assert x.bool().tolist() == [True, True]
    assert x.half().dtype == autograd.float16
    assert x.to(autograd.float64).dtype == autograd.float64
    assert x.to("cpu") is x
    assert x.type_as(tensor([1])).dtype == autograd.int64
    with pytest.raises(RuntimeError, match="CPU only"):
        x.to("cuda")


def test_bool_float_int_of_single_element():
    assert bool(tensor([1.0])) and not bool(tensor(0))
    assert float(tensor(2.5)) == 2.5 and int(tensor([3])) == 3
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(tensor([1.0, 2.0]))


def test_iteration_and_len():
    rows = list(tensor([[1, 2], [3, 4]]))
    assert [r.tolist() for r in rows] == [[1, 2], [3, 4]]
    with pytest.raises(TypeError):
        len(tensor(1.0))


def test_repr_like_torch():
    assert repr(tensor([1.0, 2.0, 3.0])) == "tensor([1., 2., 3.])"
    assert repr(tensor([0.1, 0.25])) == "tensor([0.1000, 0.2500])"
    assert repr(tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    x = tensor([2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([4.], grad_fn=<MulBackward0>)"
    assert repr(tensor([1.0], dtype=autograd.float64)) == "tensor([1.], dtype=autograd.float64)"


def test_deepcopy_of_leaf_copies_data_and_grad():
    x = tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    y = copy.deepcopy(x)
    assert y.requires_grad and y._data is not x._data
    np.testing.assert_array_equal(y.grad.numpy(), x.grad.numpy())


def test_creation_ops():
    assert autograd.zeros((2, 3)).shape == (2, 3)
    assert autograd.ones(2, dtype=autograd.int64).tolist() == [1, 1]
    assert autograd.full((2,), 7).dtype == autograd.int64
    assert autograd.full((2,), 7.0).dtype == autograd.float32
    assert autograd.eye(3).numpy().trace() == 3
    assert autograd.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert autograd.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert autograd.arange(0, 1, 0.25).dtype == autograd.float32
    assert autograd.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    x = autograd.randn(3, 4)
    assert autograd.zeros_like(x).shape == (3, 4) and autograd.ones_like(x).dtype == x.dtype
    assert sorted(autograd.randperm(6).tolist()) == list(range(6))
    r = autograd.randint(0, 3, (100,))
    assert r.dtype == autograd.int64 and set(r.tolist()) <= {0, 1, 2}
    u = autograd.rand(1000)
    assert 0 <= u.numpy().min() and u.numpy().max() < 1


def test_manual_seed_makes_random_ops_reproducible():
    autograd.manual_seed(123)
    a = [autograd.randn(3), autograd.rand(2), autograd.randint(0, 10, (4,)), autograd.randperm(5)]
    autograd.manual_seed(123)
    b = [autograd.randn(3), autograd.rand(2), autograd.randint(0, 10, (4,)), autograd.randperm(5)]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def test_generator_object_and_rng_state_round_trip():
    g = autograd.Generator().manual_seed(7)
    first = autograd.randn(4, generator=g)
    g.manual_seed(7)
    np.testing.assert_array_equal(first.numpy(), autograd.randn(4, generator=g).numpy())
    state = autograd.get_rng_state()
    x = autograd.rand(3)
    autograd.set_rng_state(state)
    np.testing.assert_array_equal(x.numpy(), autograd.rand(3).numpy())


def test_default_dtype_can_be_changed():
    autograd.set_default_dtype(autograd.float64)
    try:
        assert tensor([1.0]).dtype == autograd.float64
        assert autograd.randn(2).dtype == autograd.float64
    finally:
        autograd.set_default_dtype(autograd.float32)
    assert autograd.get_default_dtype() == autograd.float32


def test_python_scalars_do_not_upcast_float32():
    x = autograd.ones(3)
    assert (x * 2.5).dtype == autograd.float32
    assert (2.5 / x).dtype == autograd.float32
    assert (autograd.ones(3, dtype=autograd.int64) * 0.5).dtype == autograd.float32
    assert (autograd.ones(3, dtype=autograd.int64) / 2).dtype == autograd.float32


def test_torch_style_namespace_aliases():
    assert autograd.autograd.grad is autograd.grad
    assert autograd.autograd.Function is autograd.Function


def test_creation_matches_torch_defaults():
    torch = need_torch()
    for ours, theirs in [(autograd.arange(0, 1, 0.3), torch.arange(0, 1, 0.3)),
                         (autograd.linspace(-1, 1, 7), torch.linspace(-1, 1, 7)),
                         (autograd.eye(2, 3), torch.eye(2, 3))]:
        assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-7)


def test_numpy_scalars_act_like_python_numbers():
    x = autograd.randn(3)
    assert (x * np.float64(0.5)).dtype == autograd.float32
    assert (np.sqrt(2.0) * x).dtype == autograd.float32
    assert (autograd.ones(2, dtype=autograd.int64) * np.float64(2)).dtype == autograd.float32


def test_matmul_refuses_mixed_dtypes_like_torch():
    with pytest.raises(RuntimeError, match="same dtype.*float64 != (autograd.)?float32"):
        autograd.ones(2, 3, dtype=autograd.float64) @ autograd.ones(3, 4)


def test_data_is_a_detached_tensor_sharing_memory():
    w = tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, autograd.Tensor) and not d.requires_grad
    d.mul_(3)  # in place through .data: seen by w, not recorded
    assert w.tolist() == [3.0, 6.0] and w.grad_fn is None
    w.data = autograd.zeros(3)
    assert w.shape == (3,) and w.requires_grad
