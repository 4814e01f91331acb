"""LBFGS against PyTorch on the Rosenbrock function, with and without the strong-Wolfe line
search, over several step(closure) calls; state_dict resume; errors."""

import io

import numpy as np
import pytest

import autograd
import optim
from tests.helpers.torch_ref import need_torch

START = [np.array([-1.2, 1.0, -0.5, 0.8, 1.5]), np.array([[0.3, -0.7]])]


def _rosenbrock(x, w):
    head, tail = x[:-1], x[1:]
    return (100 * (tail - head * head) ** 2 + (1 - head) ** 2).sum() + ((w - 0.5) ** 4).sum()


def _run(lib, make_param, options, steps):
    params = [make_param(v.copy()) for v in START]
    opt = lib.optim.LBFGS(params, **options) if lib is not None else optim.LBFGS(params, **options)
    losses = []

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(*params)
        loss.backward()
        return loss

    trace = []
    for _ in range(steps):
        losses.append(opt.step(closure).item())
        trace.append([p.detach().numpy().copy() for p in params])
    return losses, trace, opt, params, closure


@pytest.mark.parametrize("options", [dict(lr=0.5, max_iter=5), dict(line_search_fn="strong_wolfe"),
                                     dict(line_search_fn="strong_wolfe", history_size=3,
                                          max_iter=7)])
def test_lbfgs_matches_torch_on_rosenbrock(options):
    torch = need_torch()
    ours = _run(None, lambda v: autograd.tensor(v, requires_grad=True), options, steps=4)
    theirs = _run(torch, lambda v: torch.tensor(v, requires_grad=True), options, steps=4)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-7, atol=1e-10)
    for step, (a, b) in enumerate(zip(ours[1], theirs[1])):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-7, atol=1e-9, err_msg=f"step {step}")
    assert ours[2].state[ours[3][0]]["func_evals"] == theirs[2].state[theirs[3][0]]["func_evals"]


def test_lbfgs_with_line_search_solves_rosenbrock():
    losses, _, _, params, _ = _run(None, lambda v: autograd.tensor(v, requires_grad=True),
                                   dict(line_search_fn="strong_wolfe", max_iter=50), steps=5)
    assert losses[-1] < 1e-6 < losses[0]
    np.testing.assert_allclose(params[0].detach().numpy(), np.ones(5), atol=1e-3)


def test_lbfgs_resumes_bit_identically_from_a_saved_state():
    options = dict(line_search_fn="strong_wolfe", max_iter=4, history_size=5)
    _, _, opt, params, closure = _run(None, lambda v: autograd.tensor(v, requires_grad=True),
                                      options, steps=2)
    buffer = io.BytesIO()
    autograd.save(opt.state_dict(), buffer)
    buffer.seek(0)
    copies = [autograd.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    resumed = optim.LBFGS(copies, **options)
    resumed.load_state_dict(autograd.load(buffer))

    def closure_copy():
        resumed.zero_grad()
        loss = _rosenbrock(*copies)
        loss.backward()
        return loss

    for _ in range(2):
        opt.step(closure)
        resumed.step(closure_copy)
    for a, b in zip(params, copies):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_lbfgs_refuses_groups_and_unknown_line_search():
    a, b = autograd.zeros(2, requires_grad=True), autograd.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    with pytest.raises(ValueError, match="strong_wolfe"):
        optim.LBFGS([a], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="closure"):
        optim.LBFGS([a]).step(None)
