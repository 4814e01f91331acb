"""A torch optimizer's state_dict, converted to numpy, loads into ours and the next steps match."""

import numpy as np
import pytest

from tests.helpers.torch_ref import need_torch


def _to_numpy(obj):
    torch = need_torch()
    if isinstance(obj, torch.Tensor):
        return obj.detach().numpy().copy()
    if isinstance(obj, dict):
        return {k: _to_numpy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_numpy(v) for v in obj)
    return obj


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1}),
])
def test_torch_optimizer_state_resumes_here(name, kwargs):
    torch = need_torch()
    import autograd
    import nn
    import optim

    torch.manual_seed(0)
    ref_model = torch.nn.Linear(3, 2)
    ours_model = nn.Linear(3, 2)
    ref_opt = getattr(torch.optim, name)(ref_model.parameters(), **kwargs)
    ours_opt = getattr(optim, name)(ours_model.parameters(), **kwargs)
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)

    def ref_step():
        ref_opt.zero_grad()
        ref_model(torch.from_numpy(x)).pow(2).sum().backward()
        ref_opt.step()

    for _ in range(2):
        ref_step()
    ours_model.load_state_dict(_to_numpy(ref_model.state_dict()))
    ours_opt.load_state_dict(_to_numpy(ref_opt.state_dict()))
    for _ in range(2):
        ref_step()
        ours_opt.zero_grad()
        ours_model(autograd.from_numpy(x)).pow(2).sum().backward()
        ours_opt.step()
    for ours_p, ref_p in zip(ours_model.parameters(), ref_model.parameters()):
        np.testing.assert_allclose(ours_p.detach().numpy(), ref_p.detach().numpy(),
                                   rtol=1e-5, atol=1e-6)
