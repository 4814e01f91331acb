"""Every op in the tables: finite differences (first and second order, float64), PyTorch parity
(values and gradients), float32 preservation, the array backward against the Tensor-op backward;
and checks that no op class (and no backward_array) is left untested."""

import importlib
import pathlib
import pkgutil

import pytest

import autograd
import autograd.ops
from autograd.ops._base import Op
from tests.autograd.ops import cases_core
from tests.helpers.optable import (
    check_array_backward,
    check_float32,
    check_gradients,
    check_parity,
    node_types,
)
from tests.helpers.torch_ref import need_torch


def _load_cases():
    """Every CASES list in tests/autograd/ops/cases_*.py."""
    here = pathlib.Path(__file__).parent
    cases = []
    for path in sorted(here.glob("cases_*.py")):
        cases.extend(importlib.import_module(f"tests.autograd.ops.{path.stem}").CASES)
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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_array_backward_matches_tensor_backward(case):
    if not check_array_backward(case):
        pytest.skip("no op with backward_array")


# The ops the first-order speed relies on: their backward_array must not disappear unnoticed.
HOT_ARRAY_OPS = {
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "Reciprocal", "Exp", "Log", "Sqrt", "Tanh",
    "Sigmoid", "Relu", "Gelu", "Silu", "Sum", "Mean", "Extremum", "LogSumExp", "SumToShape",
    "Expand", "Reshape", "Permute", "Cat", "Split", "GetItem", "IndexSelect", "Gather", "MatMul",
    "Where", "Clamp", "Cast", "Var",
}


def _array_op_classes():
    return {c for c in _all_op_classes() if c.__dict__.get("backward_array") is not None}


def test_hot_ops_have_backward_array():
    have = {c.__name__ for c in _array_op_classes()}
    missing = sorted(HOT_ARRAY_OPS - have)
    assert not missing, f"hot ops without backward_array: {missing}"


def test_every_backward_array_is_cross_checked_by_the_tables():
    seen = set()
    for case in CASES:
        seen |= node_types(o for o in (case.call(case.inputs())
                                       if isinstance(case.call(case.inputs()), (tuple, list))
                                       else (case.call(case.inputs()),))
                           if isinstance(o, autograd.Tensor))
    unchecked = sorted(c.__name__ for c in _array_op_classes() - seen)
    assert not unchecked, f"ops whose backward_array no OpCase cross-checks: {unchecked}"
