"""Checks shared by the layer tests: PyTorch parity of a module (outputs, input and parameter
gradients, with torch's weights loaded through load_state_dict) and float64 gradcheck of a module
with respect to its inputs and its parameters at once."""

from __future__ import annotations

import numpy as np

import autograd
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, close_grads, load_from_torch


def random_arrays(shapes, seed: int = 0, low=None, high=None) -> list:
    rng = np.random.default_rng(seed)
    if low is None:
        return [rng.standard_normal(s).astype(np.float32) for s in shapes]
    return [rng.uniform(low, high, s).astype(np.float32) for s in shapes]


def module_parity(ours, theirs, arrays, *, train: bool = True, atol: float = 1e-5,
                  rtol: float = 1e-4, extra=()):
    """Load theirs' weights into ours, run both on the same float inputs (plus ``extra``
    non-differentiable arguments given as (ours, theirs) pairs), compare outputs, then backprop
    the same random upstream gradient and compare input and parameter gradients."""
    torch = need_torch()
    load_from_torch(ours, theirs)
    ours.train(train)
    theirs.train(train)
    xs = [autograd.tensor(a, requires_grad=True) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = ours(*xs, *[e[0] for e in extra])
    tout = theirs(*txs, *[e[1] for e in extra])
    close(out, tout, atol, rtol, "output")
    upstream = np.random.default_rng(1).standard_normal(tuple(tout.shape)).astype(np.float32)
    (out * autograd.tensor(upstream)).sum().backward()
    (tout * torch.tensor(upstream)).sum().backward()
    for i, (x, tx) in enumerate(zip(xs, txs)):
        close(x.grad, tx.grad, atol, rtol, f"grad of input {i}")
    close_grads(ours, theirs, atol, rtol)
    return out, tout


def module_gradcheck(module, arrays, extra=(), **kwargs) -> bool:
    """gradcheck in float64 over the inputs and every trainable parameter of ``module``."""
    module.double()
    xs = tuple(autograd.tensor(np.asarray(a, np.float64), requires_grad=True) for a in arrays)
    params = tuple(p for p in module.parameters() if p.requires_grad)
    n = len(xs)
    return autograd.gradcheck(lambda *args: module(*args[:n], *extra), xs + params, **kwargs)
