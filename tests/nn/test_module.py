"""Module: registration by attribute, traversal, modes, state_dict, hooks, conversion, repr."""

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
from tests.helpers.torch_ref import need_torch


class Affine(nn.Module):
    """A tiny layer built from a Parameter, a buffer and a non-persistent buffer."""

    def __init__(self, n_in=3, n_out=2):
        super().__init__()
        self.weight = nn.Parameter(autograd.randn(n_out, n_in))
        self.bias = nn.Parameter(autograd.zeros(n_out))
        self.register_buffer("steps", autograd.tensor(0))
        self.register_buffer("scratch", autograd.zeros(2), persistent=False)

    def forward(self, x):
        return x @ self.weight.t() + self.bias


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Affine(3, 4)
        self.act = nn.ReLU()
        self.second = Affine(4, 2)

    def forward(self, x):
        return self.second(self.act(self.first(x)))


# ---------------------------------------------------------------- registration
def test_parameters_buffers_and_children_register_on_assignment():
    m = Affine()
    assert list(m._parameters) == ["weight", "bias"]
    assert list(m._buffers) == ["steps", "scratch"]
    net = Net()
    assert list(dict(net.named_children())) == ["first", "act", "second"]
    assert [n for n, _ in net.named_parameters()] == [
        "first.weight", "first.bias", "second.weight", "second.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "first.steps", "first.scratch", "second.steps", "second.scratch"]


def test_parameter_defaults_and_repr():
    p = nn.Parameter(autograd.ones(2))
    assert p.requires_grad and p.is_leaf and isinstance(p, autograd.Tensor)
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert str(p) == repr(p)
    assert not nn.Parameter(autograd.ones(2), requires_grad=False).requires_grad
    assert (p * 2).__class__ is autograd.Tensor


def test_parameter_shares_the_wrapped_tensor_data():
    t = autograd.zeros(3)
    p = nn.Parameter(t)
    assert p._data is t._data


def test_assigning_none_to_a_parameter_keeps_the_slot():
    m = Affine()
    m.bias = None
    assert "bias" in m._parameters and m.bias is None
    assert [n for n, _ in m.named_parameters()] == ["weight"]


def test_assigning_a_tensor_to_a_parameter_slot_is_refused():
    m = Affine()
    with pytest.raises(TypeError, match="bias"):
        m.bias = autograd.zeros(2)


def test_reassigning_a_buffer_keeps_it_a_buffer():
    m = Affine()
    m.steps = autograd.tensor(5)
    assert "steps" in m._buffers and int(m.steps) == 5
    m.scratch = autograd.ones(2)
    assert "scratch" in m._non_persistent_buffers_set


def test_delattr_unregisters():
    net = Net()
    del net.act
    del net.first.bias
    assert "act" not in net._modules
    assert "first.bias" not in dict(net.named_parameters())
    with pytest.raises(AttributeError):
        _ = net.act


def test_attribute_error_names_the_class():
    with pytest.raises(AttributeError, match="'Affine' object has no attribute 'nope'"):
        _ = Affine().nope


def test_registration_errors():
    m = Affine()
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", autograd.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_parameter("forward", nn.Parameter(autograd.zeros(1)))
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        m.register_parameter("w2", autograd.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("child", 3)


def test_assignment_before_init_is_an_error():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(autograd.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_register_module_and_get_submodule_parameter_buffer():
    net = Net()
    net.register_module("extra", Affine(2, 2))
    assert net.get_submodule("extra") is net.extra
    assert net.get_submodule("") is net
    assert net.get_parameter("first.weight") is net.first.weight
    assert net.get_buffer("second.steps") is net.second.steps
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("first.nope")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        net.get_parameter("first.steps")


def test_shared_parameters_are_listed_once_unless_asked():
    tied = Affine(3, 3)
    tied.other = tied.weight
    assert len(list(tied.parameters())) == 2
    names = [n for n, _ in tied.named_parameters(remove_duplicate=False)]
    assert names == ["weight", "bias", "other"]


def test_named_parameters_prefix_and_recurse():
    net = Net()
    assert [n for n, _ in net.named_parameters(prefix="model")][0] == "model.first.weight"
    assert list(net.named_parameters(recurse=False)) == []
    assert len(list(net.first.parameters(recurse=False))) == 2


def test_modules_and_named_modules_are_depth_first():
    net = Net()
    names = [n for n, _ in net.named_modules()]
    assert names == ["", "first", "act", "second"]
    seq = nn.Sequential(net, nn.Sequential(nn.ReLU()))
    assert [n for n, _ in seq.named_modules()] == [
        "", "0", "0.first", "0.act", "0.second", "1", "1.0"]
    shared = nn.ReLU()
    twice = nn.Sequential(shared, shared)
    assert len(list(twice.modules())) == 2
    assert len(list(twice.named_modules(remove_duplicate=False))) == 3


def test_dir_lists_registered_names():
    names = dir(Net())
    assert {"first", "act", "second", "forward", "training"} <= set(names)


# ---------------------------------------------------------------- modes, grads, apply
def test_train_eval_propagate():
    net = Net()
    assert net.training and net.first.training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError):
        net.train("yes")


def test_zero_grad_and_requires_grad_():
    net = Net()
    net(autograd.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_before_parent():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Affine", "ReLU", "Affine", "Net"]


def test_double_float_half_convert_floats_only_and_keep_parameter_objects():
    net = Net()
    weight = net.first.weight
    net.double()
    assert net.first.weight is weight and weight.dtype == autograd.float64
    assert net.first.steps.dtype == autograd.int64
    assert net(autograd.randn(2, 3, dtype=autograd.float64)).dtype == autograd.float64
    net.to(autograd.float32)
    assert weight.dtype == autograd.float32
    net.half()
    assert weight.dtype == autograd.float16
    net.float()
    assert net.to("cpu") is net and net.cpu() is net
    assert net.to("cpu", autograd.float64).first.weight.dtype == autograd.float64
    with pytest.raises(TypeError, match="floating point"):
        net.to(autograd.int64)
    with pytest.raises(RuntimeError):
        net.to("cuda")


# ---------------------------------------------------------------- state dict
def test_state_dict_keys_order_and_detached_values():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["first.weight", "first.bias", "first.steps", "second.weight",
                        "second.bias", "second.steps"]
    assert not sd["first.weight"].requires_grad
    assert sd["first.weight"]._data is net.first.weight._data
    kept = net.state_dict(keep_vars=True)
    assert kept["first.weight"] is net.first.weight
    assert list(net.state_dict(prefix="m."))[0] == "m.first.weight"


def test_load_state_dict_round_trip_and_numpy_values():
    src, dst = Net(), Net()
    result = dst.load_state_dict(src.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    x = autograd.randn(4, 3)
    np.testing.assert_array_equal(src(x).detach().numpy(), dst(x).detach().numpy())
    arrays = {k: np.asarray(v.numpy()) * 2 for k, v in src.state_dict().items()}
    weight = dst.first.weight
    dst.load_state_dict(arrays)
    assert dst.first.weight is weight
    np.testing.assert_array_equal(weight.detach().numpy(), arrays["first.weight"])


def test_load_state_dict_copies_rather_than_aliases():
    src, dst = Affine(), Affine()
    dst.load_state_dict(src.state_dict())
    with autograd.no_grad():
        src.weight.mul_(0)
    assert float(dst.weight.abs().sum()) > 0


def test_load_state_dict_strict_errors_name_keys():
    net = Net()
    sd = net.state_dict()
    del sd["first.bias"]
    sd["first.extra"] = autograd.zeros(1)
    sd["nothing.here"] = autograd.zeros(1)
    with pytest.raises(RuntimeError) as info:
        Net().load_state_dict(sd)
    text = str(info.value)
    assert text.startswith("Error(s) in loading state_dict for Net:")
    assert 'Missing key(s) in state_dict: "first.bias".' in text
    # torch's order: each module reports its own unexpected keys, the root first
    assert 'Unexpected key(s) in state_dict: "nothing.here", "first.extra".' in text
    result = Net().load_state_dict(sd, strict=False)
    assert result.missing_keys == ["first.bias"]
    assert result.unexpected_keys == ["nothing.here", "first.extra"]


def test_load_state_dict_shape_mismatch_is_atomic():
    net = Net()
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    sd = Net().state_dict()
    sd["second.weight"] = autograd.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"size mismatch for second.weight: copying a param "
                                           r"with shape \(3, 4\) from checkpoint, the shape in "
                                           r"current model is \(2, 4\)"):
        net.load_state_dict(sd)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    with pytest.raises(RuntimeError, match="size mismatch"):
        net.load_state_dict(sd, strict=False)


def test_load_state_dict_rejects_non_tensor_values():
    sd = Affine().state_dict()
    sd["weight"] = "abc"
    with pytest.raises(RuntimeError, match='parameter named "weight"'):
        Affine().load_state_dict(sd)


def test_load_state_dict_assign_replaces_parameters():
    src, dst = Affine(), Affine()
    old = dst.weight
    dst.load_state_dict(src.state_dict(), assign=True)
    assert dst.weight is not old and isinstance(dst.weight, nn.Parameter)
    assert dst.weight.requires_grad


def test_load_state_dict_casts_to_the_parameter_dtype():
    m = Affine().double()
    m.load_state_dict(Affine().state_dict())
    assert m.weight.dtype == autograd.float64


def test_non_persistent_buffers_are_not_saved():
    assert "scratch" not in Affine().state_dict()


# ---------------------------------------------------------------- hooks and calling
def test_forward_pre_hook_can_replace_args_and_is_removable():
    m = Affine()
    calls = []

    def pre(module, args):
        calls.append(args[0].shape)
        return (args[0] * 0,)

    handle = m.register_forward_pre_hook(pre)
    out = m(autograd.ones(1, 3))
    assert calls == [(1, 3)]
    np.testing.assert_array_equal(out.detach().numpy(), m.bias.detach().numpy()[None])
    handle.remove()
    m(autograd.ones(1, 3))
    assert len(calls) == 1


def test_forward_hook_sees_output_and_can_replace_it():
    m = Affine()
    seen = []
    h1 = m.register_forward_hook(lambda mod, args, out: seen.append((mod, out.shape)))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 0)
    out = m(autograd.randn(4, 3))
    assert seen == [(m, (4, 2))]
    assert float(out.abs().sum()) == 0
    h1.remove()
    h2.remove()
    assert float(m(autograd.ones(1, 3)).abs().sum()) > 0


def test_hooks_with_kwargs_and_prepend_order():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    order = []
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}),
                                with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: order.append(kwargs["factor"]),
                            with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: order.append("first"), prepend=True)
    out = m(autograd.ones(2))
    assert out.tolist() == [3.0, 3.0]
    assert order == ["first", 3.0]


