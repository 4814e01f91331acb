"""Run one of our optimizers and the PyTorch one side by side from the same start.

Gradients come from a fixed nonlinear function of the current parameter values (computed in
numpy for both sides), so the comparison tests the update rules and nothing else, and any
divergence in the parameters feeds back into later gradients.
"""

from __future__ import annotations

import io

import numpy as np

import autograd
import optim

SHAPES = [(3, 4), (5,), ()]
TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-6)}


def start_values(dtype=np.float64, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.5, 1.5, size=shape).astype(dtype) for shape in SHAPES]


def gradient_of(value: np.ndarray, index: int, step: int) -> np.ndarray:
    """A deterministic, parameter-dependent gradient with a different offset per tensor."""
    return np.asarray(value ** 3 - 0.5 * value + (0.3 * (index + 1) - 0.1 * step), value.dtype)


def _ours_params(values):
    return [autograd.tensor(v.copy(), requires_grad=True) for v in values]


def _torch_params(torch, values):
    return [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in values]


def _groups(params, group_options):
    if group_options is None:
        return params
    return [dict(params=params[:2], **group_options[0]), dict(params=params[2:],
                                                             **group_options[1])]


def set_grads(params, step: int, skip: int | None = None, torch=None) -> None:
    for i, p in enumerate(params):
        if i == skip:
            p.grad = None
            continue
        value = p.detach().numpy()
        g = gradient_of(value, i, step)
        p.grad = torch.from_numpy(g) if torch is not None else autograd.tensor(g)


def compare_with_torch(torch, name: str, options: dict, *, steps: int = 8, dtype=np.float64,
                       group_options: list[dict] | None = None) -> None:
    """Step ours and torch's optimizer ``name`` and assert the parameters agree every step;
    tensor 1 gets no gradient on step 2 (it must be skipped)."""
    values = start_values(dtype)
    ours, theirs = _ours_params(values), _torch_params(torch, values)
    opt = getattr(optim, name)(_groups(ours, group_options), **options)
    ref = getattr(torch.optim, name)(_groups(theirs, group_options), **options)
    for step in range(steps):
        skip = 1 if step == 2 else None
        set_grads(ours, step, skip)
        set_grads(theirs, step, skip, torch=torch)
        opt.step()
        ref.step()
        for a, b in zip(ours, theirs):
            assert a.dtype == np.dtype(dtype)
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(),
                                       err_msg=f"{name}({options}) step {step}",
                                       **TOLERANCE[dtype])


def run_steps(opt, params, first: int, count: int) -> None:
    for step in range(first, first + count):
        set_grads(params, step)
        opt.step()


def resume_is_bit_identical(name: str, options: dict, *, before: int = 3,
                            after: int = 4) -> None:
    """Save the optimizer after ``before`` steps with autograd.save, load it into a fresh
    optimizer over copies of the parameters, and check both continue identically."""
    params = _ours_params(start_values())
    opt = getattr(optim, name)(params, **options)
    run_steps(opt, params, 0, before)
    buffer = io.BytesIO()
    autograd.save(opt.state_dict(), buffer)
    buffer.seek(0)
    copies = [autograd.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    resumed = getattr(optim, name)(copies, **options)
    resumed.load_state_dict(autograd.load(buffer))
    assert resumed.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    run_steps(opt, params, before, after)
    run_steps(resumed, copies, before, after)
    for a, b in zip(params, copies):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
