"""Padding layers against PyTorch: values, gradients, reprs."""

import pytest

import nn
from tests.helpers.torch_ref import need_torch
from tests.nn.layer_check import module_gradcheck, module_parity, random_arrays

CASES = []
for _dims, _shape in [(1, (2, 3, 5)), (2, (2, 3, 4, 5)), (3, (1, 2, 3, 4, 5))]:
    _pad = (1, 2, 2, 0, 1, 1)[:2 * _dims]
    CASES += [(f"ZeroPad{_dims}d", (2,), _shape), (f"ZeroPad{_dims}d", (_pad,), _shape),
              (f"ConstantPad{_dims}d", (_pad, 3.5), _shape),
              (f"ReflectionPad{_dims}d", (_pad,), _shape),
              (f"ReplicationPad{_dims}d", (1,), _shape),
              (f"CircularPad{_dims}d", (_pad,), _shape)]


@pytest.mark.parametrize("name,args,shape", CASES, ids=[f"{n}-{a}" for n, a, _ in CASES])
def test_padding_layer_matches_torch(name, args, shape):
    torch = need_torch()
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    module_parity(ours, theirs, random_arrays([shape]))


def test_padding_gradcheck_and_bad_padding():
    assert module_gradcheck(nn.ReflectionPad2d((1, 0, 1, 1)), random_arrays([(1, 1, 3, 3)]))
    with pytest.raises(ValueError, match="tuple of 4 ints"):
        nn.ZeroPad2d((1, 2, 3))