def test_always_call_hooks_run_when_forward_raises():
    m = Affine()
    seen = []
    m.register_forward_hook(lambda mod, args, out: seen.append(("always", out)), always_call=True)
    m.register_forward_hook(lambda mod, args, out: seen.append(("normal", out)))
    with pytest.raises(RuntimeError):
        m(autograd.ones(1, 5))
    assert seen == [("always", None)]


def test_handle_is_a_context_manager():
    m = Affine()
    seen = []
    with m.register_forward_hook(lambda *a: seen.append(1)):
        m(autograd.ones(1, 3))
    m(autograd.ones(1, 3))
    assert seen == [1]


def test_global_forward_hooks_see_every_module():
    from nn.module import register_module_forward_hook

    seen = []
    with register_module_forward_hook(lambda mod, args, out: seen.append(type(mod).__name__)):
        Net()(autograd.ones(1, 3))
    assert seen == ["Affine", "ReLU", "Affine", "Net"]


def test_full_backward_hook_receives_input_and_output_grads():
    m = Affine()
    captured = {}

    def hook(module, grad_input, grad_output):
        captured["in"] = grad_input
        captured["out"] = grad_output
        return (grad_input[0] * 2,)

    m.register_full_backward_hook(hook)
    x = autograd.randn(5, 3, requires_grad=True)
    m(x).sum().backward()
    assert captured["out"][0].shape == (5, 2)
    expected = np.ones((5, 2), np.float32) @ m.weight.detach().numpy()
    np.testing.assert_allclose(captured["in"][0].numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), 2 * expected, rtol=1e-6)


