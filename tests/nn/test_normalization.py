"""Normalisation layers against PyTorch: outputs, gradients, running statistics, modes."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.layer_check import module_gradcheck, module_parity, random_arrays
from tests.nn.torch_weights import close


def _buffers_close(ours, theirs):
    theirs_buffers = dict(theirs.named_buffers())
    for name, buf in ours.named_buffers():
        close(buf, theirs_buffers[name], what=name)


BATCH_NORMS = [
    ("BatchNorm1d", {}, (6, 3)), ("BatchNorm1d", {}, (4, 3, 5)),
    ("BatchNorm2d", {}, (4, 3, 2, 5)), ("BatchNorm3d", {}, (2, 3, 2, 3, 2)),
    ("BatchNorm1d", {"momentum": None}, (6, 3)), ("BatchNorm1d", {"affine": False}, (6, 3)),
    ("BatchNorm2d", {"track_running_stats": False}, (4, 3, 2, 2)),
    ("BatchNorm1d", {"bias": False}, (6, 3)), ("BatchNorm1d", {"eps": 1e-2, "momentum": 0.5},
                                               (5, 3)),
]


@pytest.mark.parametrize("name,kwargs,shape", BATCH_NORMS,
                         ids=[f"{n}-{k}-{s}" for n, k, s in BATCH_NORMS])
def test_batch_norm_matches_torch_in_train_and_eval(name, kwargs, shape):
    torch = need_torch()
    ours, theirs = getattr(nn, name)(3, **kwargs), getattr(torch.nn, name)(3, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for step in range(3):
        x = random_arrays([shape], seed=step)[0] * (step + 1) + step
        if step == 0:
            module_parity(ours, theirs, [x], train=True)
        else:
            close(ours(autograd.tensor(x)), theirs(torch.tensor(x)))
        _buffers_close(ours, theirs)
    module_parity(ours, theirs, random_arrays([shape], seed=9), train=False)
    _buffers_close(ours, theirs)


def test_batch_norm_buffers_and_num_batches_tracked():
    bn = nn.BatchNorm1d(4)
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                  "num_batches_tracked"]
    assert bn.num_batches_tracked.dtype == autograd.int64
    bn(autograd.randn(8, 4))
    bn(autograd.randn(8, 4))
    assert int(bn.num_batches_tracked) == 2
    bn.eval()(autograd.randn(8, 4))
    assert int(bn.num_batches_tracked) == 2
    bn.reset_running_stats()
    assert int(bn.num_batches_tracked) == 0 and float(bn.running_var.sum()) == 4


def test_batch_norm_loads_checkpoints_without_num_batches_tracked():
    torch = need_torch()
    theirs = torch.nn.BatchNorm1d(3)
    state = {k: v.numpy() for k, v in theirs.state_dict().items() if "num_batches" not in k}
    ours = nn.BatchNorm1d(3)
    result = ours.load_state_dict(state)
    assert result.missing_keys == [] and int(ours.num_batches_tracked) == 0
    assert theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()}).missing_keys \
        == []


def test_batch_norm_running_var_is_unbiased():
    bn = nn.BatchNorm1d(1, momentum=1.0)
    x = autograd.tensor([[1.0], [2.0], [3.0], [6.0]])
    bn(x)
    assert float(bn.running_var[0]) == pytest.approx(np.var([1, 2, 3, 6], ddof=1), rel=1e-6)
    assert float(bn.running_mean[0]) == pytest.approx(3.0)


def test_batch_norm_eval_uses_running_stats():
    bn = nn.BatchNorm1d(2).eval()
    with autograd.no_grad():
        bn.running_mean.copy_(autograd.tensor([1.0, -1.0]))
        bn.running_var.copy_(autograd.tensor([4.0, 0.25]))
    out = bn(autograd.tensor([[3.0, 0.0]])).detach().numpy()
    np.testing.assert_allclose(out, [[2 / np.sqrt(4 + 1e-5), 1 / np.sqrt(0.25 + 1e-5)]],
                               rtol=1e-5)


def test_batch_norm_gradcheck():
    assert module_gradcheck(nn.BatchNorm1d(3), random_arrays([(5, 3)]))
    assert module_gradcheck(nn.BatchNorm2d(2), random_arrays([(3, 2, 2, 2)]))


def test_batch_norm_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected 2D or 3D input \(got 4D"):
        nn.BatchNorm1d(3)(autograd.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4D input"):
        nn.BatchNorm2d(3)(autograd.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected input with 3 channels.*\(2, 4\)"):
        nn.BatchNorm1d(3)(autograd.randn(2, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(autograd.randn(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(autograd.randn(2, 4), autograd.zeros(3), autograd.ones(3))


def test_batch_norm_double_keeps_num_batches_tracked_integer():
    bn = nn.BatchNorm1d(2).double()
    assert bn.running_mean.dtype == autograd.float64
    assert bn.num_batches_tracked.dtype == autograd.int64


LAYER_NORMS = [((4,), {}, (3, 4)), ((3, 4), {}, (2, 3, 4)), (4, {"elementwise_affine": False},
                                                                 (5, 4)),
               (4, {"bias": False}, (2, 2, 4)), ((4,), {"eps": 0.1}, (3, 4))]


@pytest.mark.parametrize("shape_arg,kwargs,shape", LAYER_NORMS)
def test_layer_norm_matches_torch(shape_arg, kwargs, shape):
    torch = need_torch()
    ours, theirs = nn.LayerNorm(shape_arg, **kwargs), torch.nn.LayerNorm(shape_arg, **kwargs)
    assert repr(ours) == repr(theirs)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn(p.shape))
    module_parity(ours, theirs, random_arrays([shape]))


def test_layer_norm_gradcheck_and_error():
    assert module_gradcheck(nn.LayerNorm(4), random_arrays([(3, 4)]))
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[5\], expected input with shape "
                                           r"\[\*, 5\], but got input of size\[3, 4\]"):
        nn.LayerNorm(5)(autograd.randn(3, 4))


@pytest.mark.parametrize("groups,channels,kwargs,shape", [
    (2, 4, {}, (3, 4, 5)), (1, 4, {}, (2, 4, 2, 2)), (4, 4, {"affine": False}, (2, 4, 3)),
    (2, 6, {"bias": False}, (2, 6))])
def test_group_norm_matches_torch(groups, channels, kwargs, shape):
    torch = need_torch()
    ours = nn.GroupNorm(groups, channels, **kwargs)
    theirs = torch.nn.GroupNorm(groups, channels, **kwargs)
    assert repr(ours) == repr(theirs)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn(p.shape))
    module_parity(ours, theirs, random_arrays([shape]))


def test_group_norm_gradcheck_and_errors():
    assert module_gradcheck(nn.GroupNorm(2, 4), random_arrays([(2, 4, 3)]))
    with pytest.raises(ValueError, match=r"num_channels \(4\) must be divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(RuntimeError, match=r"GroupNorm: expected input of shape \(N, 4, \*\)"):
        nn.GroupNorm(2, 4)(autograd.randn(3, 6, 5))


INSTANCE_NORMS = [
    ("InstanceNorm1d", {}, (3, 4, 5)), ("InstanceNorm1d", {}, (4, 5)),
    ("InstanceNorm2d", {"affine": True}, (2, 4, 3, 3)),
    ("InstanceNorm2d", {"track_running_stats": True}, (2, 4, 3, 3)),
    ("InstanceNorm1d", {"affine": True, "track_running_stats": True, "momentum": 0.3},
     (3, 4, 5)),
    ("InstanceNorm3d", {}, (2, 4, 2, 2, 3)),
]


@pytest.mark.parametrize("name,kwargs,shape", INSTANCE_NORMS,
                         ids=[f"{n}-{k}-{s}" for n, k, s in INSTANCE_NORMS])
def test_instance_norm_matches_torch(name, kwargs, shape):
    torch = need_torch()
    ours, theirs = getattr(nn, name)(4, **kwargs), getattr(torch.nn, name)(4, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    module_parity(ours, theirs, random_arrays([shape]), train=True)
    _buffers_close(ours, theirs)
    module_parity(ours, theirs, random_arrays([shape], seed=3), train=False)


def test_instance_norm_gradcheck_and_errors():
    assert module_gradcheck(nn.InstanceNorm1d(2, affine=True), random_arrays([(2, 2, 4)]))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D"):
        nn.InstanceNorm1d(3)(autograd.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="to match num_features"):
        nn.InstanceNorm1d(4, affine=True)(autograd.randn(2, 3, 5))
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm1d(4)(autograd.randn(2, 3, 5))


@pytest.mark.parametrize("size,shape", [(2, (2, 5, 3)), (3, (2, 4, 3, 3)), (5, (1, 3, 4))])
def test_local_response_norm_matches_torch(size, shape):
    torch = need_torch()
    ours = nn.LocalResponseNorm(size, alpha=0.1, beta=0.6, k=2.0)
    theirs = torch.nn.LocalResponseNorm(size, alpha=0.1, beta=0.6, k=2.0)
    assert repr(ours) == repr(theirs)
    module_parity(ours, theirs, random_arrays([shape]))


def test_local_response_norm_gradcheck():
    assert module_gradcheck(nn.LocalResponseNorm(3), random_arrays([(2, 4, 3)]))


def test_functional_norms_keep_float32():
    x = autograd.randn(4, 3, 5)
    assert F.layer_norm(x, (5,)).dtype == autograd.float32
    assert F.group_norm(x, 3).dtype == autograd.float32
    assert F.instance_norm(x).dtype == autograd.float32
    assert F.batch_norm(x, None, None, training=True).dtype == autograd.float32


@pytest.mark.parametrize("shape_arg,kwargs,shape", [(4, {}, (3, 4)), ((2, 4), {"eps": 1e-3},
                                                                       (3, 2, 4)),
                                                    (4, {"elementwise_affine": False}, (2, 4))])
def test_rms_norm_matches_torch(shape_arg, kwargs, shape):
    torch = need_torch()
    ours, theirs = nn.RMSNorm(shape_arg, **kwargs), torch.nn.RMSNorm(shape_arg, **kwargs)
    assert repr(ours) == repr(theirs)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn(p.shape))
    module_parity(ours, theirs, random_arrays([shape]))
    assert module_gradcheck(nn.RMSNorm(shape_arg, **kwargs), random_arrays([shape]))
