"""Type promotion, broadcasting and numerical stability of the elementwise ops, against PyTorch
where it is installed and against hard-coded known results where it is not."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import autograd
from autograd.ops import activation
from tests.helpers.torch_ref import need_torch

TENSOR_DTYPES = ["bool", "int32", "int64", "float32", "float64"]
SCALARS = {"bool": True, "int": 3, "float": 2.5}
# (kind, dtype): a dimensioned tensor, a 0-d tensor, or a Python scalar of that type
OPERANDS = ([("dim", d) for d in TENSOR_DTYPES] + [("0d", d) for d in TENSOR_DTYPES]
            + [("scalar", s) for s in SCALARS])
_VALUES = np.array([1, 2, 3])


def _make(lib, kind: str, dtype: str):
    """The operand in ``lib`` (autograd or torch): nonzero values so division is defined."""
    if kind == "scalar":
        return SCALARS[dtype]
    values = _VALUES if kind == "dim" else _VALUES[1]
    if dtype == "bool":
        return lib.tensor(np.asarray(values) > 0)
    return lib.tensor(np.asarray(values).astype(dtype))


BINARY = {
    "add": lambda L, a, b: L.add(a, b) if hasattr(a, "shape") else b + a,
    "sub": lambda L, a, b: L.sub(a, b) if hasattr(a, "shape") else a - b,
    "mul": lambda L, a, b: L.mul(a, b) if hasattr(a, "shape") else a * b,
    "div": lambda L, a, b: L.div(a, b) if hasattr(a, "shape") else a / b,
    "lt": lambda L, a, b: a < b,
    "eq": lambda L, a, b: L.eq(a, b) if hasattr(a, "shape") else b == a,
    "where": lambda L, a, b: L.where(L.tensor([True, False, True]), a, b),
}


def _outcome(lib, op: str, a, b):
    """The result dtype name, or 'error' when the op refuses the operands."""
    try:
        out = BINARY[op](lib, _make(lib, *a), _make(lib, *b))
    except (RuntimeError, TypeError):
        return "error"
    return str(out.dtype).split(".")[-1]  # torch.float32 and autograd.float32 alike


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("a", OPERANDS, ids=lambda o: f"{o[0]}-{o[1]}")
def test_result_dtype_matches_pytorch(op, a):
    torch = need_torch()
    mismatches = []
    for b in OPERANDS:
        if a[0] == "scalar" and b[0] == "scalar" and op != "where":
            continue
        ours, theirs = _outcome(autograd, op, a, b), _outcome(torch, op, a, b)
        if ours != theirs:
            mismatches.append(f"{op}({a}, {b}): ours {ours}, torch {theirs}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("op, a, b, expected", [
    ("add", ("dim", "int32"), ("scalar", "float"), "float32"),
    ("add", ("dim", "int64"), ("0d", "float64"), "float64"),
    ("add", ("dim", "float32"), ("0d", "float64"), "float32"),
    ("add", ("dim", "int32"), ("0d", "int64"), "int32"),
    ("add", ("dim", "int32"), ("dim", "int64"), "int64"),
    ("add", ("dim", "bool"), ("dim", "bool"), "bool"),
    ("mul", ("dim", "bool"), ("scalar", "int"), "int64"),
    ("mul", ("dim", "float32"), ("dim", "float64"), "float64"),
    ("mul", ("0d", "float64"), ("scalar", "float"), "float64"),
    ("div", ("dim", "int32"), ("dim", "int32"), "float32"),
    ("div", ("dim", "int64"), ("scalar", "int"), "float32"),
    ("sub", ("dim", "bool"), ("dim", "bool"), "error"),
    ("sub", ("dim", "bool"), ("scalar", "int"), "error"),
    ("sub", ("dim", "int64"), ("0d", "bool"), "error"),
    ("lt", ("dim", "float32"), ("scalar", "int"), "bool"),
    ("eq", ("dim", "int32"), ("0d", "float64"), "bool"),
    ("where", ("dim", "int32"), ("scalar", "float"), "float32"),
    ("where", ("scalar", "int"), ("scalar", "int"), "int64"),
    ("where", ("scalar", "int"), ("scalar", "float"), "float32"),
    ("where", ("0d", "float64"), ("dim", "float32"), "float32"),
])
def test_known_result_dtypes(op, a, b, expected):
    assert _outcome(autograd, op, a, b) == expected


def test_python_scalars_do_not_upcast_float32():
    x = autograd.ones(3)
    for result in (x + 1e300 * 0, x * 2.5, 3 / x, x ** 2, x - 7, x + True,
                   autograd.maximum(x, x)):
        assert result.dtype == autograd.float32


def test_unary_float_ops_promote_integers_to_the_default_dtype():
    i = autograd.tensor([1, 2, 4])
    for fn in (autograd.exp, autograd.sqrt, autograd.sigmoid, autograd.erf, autograd.log2,
               autograd.reciprocal, autograd.atan):
        assert fn(i).dtype == autograd.float32
    assert autograd.abs(i).dtype == autograd.int64
    assert autograd.square(autograd.tensor([True, False])).dtype == autograd.int64
    assert autograd.clamp(i, min=0.5).dtype == autograd.float32


# ---------------------------------------------------------------- refused mixes
def test_bool_negation_is_refused():
    with pytest.raises(RuntimeError, match="logical_not"):
        -autograd.tensor([True, False])


@pytest.mark.parametrize("a, b", [([True], [False]), ([True], 1), ([1, 2], [True, False])])
def test_subtraction_with_bools_is_refused(a, b):
    left = autograd.tensor(a)
    right = autograd.tensor(b) if isinstance(b, list) else b
    with pytest.raises(RuntimeError, match="bool tensor is not supported"):
        left - right


@pytest.mark.parametrize("fn", [autograd.abs, autograd.relu, autograd.frac, autograd.floor,
                                autograd.round, autograd.positive, activation.gelu, activation.elu,
                                activation.softplus, activation.softsign, activation.hardtanh,
                                lambda b: autograd.threshold(b, 0, 1),
                                lambda b: autograd.clamp(b, min=True),
                                lambda b: autograd.addcmul(b, b, b),
                                lambda b: autograd.remainder(b, b),
                                lambda b: autograd.div(b, b, rounding_mode="floor"),
                                lambda b: autograd.lerp(b, b, 0.5),
                                lambda b: autograd.pow(b, b), lambda b: autograd.pow(True, b)])
def test_ops_torch_refuses_for_bool_raise(fn):
    with pytest.raises(RuntimeError):
        fn(autograd.tensor([True, False]))


def test_scalar_base_keeps_the_integer_exponent_dtype():
    exponent = autograd.tensor([3, -1, 0], dtype=autograd.int32)
    result = 2 ** exponent
    assert result.dtype == autograd.int32 and result.tolist() == [8, 0, 1]
    assert (autograd.tensor([True, False]) ** True).dtype == autograd.bool


def test_atan2_takes_tensors_only_like_torch():
    with pytest.raises(TypeError, match="must be Tensor"):
        autograd.atan2(autograd.ones(2), 2.0)


def test_integer_to_negative_integer_power_is_refused():
    with pytest.raises(RuntimeError, match="negative integer powers"):
        autograd.tensor([2, 3]) ** -1


def test_integer_tensor_exponents_below_zero_truncate_like_torch():
    base = autograd.tensor([2, 1, -1, -1, 3])
    exponent = autograd.tensor([-1, -3, -3, -2, 2])
    assert (base ** exponent).tolist() == [0, 1, -1, 1, 9]


def test_integer_division_by_zero_is_refused():
    for fn in (lambda a, b: a // b, autograd.remainder, autograd.fmod):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(autograd.tensor([4, 5]), autograd.tensor([2, 0]))


def test_lerp_refuses_mixed_dtypes():
    with pytest.raises(RuntimeError, match="expected dtype"):
        autograd.lerp(autograd.ones(2), autograd.ones(2, dtype=autograd.float64), 0.5)


def test_isclose_refuses_mixed_dtypes():
    with pytest.raises(RuntimeError, match="Float did not match Double"):
        autograd.isclose(autograd.ones(2), autograd.ones(2, dtype=autograd.float64))


# ---------------------------------------------------------------- broadcasting
_BINARY_OPS = [autograd.add, autograd.sub, autograd.mul, autograd.div, autograd.maximum,
               autograd.atan2, autograd.xlogy, autograd.fmod,
               lambda a, b: autograd.where(a > 0, a, b), lambda a, b: autograd.lerp(a, b, 0.3),
               lambda a, b: autograd.clamp(a, min=b)]


@settings(max_examples=40, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3),
       which=st.integers(0, len(_BINARY_OPS) - 1))
def test_binary_ops_broadcast_like_numpy(shapes, which):
    (sa, sb), expected = shapes
    a = autograd.rand(*sa, dtype=autograd.float64, requires_grad=True)
    b = autograd.rand(*sb, dtype=autograd.float64, requires_grad=True)
    out = _BINARY_OPS[which](a + 0.5, b + 0.5)
    assert out.shape == expected == np.broadcast_shapes(sa, sb)
    ga, gb = autograd.grad(out.sum(), (a, b), allow_unused=True)
    assert ga.shape == sa
    assert gb is None or gb.shape == sb


@settings(max_examples=40, deadline=None)
@given(sa=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
       sb=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
       which=st.integers(0, 3))
def test_non_broadcastable_shapes_give_a_clear_error(sa, sb, which):
    try:
        np.broadcast_shapes(sa, sb)
    except ValueError:
        pass
    else:
        return
    op = [autograd.add, autograd.mul, autograd.maximum, autograd.atan2][which]
    with pytest.raises(RuntimeError, match="broadcast") as info:
        op(autograd.zeros(*sa), autograd.zeros(*sb))
    assert str(tuple(sa)) in str(info.value) and str(tuple(sb)) in str(info.value)


# ---------------------------------------------------------------- stability
EXTREMES = [1e4, -1e4]


@pytest.mark.parametrize("dtype", [autograd.float32, autograd.float64])
@pytest.mark.parametrize("name, expected", [
    ("sigmoid", [1.0, 0.0]),
    ("logsigmoid", [0.0, -1e4]),
    ("softplus", [1e4, 0.0]),
    ("log1p", [np.log(10001.0), np.nan]),
    ("expm1", [np.inf, -1.0]),
])
def test_saturating_functions_are_exact_and_warning_free_at_extremes(name, expected, dtype):
    fn = getattr(activation, name, None) or getattr(autograd, name)
    x = autograd.tensor(EXTREMES, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x)
        (g,) = autograd.grad(y.sum(), x)
    np.testing.assert_allclose(y.detach().numpy(), np.array(expected, dtype), rtol=1e-6)
    assert y.dtype == dtype
    assert np.isfinite(g.numpy()[1]) or name == "log1p"


@pytest.mark.parametrize("name", activation.FUNCTIONAL)
def test_activations_are_finite_with_finite_gradients_at_extremes(name):
    fn = getattr(activation, name)
    x = autograd.tensor(EXTREMES + [0.0], requires_grad=True)
    args = (autograd.tensor([0.25]),) if name == "prelu" else ((0.5, 1.0) if name == "threshold"
                                                               else ())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x, *args)
        (g,) = autograd.grad(y.sum(), x, create_graph=True)
        # piecewise-linear activations have a gradient that does not depend on x at all
        gg = autograd.grad(g.sum(), x)[0] if g.requires_grad else autograd.zeros(3)
    assert np.all(np.isfinite(y.detach().numpy())), f"{name}: {y}"
    assert np.all(np.isfinite(g.detach().numpy())), f"{name}: grad {g}"
    assert np.all(np.isfinite(gg.numpy())), f"{name}: second derivative {gg}"


def test_stability_matches_pytorch_at_extremes():
    torch = need_torch()
    for name in ["sigmoid", "logsigmoid", "softplus", "log1p", "expm1", "gelu", "silu", "mish",
                 "elu", "selu", "celu", "tanh", "hardswish", "softsign"]:
        ours = getattr(activation, name, None) or getattr(autograd, name)
        theirs = getattr(torch.nn.functional, name, None) or getattr(torch, name)
        x = autograd.tensor(EXTREMES, dtype=autograd.float64, requires_grad=True)
        tx = torch.tensor(EXTREMES, dtype=torch.float64, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12,
                                   err_msg=name)
        (g,) = autograd.grad(y.sum(), x)
        (tg,) = torch.autograd.grad(ty.sum(), tx)
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12, err_msg=name)
