"""Helpers for module parity tests: copy a torch module's weights into ours, compare results."""

from __future__ import annotations

import numpy as np

import autograd


def load_from_torch(ours, theirs, dtype=np.float32) -> None:
    """Load ``theirs.state_dict()`` (converted with .detach().numpy()) into ``ours``; the key sets
    must be identical."""
    state = {k: v.detach().numpy().astype(dtype) for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state), (
        f"state_dict keys differ:\n ours   {list(ours.state_dict())}\n theirs {list(state)}")
    ours.load_state_dict(state)


def pair(torch, array, requires_grad: bool = True):
    """The same values as an autograd tensor and a torch tensor, both leaves."""
    array = np.asarray(array)
    ours = autograd.tensor(array.copy(), requires_grad=requires_grad)
    theirs = torch.tensor(array.copy(), requires_grad=requires_grad)
    return ours, theirs


def close(ours, theirs, atol: float = 1e-5, rtol: float = 1e-4, what: str = "") -> None:
    """Values of an autograd tensor (or array) equal a torch tensor's within float32 tolerance."""
    a = ours.detach().numpy() if isinstance(ours, autograd.Tensor) else np.asarray(ours)
    b = theirs.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, err_msg=what)


def close_grads(ours_module, theirs_module, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """Every parameter gradient of ours equals the torch module's."""
    theirs = dict(theirs_module.named_parameters())
    for name, p in ours_module.named_parameters():
        tp = theirs[name]
        if tp.grad is None:
            assert p.grad is None or not np.any(p.grad.numpy()), f"{name}: grad should be None"
            continue
        assert p.grad is not None, f"{name}: missing gradient"
        close(p.grad, tp.grad, atol, rtol, f"grad of {name}")