def test_full_backward_hook_without_input_grads():
    m = Affine()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go[0].shape)))
    m(autograd.randn(2, 3)).sum().backward()
    assert seen == [((None,), (2, 2))]


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(autograd.ones(1))


# ---------------------------------------------------------------- repr and copying
def test_repr_nested_like_torch():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
            self.head = nn.Linear(4, 2, bias=False)

    assert repr(Block()) == (
        "Block(\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (head): Linear(in_features=4, out_features=2, bias=False)\n"
        ")")


def test_repr_matches_torch_for_a_nested_model():
    torch = need_torch()
    import torch.nn as tnn

    ours = nn.Sequential(OrderedDict(
        conv=nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1)), act=nn.LeakyReLU(0.2),
        norm=nn.LayerNorm(3), head=nn.ModuleList([nn.Linear(3, 3) for _ in range(2)])))
    theirs = tnn.Sequential(OrderedDict(
        conv=tnn.Sequential(tnn.Linear(2, 3), tnn.Dropout(0.1)), act=tnn.LeakyReLU(0.2),
        norm=tnn.LayerNorm(3), head=tnn.ModuleList([tnn.Linear(3, 3) for _ in range(2)])))
    assert torch is not None
    assert repr(ours) == repr(theirs)


def test_deepcopy_makes_independent_parameters():
    net = Net()
    clone = copy.deepcopy(net)
    assert clone.first.weight is not net.first.weight
    assert isinstance(clone.first.weight, nn.Parameter)
    x = autograd.randn(2, 3)
    np.testing.assert_array_equal(clone(x).detach().numpy(), net(x).detach().numpy())
    with autograd.no_grad():
        clone.first.weight.mul_(0)
    assert float(net.first.weight.abs().sum()) > 0


def test_pickle_round_trip():
    net = Net()
    again = pickle.loads(pickle.dumps(net))
    x = autograd.randn(2, 3)
    np.testing.assert_array_equal(again(x).detach().numpy(), net(x).detach().numpy())
    assert isinstance(again.first.weight, nn.Parameter)


# ---------------------------------------------------------------- torch parity
def test_torch_state_dict_loads_unchanged_and_gives_same_outputs():
    torch = need_torch()
    import torch.nn as tnn

    theirs = tnn.Sequential(tnn.Linear(4, 8), tnn.BatchNorm1d(8), tnn.ReLU(),
                            tnn.Linear(8, 3))
    ours = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.train()(torch.randn(16, 4))  # move the running statistics away from 0 / 1
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(autograd.tensor(x)).detach().numpy(),
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname and p.shape == tuple(tp.shape)
