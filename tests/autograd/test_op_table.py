"""Every op in the tables: finite differences (first and second order, float64), PyTorch parity
(values and gradients), float32 preservation; and a check that no op class is left untested."""

import importlib
import pathlib
import pkgutil

import pytest

import autograd
import autograd.ops
from autograd.ops._base import Op
from tests.autograd import cases_core
from tests.helpers.optable import check_float32, check_gradients, check_parity, node_types
from tests.helpers.torch_ref import need_torch


def _load_cases():
    """Every CASES list in tests/autograd/cases_*.py."""
    here = pathlib.Path(__file__).parent
    cases = []
    for path in sorted(here.glob("cases_*.py")):
        cases.extend(importlib.import_module(f"tests.autograd.{path.stem}").CASES)
    return cases


CASES = _load_cases()
assert cases_core.CASES


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gradients_match_finite_differences(case):
    if not case.grad:
        pytest.skip("not differentiable")
    check_gradients(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matches_pytorch(case):
    need_torch()
    if not case.parity:
        pytest.skip("no PyTorch counterpart")
    check_parity(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_float32_stays_float32(case):
    check_float32(case)


def _all_op_classes():
    for info in pkgutil.iter_modules(autograd.ops.__path__):
        importlib.import_module(f"autograd.ops.{info.name}")
    found, stack = set(), [Op]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("autograd.ops") and sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def test_every_op_class_is_exercised_by_the_tables():
    seen = set()
    for case in CASES:
        xs = case.inputs()
        outs = [o for o in (case.call(xs) if isinstance(case.call(xs), (tuple, list))
                            else (case.call(xs),)) if isinstance(o, autograd.Tensor)]
        seen |= node_types(outs)
        diff = [o for o in outs if o.requires_grad]
        n = len(case.shapes)
        if diff and case.grad:
            loss = sum((o * o).sum() for o in diff)
            grads = autograd.grad(loss, xs[:n], create_graph=True, allow_unused=True)
            seen |= node_types([g for g in grads if g is not None and g.grad_fn is not None])
    missing = sorted(c.__name__ for c in _all_op_classes() - seen
                     if not getattr(c, "_abstract", False))
    assert not missing, f"op classes with no OpCase exercising them: {missing}"
