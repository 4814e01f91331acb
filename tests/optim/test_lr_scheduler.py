"""Learning-rate schedulers step by step against PyTorch, including chaining, closed forms
(step(epoch)), momentum cycling, state_dict round trips and ReduceLROnPlateau."""

import io
import math
import warnings

import pytest

import autograd
import optim
from optim import lr_scheduler as S
from tests.helpers.torch_ref import need_torch


def _optimizers(torch, name="SGD", lrs=(0.1, 0.02), **options):
    """Ours and torch's optimizer over two single-tensor groups with the given lrs."""
    ours = [autograd.zeros(2, requires_grad=True), autograd.zeros(3, requires_grad=True)]
    theirs = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]

    def groups(params):
        return [dict(params=[p], lr=lr) for p, lr in zip(params, lrs)]

    return (getattr(optim, name)(groups(ours), **options),
            getattr(torch.optim, name)(groups(theirs), **options))


def _assert_same_schedule(opt, ref, sched, ref_sched, steps, metric=None, momentum=False):
    for i in range(steps):
        opt.step()
        ref.step()
        if metric is None:
            sched.step()
            ref_sched.step()
        else:
            sched.step(metric(i))
            ref_sched.step(metric(i))
        assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-12, abs=0)
        for g, rg in zip(opt.param_groups, ref.param_groups):
            assert g["lr"] == pytest.approx(rg["lr"], rel=1e-12, abs=0), f"step {i}"
            if momentum:
                key = "betas" if "betas" in g else "momentum"
                assert g[key] == pytest.approx(rg[key], rel=1e-12), f"step {i}"


SIMPLE = {
    "LambdaLR": dict(lr_lambda=lambda e: 0.95 ** e + 0.01 * (e % 3)),
    "MultiplicativeLR": dict(lr_lambda=lambda e: 0.9 if e % 2 else 1.05),
    "StepLR": dict(step_size=3, gamma=0.5),
    "MultiStepLR": dict(milestones=[2, 5, 5, 9], gamma=0.3),
    "ConstantLR": dict(factor=0.25, total_iters=4),
    "LinearLR": dict(start_factor=0.2, end_factor=0.9, total_iters=7),
    "ExponentialLR": dict(gamma=0.93),
    "PolynomialLR": dict(total_iters=8, power=2.0),
    "CosineAnnealingLR": dict(T_max=6, eta_min=0.001),
    "CosineAnnealingWarmRestarts": dict(T_0=3, T_mult=2, eta_min=0.002),
}


@pytest.mark.parametrize("name", sorted(SIMPLE))
def test_schedule_matches_torch_over_many_steps(name):
    torch = need_torch()
    opt, ref = _optimizers(torch)
    sched = getattr(S, name)(opt, **SIMPLE[name])
    ref_sched = getattr(torch.optim.lr_scheduler, name)(ref, **SIMPLE[name])
    assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-12)
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=40)


def test_cosine_annealing_keeps_its_recursive_form_past_t_max():
    torch = need_torch()
    opt, ref = _optimizers(torch, lrs=(1.0, 0.5))
    sched = S.CosineAnnealingLR(opt, T_max=4)
    ref_sched = torch.optim.lr_scheduler.CosineAnnealingLR(ref, T_max=4)
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=7)
    assert opt.param_groups[0]["lr"] > 0.8  # climbing again after the trough at T_max = 4
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=30)


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                  "LinearLR", "ConstantLR", "PolynomialLR"])
def test_closed_form_with_explicit_epoch_matches_torch(name):
    torch = need_torch()
    opt, ref = _optimizers(torch)
    sched = getattr(S, name)(opt, **SIMPLE[name])
    ref_sched = getattr(torch.optim.lr_scheduler, name)(ref, **SIMPLE[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 1, 7, 7, 12, 0, 5]:
            opt.step()
            ref.step()
            sched.step(epoch)
            ref_sched.step(epoch)
            assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-12)


def test_warm_restarts_with_fractional_epochs_matches_torch():
    torch = need_torch()
    opt, ref = _optimizers(torch)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=3)
    ref_sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(ref, T_0=2, T_mult=3)
    for epoch in [0.5, 1.25, 2.0, 3.7, 9.1, 20.0]:
        sched.step(epoch)
        ref_sched.step(epoch)
        assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-12)


