"""Every optimizer against PyTorch (several steps from the same start), resume from a saved
state_dict, per-group options; the shared Optimizer behaviour is in test_optimizer_base.py."""

import numpy as np
import pytest

from tests.helpers.torch_ref import need_torch
from tests.optim.parity import compare_with_torch, resume_is_bit_identical

CONFIGS = {
    "SGD": [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, nesterov=True),
            dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
            dict(lr=0.05, momentum=0.5, maximize=True, weight_decay=0.1)],
    "Adam": [dict(lr=0.05), dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05),
             dict(lr=0.05, amsgrad=True), dict(lr=0.05, maximize=True, amsgrad=True),
             dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)],
    "AdamW": [dict(lr=0.05), dict(lr=0.05, weight_decay=0.2, amsgrad=True),
              dict(lr=0.05, maximize=True)],
    "Adamax": [dict(lr=0.05), dict(lr=0.05, weight_decay=0.05, betas=(0.7, 0.9)),
               dict(lr=0.05, maximize=True)],
    "NAdam": [dict(lr=0.05), dict(lr=0.05, weight_decay=0.05, momentum_decay=0.01),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
              dict(lr=0.05, maximize=True)],
    "RAdam": [dict(lr=0.05), dict(lr=0.05, betas=(0.5, 0.6)),
              dict(lr=0.05, weight_decay=0.05), dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1,
                                                    decoupled_weight_decay=True)],
    "RMSprop": [dict(lr=0.01), dict(lr=0.01, centered=True), dict(lr=0.01, momentum=0.9),
                dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.05),
                dict(lr=0.01, maximize=True)],
    "Adagrad": [dict(lr=0.1), dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5),
                dict(lr=0.1, weight_decay=0.05, eps=1e-6), dict(lr=0.1, maximize=True)],
    "Adadelta": [dict(), dict(lr=0.5, rho=0.8, eps=1e-4), dict(weight_decay=0.05, maximize=True)],
    "Rprop": [dict(lr=0.01), dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1)),
              dict(lr=0.02, maximize=True)],
    "ASGD": [dict(lr=0.05), dict(lr=0.05, t0=2, lambd=0.01, alpha=0.5),
             dict(lr=0.05, t0=1, weight_decay=0.05)],
}
CASES = [(name, options) for name, configs in CONFIGS.items() for options in configs]


def _id(case):
    return f"{case[0]}-{'-'.join(f'{k}={v}' for k, v in case[1].items()) or 'defaults'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_torch_float64(case):
    torch = need_torch()
    name, options = case
    compare_with_torch(torch, name, options, steps=8, dtype=np.float64)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_matches_torch_float32_and_stays_float32(name):
    torch = need_torch()
    compare_with_torch(torch, name, CONFIGS[name][-1], steps=6, dtype=np.float32)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_param_groups_with_their_own_lr_match_torch(name):
    torch = need_torch()
    options = dict(CONFIGS[name][1])
    lr = options.pop("lr", 1.0)
    compare_with_torch(torch, name, options, steps=5,
                       group_options=[dict(lr=lr), dict(lr=lr / 4)])


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_resume_from_saved_state_dict_is_bit_identical(name):
    resume_is_bit_identical(name, CONFIGS[name][-1])
