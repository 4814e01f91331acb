"""Every op with a ``backward_array`` (conv unfold/fold, pooling, fused) agrees with its Tensor-op
``backward`` (the source of truth), node by node, in float64, with the compiled kernels on and
off.

Each case of the op tables runs a first-order backward through the engine; every call of a
``backward_array`` (made by the engine, or by a Tensor ``backward`` that is not being recorded) is
intercepted and compared with the Tensor ``backward`` of the same node run under ``enable_grad``
(which takes the recorded, Tensor-op path) on the same incoming gradients.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import kernels
from autograd.ops import conv, fused, pooling
from tests.autograd.ops import cases_conv, cases_fused, cases_pooling

ARRAY_OPS = [cls for mod in (conv, fused, pooling) for cls in vars(mod).values()
             if isinstance(cls, type) and "backward_array" in vars(cls)]
CASES = [c for c in cases_conv.CASES + cases_pooling.CASES + cases_fused.CASES if c.grad]


def _check_against_tensor_backward(calls: list):
    """Wrap every ``backward_array`` so that it also runs the Tensor backward and compares."""
    originals = {cls: vars(cls)["backward_array"] for cls in ARRAY_OPS}

    def wrap(cls, original):
        def backward_array(ctx, *grads):
            got = original.__func__(ctx, *grads)
            got = got if isinstance(got, tuple) else (got,)
            tensors = [None if g is None else autograd.tensor(g) for g in grads]
            with autograd.enable_grad():
                ref = cls.backward(ctx, *tensors)
            ref = ref if isinstance(ref, tuple) else (ref,)
            assert len(got) == len(ref), f"{cls.__name__}: {len(got)} vs {len(ref)} grads"
            for i, (a, b) in enumerate(zip(got, ref)):
                if b is None or a is None:
                    assert a is None or not np.any(a), f"{cls.__name__}: grad {i} should be None"
                    assert b is None or not np.any(b.detach().numpy()) or a is not None, \
                        f"{cls.__name__}: grad {i} missing from the array path"
                    continue
                for g in grads:
                    assert g is None or a is not g, f"{cls.__name__} returned its incoming grad"
                assert a.shape == tuple(b.shape) and a.dtype == b.dtype, \
                    f"{cls.__name__}: grad {i} {a.shape} {a.dtype} vs {b.shape} {b.dtype}"
                np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-12,
                                           err_msg=f"{cls.__name__}: grad {i}")
            calls.append(cls)
            return got

        return staticmethod(backward_array)

    for cls, original in originals.items():
        cls.backward_array = wrap(cls, original)
    return originals


@pytest.fixture(params=["numpy", "compiled"])
def kernel_mode(request):
    if request.param == "compiled":
        pytest.importorskip("numba")
    kernels.use_compiled(request.param == "compiled")
    yield request.param
    kernels.use_compiled(None)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_array_backward_matches_tensor_backward(case, kernel_mode):
    xs = case.inputs()
    n = len(case.shapes)
    calls: list = []
    originals = _check_against_tensor_backward(calls)
    try:
        outs = case.call(xs)
        outs = [o for o in (outs if isinstance(outs, (tuple, list)) else (outs,))
                if isinstance(o, autograd.Tensor) and o.requires_grad]
        rng = np.random.default_rng(3)
        loss = sum((o * autograd.tensor(rng.standard_normal(o.shape))).sum() for o in outs)
        autograd.grad(loss, [x for x in xs[:n] if x.requires_grad], allow_unused=True)
    finally:
        for cls, original in originals.items():
            cls.backward_array = original
    types = set()
    stack = [o.grad_fn for o in outs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if type(node) in types:
            continue
        types.add(type(node))
        stack.extend(f for f, _ in node.next_functions if f is not None and hasattr(f, "_edges"))
    expected = types & set(ARRAY_OPS)
    assert expected <= set(calls), f"never compared: {expected - set(calls)}"


def test_every_owned_op_with_a_tensor_backward_has_an_array_twin():
    names = {cls.__name__ for cls in ARRAY_OPS}
    assert {"Unfold", "Fold", "MaxPool2D", "PoolGather", "PoolScatter", "Softmax", "LogSoftmax",
            "CrossEntropyIndices", "LayerNorm", "Linear", "LSTMGates", "LSTMSequence",
            "LSTMLayer"} <= names


def test_the_tensor_backward_is_still_recorded_under_create_graph():
    x = autograd.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    (g,) = autograd.grad(autograd.softmax(x, 1)[:, 0].sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
