"""PyTorch as the reference, when it is installed. Parity checks skip cleanly without it, unless
REQUIRE_TORCH=1 (CI sets it), where a missing torch is an error."""

from __future__ import annotations

import os

import pytest

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

REQUIRED = os.environ.get("REQUIRE_TORCH") == "1"


def need_torch():
    """Return the torch module, or skip the test (fail under REQUIRE_TORCH=1)."""
    if torch is None:
        if REQUIRED:
            pytest.fail("REQUIRE_TORCH=1 but torch is not importable")
        pytest.skip("PyTorch not installed: parity part skipped")
    return torch


def to_torch(x, requires_grad=None):
    """A torch tensor with the same values (and requires_grad) as an autograd tensor."""
    import numpy as np

    t = torch.from_numpy(np.array(x.detach().numpy(), copy=True))
    rg = x.requires_grad if requires_grad is None else requires_grad
    if rg:
        t.requires_grad_(True)
    return t
