"""The shared Optimizer behaviour: groups, lazy state, zero_grad, closures, state_dict, errors."""

import numpy as np
import pytest

import autograd
import optim
from tests.helpers.torch_ref import need_torch


def _param(*shape, value=1.0):
    return autograd.full(shape or (2,), value, requires_grad=True)


def _quadratic_step(opt, params):
    opt.zero_grad()
    loss = sum(((p - 3.0) ** 2).sum() for p in params)
    loss.backward()
    opt.step()
    return loss


# ---------------------------------------------------------------- construction errors
def test_a_parameter_listed_twice_is_refused():
    p = _param()
    with pytest.raises(ValueError, match="same parameter more than once"):
        optim.SGD([p, p], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def test_non_tensor_and_non_leaf_parameters_are_refused():
    with pytest.raises(TypeError, match="can only optimize Tensors.*list"):
        optim.Adam([_param(), [1.0, 2.0]])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.Adam([_param() * 2])
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.Adam(_param())
    with pytest.raises(TypeError, match="ordered collections"):
        optim.Adam([{"params": {_param()}}])
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD([p], lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda p: optim.Adam([p], lr=-1e-3), "Invalid learning rate"),
    (lambda p: optim.SGD([{"params": [p], "lr": -1.0}], lr=0.1), "Invalid learning rate"),
    (lambda p: optim.SGD([p], lr=0.1, momentum=-0.5), "Invalid momentum value"),
    (lambda p: optim.SGD([p], lr=0.1, nesterov=True), "Nesterov momentum requires"),
    (lambda p: optim.Adam([p], betas=(1.0, 0.9)), "Invalid beta parameter at index 0"),
    (lambda p: optim.Adam([p], betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
    (lambda p: optim.Adam([p], eps=-1.0), "Invalid epsilon value"),
    (lambda p: optim.AdamW([p], weight_decay=-1.0), "Invalid weight_decay value"),
    (lambda p: optim.Adadelta([p], rho=1.5), "Invalid rho value"),
    (lambda p: optim.Optimizer([p], {"lr": optim.required}), "required optimization parameter"),
])
def test_invalid_options_are_refused_with_torch_messages(make, message):
    with pytest.raises(ValueError, match=message):
        make(_param())


def test_sgd_lr_is_required_only_through_defaults():
    assert optim.SGD([_param()]).param_groups[0]["lr"] == 1e-3


# ---------------------------------------------------------------- groups and stepping
def test_group_options_fall_back_to_defaults_and_add_param_group_works():
    a, b, c = _param(), _param(), _param()
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": [c], "momentum": 0.0})
    lrs = [g["lr"] for g in opt.param_groups]
    assert lrs == [0.1, 0.5, 0.1] and opt.param_groups[2]["momentum"] == 0.0
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    _quadratic_step(opt, [a, b, c])
    # p - lr * 2 * (p - 3) with p = 1
    assert a.tolist() == pytest.approx([1.4, 1.4]) and b.tolist() == pytest.approx([3.0, 3.0])


def test_parameters_without_grad_are_skipped_and_get_no_state():
    a, b = _param(), _param()
    opt = optim.Adam([a, b], lr=0.1)
    (a * a).sum().backward()
    opt.step()
    assert b.tolist() == [1.0, 1.0] and b not in opt.state and len(opt.state) == 1
    assert set(opt.state[a]) == {"step", "exp_avg", "exp_avg_sq"}
    assert opt.state[a]["step"].item() == 1.0


def test_updates_are_in_place_and_not_recorded():
    p = _param(3)
    data, version = p._data, p._version
    opt = optim.Adam([p], lr=0.1)
    _quadratic_step(opt, [p])
    assert p._data is data and p._version > version
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


def test_zero_grad_sets_none_by_default_or_zeroes_in_place():
    p = _param()
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_step_with_closure_reevaluates_and_returns_the_loss():
    p = _param()
    opt = optim.SGD([p], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        loss = ((p - 3.0) ** 2).sum()
        loss.backward()
        calls.append(autograd.is_grad_enabled())
        return loss

    with autograd.no_grad():
        loss = opt.step(closure)
    assert calls == [True] and loss.item() == pytest.approx(8.0)
    assert p.tolist() == pytest.approx([2.0, 2.0])


def test_maximize_climbs_the_objective():
    p = _param()
    opt = optim.SGD([p], lr=0.1, maximize=True)
    (-(p - 3.0) ** 2).sum().backward()
    opt.step()
    assert p.tolist() == pytest.approx([1.4, 1.4])


def test_step_hooks_run_around_the_update_and_can_be_removed():
    p = _param()
    opt = optim.SGD([p], lr=0.1)
    seen = []
    pre = opt.register_step_pre_hook(lambda o, a, k: seen.append(("pre", p.tolist()[0])))
    opt.register_step_post_hook(lambda o, a, k: seen.append(("post", p.tolist()[0])))
    _quadratic_step(opt, [p])
    pre.remove()
    _quadratic_step(opt, [p])
    assert [s[0] for s in seen] == ["pre", "post", "post"] and seen[0][1] == 1.0


def test_named_parameters_record_param_names():
    a, b = _param(), _param()
    opt = optim.SGD([("w", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]


# ---------------------------------------------------------------- state_dict
def test_state_dict_layout_matches_torch():
    torch = need_torch()
    ours = [_param(2), _param(3)]
    theirs = [torch.full((2,), 1.0, requires_grad=True), torch.full((3,), 1.0, requires_grad=True)]
    opt = optim.Adam([{"params": [ours[0]]}, {"params": [ours[1]], "lr": 0.5}], amsgrad=True)
    ref = torch.optim.Adam([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": 0.5}],
                           amsgrad=True)
    _quadratic_step(opt, ours)
    ref.zero_grad()
    sum(((p - 3.0) ** 2).sum() for p in theirs).backward()
    ref.step()
    sd, ref_sd = opt.state_dict(), ref.state_dict()
    assert sd["param_groups"] == ref_sd["param_groups"]
    assert sd["state"].keys() == ref_sd["state"].keys()
    for key in ref_sd["state"]:
        assert sd["state"][key].keys() == ref_sd["state"][key].keys()
        for name, value in ref_sd["state"][key].items():
            np.testing.assert_allclose(sd["state"][key][name].numpy(), value.numpy(), rtol=1e-6)
            ours = sd["state"][key][name].dtype
            assert str(ours) == str(value.dtype).replace("torch.", "autograd.")


def test_load_state_dict_copies_and_casts_state_to_the_parameter_dtype():
    p32 = _param(2)
    opt = optim.SGD([p32], lr=0.1, momentum=0.9)
    _quadratic_step(opt, [p32])
    p64 = autograd.ones(2, dtype=autograd.float64, requires_grad=True)
    other = optim.SGD([p64], lr=0.7, momentum=0.1)
    other.load_state_dict(opt.state_dict())
    buf = other.state[p64]["momentum_buffer"]
    assert buf.dtype == autograd.float64 and other.param_groups[0]["lr"] == 0.1
    assert buf._data is not opt.state[p32]["momentum_buffer"]._data
    assert other.param_groups[0]["params"][0] is p64


def test_load_state_dict_refuses_a_different_layout():
    opt = optim.SGD([_param(), _param()], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(optim.SGD([{"params": [_param()]}, {"params": [_param()]}],
                                      lr=0.1).state_dict())
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict(optim.SGD([_param()], lr=0.1).state_dict())


def test_adagrad_creates_its_state_at_construction_like_torch():
    p = _param()
    opt = optim.Adagrad([p], initial_accumulator_value=0.5)
    assert opt.state[p]["sum"].tolist() == [0.5, 0.5] and opt.state[p]["step"].item() == 0.0


def test_repr_lists_each_group_like_torch():
    text = repr(optim.SGD([_param()], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in text
    assert text.endswith(")")