@pytest.mark.parametrize("options", [dict(mode="triangular"), dict(mode="triangular2"),
                                     dict(mode="exp_range", gamma=0.97),
                                     dict(step_size_down=2, scale_fn=lambda x: 0.8 ** x,
                                          scale_mode="iterations")])
def test_cyclic_lr_and_its_momentum_match_torch(options):
    torch = need_torch()
    opt, ref = _optimizers(torch, momentum=0.9)
    kwargs = dict(base_lr=[0.01, 0.002], max_lr=0.1, step_size_up=5, **options)
    sched = S.CyclicLR(opt, **kwargs)
    ref_sched = torch.optim.lr_scheduler.CyclicLR(ref, **kwargs)
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=33, momentum=True)


@pytest.mark.parametrize("options", [dict(), dict(anneal_strategy="linear", pct_start=0.4),
                                     dict(three_phase=True, div_factor=10.0)])
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_one_cycle_matches_torch_including_momentum(options, optimizer):
    torch = need_torch()
    extra = dict(momentum=0.9) if optimizer == "SGD" else {}
    opt, ref = _optimizers(torch, optimizer, **extra)
    sched = S.OneCycleLR(opt, max_lr=[0.5, 0.1], total_steps=25, **options)
    ref_sched = torch.optim.lr_scheduler.OneCycleLR(ref, max_lr=[0.5, 0.1], total_steps=25,
                                                    **options)
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=24, momentum=True)
    opt.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 26 times"):
        sched.step()


def test_sequential_lr_matches_torch():
    torch = need_torch()
    opt, ref = _optimizers(torch)

    def build(mod, o):
        warm = mod.LinearLR(o, start_factor=0.1, total_iters=4)
        decay = mod.ExponentialLR(o, gamma=0.8)
        cosine = mod.CosineAnnealingLR(o, T_max=5)
        return mod.SequentialLR(o, [warm, decay, cosine], milestones=[4, 9])

    sched, ref_sched = build(S, opt), build(torch.optim.lr_scheduler, ref)
    assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-12)
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=20)


def test_chained_scheduler_matches_torch():
    torch = need_torch()
    opt, ref = _optimizers(torch)

    def build(mod, o):
        return mod.ChainedScheduler([mod.ConstantLR(o, factor=0.5, total_iters=3),
                                     mod.ExponentialLR(o, gamma=0.9),
                                     mod.StepLR(o, step_size=4, gamma=0.5)])

    sched, ref_sched = build(S, opt), build(torch.optim.lr_scheduler, ref)
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=15)


def test_two_schedulers_on_one_optimizer_compose_like_torch():
    torch = need_torch()
    opt, ref = _optimizers(torch)
    ours = [S.StepLR(opt, step_size=2, gamma=0.5), S.ExponentialLR(opt, gamma=0.9)]
    theirs = [torch.optim.lr_scheduler.StepLR(ref, step_size=2, gamma=0.5),
              torch.optim.lr_scheduler.ExponentialLR(ref, gamma=0.9)]
    for _ in range(9):
        opt.step()
        ref.step()
        for a, b in zip(ours, theirs):
            a.step()
            b.step()
        assert [g["lr"] for g in opt.param_groups] == pytest.approx(
            [g["lr"] for g in ref.param_groups], rel=1e-12)


