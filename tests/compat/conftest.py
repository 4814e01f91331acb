"""Compat scripts run under real torch too: restore torch's global switches after each one, so a
script that sets a default device (a global function mode), deterministic algorithms, anomaly mode
or grad mode cannot change how later tests' torch references behave."""

import pytest

from tests.helpers.torch_ref import torch


@pytest.fixture(autouse=True)
def restore_torch_globals():
    if torch is None:
        yield
        return
    saved = (torch.is_grad_enabled(), torch.get_default_dtype(),
             torch.are_deterministic_algorithms_enabled(), torch.is_anomaly_enabled(),
             torch.get_num_threads(), torch.is_warn_always_enabled())
    yield
    torch.set_default_device(None)
    grad, dtype, deterministic, anomaly, threads, warn_always = saved
    torch.set_grad_enabled(grad)
    torch.set_default_dtype(dtype)
    torch.use_deterministic_algorithms(deterministic)
    torch.autograd.set_detect_anomaly(anomaly)
    torch.set_num_threads(threads)
    torch.set_warn_always(warn_always)