@pytest.mark.parametrize("options", [
    dict(), dict(mode="max", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs"),
    dict(patience=2, cooldown=2, min_lr=[0.01, 0.0], eps=1e-3),
    dict(mode="max", threshold_mode="rel", patience=0)])
def test_reduce_on_plateau_matches_torch(options):
    torch = need_torch()
    opt, ref = _optimizers(torch)
    sched = S.ReduceLROnPlateau(opt, **options)
    ref_sched = torch.optim.lr_scheduler.ReduceLROnPlateau(ref, **options)
    losses = [1.0, 0.9, 0.95, 0.95, 0.97, 0.89, 0.9, 0.9, 0.91, 0.5, 0.6, 0.6, 0.6, 0.7] * 3
    _assert_same_schedule(opt, ref, sched, ref_sched, steps=len(losses),
                          metric=lambda i: losses[i])
    assert sched.num_bad_epochs == ref_sched.num_bad_epochs
    assert sched.best == ref_sched.best


def test_state_dict_round_trip_resumes_the_schedule():
    opt = optim.SGD([autograd.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=30)
    for _ in range(7):
        opt.step()
        sched.step()
    buffer = io.BytesIO()
    autograd.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, buffer)
    buffer.seek(0)
    saved = autograd.load(buffer)
    opt2 = optim.SGD([autograd.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
    opt2.load_state_dict(saved["opt"])
    sched2 = S.OneCycleLR(opt2, max_lr=1.0, total_steps=30, last_epoch=6)
    sched2.load_state_dict(saved["sched"])
    for _ in range(10):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]


def test_lambda_state_dict_skips_plain_functions_and_keeps_callable_objects():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate ** epoch

    decay = Decay()
    opt = optim.SGD([autograd.zeros(1, requires_grad=True)], lr=1.0)
    sched = S.LambdaLR(opt, [decay])
    decay.rate = 0.25
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.25}] and "optimizer" not in state
    other = Decay()
    sched2 = S.LambdaLR(optim.SGD([autograd.zeros(1, requires_grad=True)], lr=1.0), [other])
    sched2.load_state_dict(state)
    assert other.rate == 0.25
    assert S.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"] == [None]


def test_scheduler_errors_and_warnings():
    opt = optim.SGD([autograd.zeros(1, requires_grad=True)], lr=1.0)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        S.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas"):
        S.LambdaLR(opt, [lambda e: 1.0, lambda e: 1.0])
    with pytest.raises(ValueError, match="milestone"):
        S.SequentialLR(opt, [S.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(optim.SGD([autograd.zeros(1, requires_grad=True)], lr=1.0), 2, last_epoch=3)
    sched = S.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_get_last_lr_reports_every_group():
    opt = optim.SGD([dict(params=[autograd.zeros(1, requires_grad=True)], lr=1.0),
                     dict(params=[autograd.zeros(1, requires_grad=True)], lr=0.5)])
    sched = S.ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.5, 0.25]
    assert math.isclose(opt.param_groups[1]["initial_lr"], 0.5)


@pytest.mark.parametrize("build", [
    lambda o: S.MultiStepLR(o, [2, 4, 4], gamma=0.5),
    lambda o: S.ReduceLROnPlateau(o, patience=0),
    lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9),
    lambda o: S.SequentialLR(o, [S.ConstantLR(o, total_iters=2), S.StepLR(o, 2)], [3]),
    lambda o: S.ChainedScheduler([S.LinearLR(o), S.ExponentialLR(o, 0.9)]),
    lambda o: S.CosineAnnealingWarmRestarts(o, 3, T_mult=2),
], ids=["multistep", "plateau", "cyclic", "sequential", "chained", "warm-restarts"])
def test_scheduler_saved_with_autograd_save_resumes_identically(build):
    def make():
        return optim.SGD([autograd.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)

    def advance(o, s, i):
        o.step()
        s.step(1.0 / (1 + i % 3)) if isinstance(s, S.ReduceLROnPlateau) else s.step()

    opt = make()
    sched = build(opt)
    for i in range(4):
        advance(opt, sched, i)
    buffer = io.BytesIO()
    autograd.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, buffer)
    buffer.seek(0)
    saved = autograd.load(buffer)
    opt2 = make()
    sched2 = build(opt2)
    opt2.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    for i in range(4, 12):
        advance(opt, sched, i)
        advance(opt2, sched2, i)
        assert sched2.get_last_lr() == sched.get_last_lr()


def test_no_order_warning_for_a_custom_optimizer_with_its_own_step():
    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, dict(lr=lr))

        @autograd.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-group["lr"])

    p = autograd.ones(2, requires_grad=True)
    opt = PlainSGD([p], lr=0.5)
    sched = S.StepLR(opt, step_size=1, gamma=0.5)
    (p * p).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()
    assert p.tolist() == [0.0, 0.0] and opt.param_groups[0]["lr"] == 0.25
