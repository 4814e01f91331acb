"""The engine's first-order array mode: when backward_array runs (and when it must not), mixed
graphs, gradient ownership at leaves, node metadata, and backward in two threads at once."""

import threading

import numpy as np
import pytest

import autograd
from autograd import Function, tensor
from autograd.ops.elementwise import Mul


def leaf(*values):
    return tensor(list(values), dtype=autograd.float64, requires_grad=True)


@pytest.fixture
def calls(monkeypatch):
    """Count which of Mul's two backwards the engine runs."""
    counts = {"array": 0, "tensor": 0}
    array_fn, tensor_fn = Mul.backward_array, Mul.backward

    def backward_array(ctx, grad):
        counts["array"] += 1
        return array_fn(ctx, grad)

    def backward(ctx, grad):
        counts["tensor"] += 1
        return tensor_fn(ctx, grad)

    monkeypatch.setattr(Mul, "backward_array", staticmethod(backward_array))
    monkeypatch.setattr(Mul, "backward", staticmethod(backward))
    return counts


def test_first_order_backward_takes_the_array_path(calls):
    x = leaf(1.0, 2.0)
    (x * 3.0).sum().backward()
    assert calls == {"array": 1, "tensor": 0}
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_autograd_grad_takes_the_array_path(calls):
    x = leaf(1.0, 2.0)
    (g,) = autograd.grad((x * x).sum(), x)
    assert calls == {"array": 1, "tensor": 0}
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])


def test_create_graph_takes_the_tensor_path(calls):
    x = leaf(1.0, 2.0)
    (g,) = autograd.grad((x * x).sum(), x, create_graph=True)
    assert calls == {"array": 0, "tensor": 1}
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_a_tensor_hook_on_a_nodes_output_takes_the_tensor_path(calls):
    x = leaf(1.0, 2.0)
    y = x * 3.0
    seen = []
    y.register_hook(lambda g: seen.append(type(g)) or g * 2)
    y.sum().backward()
    assert calls == {"array": 0, "tensor": 1}
    assert seen == [autograd.Tensor]
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_retain_grad_and_node_hooks_take_the_tensor_path(calls):
    x = leaf(1.0, 2.0)
    y = x * 3.0
    y.retain_grad()
    z = y * 2.0
    z.grad_fn.register_hook(lambda grad_inputs, grad_outputs: None)
    z.sum().backward()
    assert calls == {"array": 0, "tensor": 2}
    assert isinstance(y.grad, autograd.Tensor)
    np.testing.assert_allclose(y.grad.numpy(), [2.0, 2.0])


def test_anomaly_mode_takes_the_tensor_path(calls):
    x = leaf(1.0, 2.0)
    with autograd.detect_anomaly():
        (x * 3.0).sum().backward()
    assert calls == {"array": 0, "tensor": 1}


def test_leaf_tensor_hook_gets_a_tensor_and_the_rest_stays_array(calls):
    x = leaf(1.0, 2.0)
    x.register_hook(lambda g: g * 10)
    (x * 3.0).sum().backward()
    assert calls == {"array": 1, "tensor": 0}
    np.testing.assert_allclose(x.grad.numpy(), [30.0, 30.0])


class _Cube(Function):
    """A user Function with only a Tensor-op backward: the engine converts at its boundary."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class _Square(Function):
    """A user Function with a backward_array twin (its result is shape-checked too)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x

    @staticmethod
    def backward_array(ctx, grad):
        (x,) = ctx.saved_arrays
        return grad * 2 * x


def test_mixed_graph_converts_at_the_boundary():
    x = leaf(0.5, -1.5)
    y = _Square.apply(_Cube.apply(x * 2.0).tanh()) * 3.0
    y.sum().backward()
    z = leaf(0.5, -1.5)
    (g,) = autograd.grad(_Square.apply(_Cube.apply(z * 2.0).tanh()).mul(3.0).sum(), z,
                         create_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), g.detach().numpy(), rtol=1e-13)


def test_user_backward_array_with_a_wrong_shape_is_refused():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, grad):
            return grad

        @staticmethod
        def backward_array(ctx, grad):
            return np.ones((5,))

    with pytest.raises(RuntimeError, match="invalid gradient at index 0"):
        Bad.apply(leaf(1.0, 2.0)).sum().backward()


def test_saved_arrays_keep_the_freed_graph_and_in_place_checks():
    x = leaf(1.0, 2.0)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    a = leaf(1.0, 2.0) * 1.0
    b = a * a
    a.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()
    c = leaf(1.0, 2.0)
    out = c.tanh()
    out.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_two_leaves_fed_the_same_array_do_not_share_their_grad():
    a, b = leaf(1.0, 2.0), leaf(3.0, 4.0)
    (a + b).backward(tensor([1.0, 1.0], dtype=autograd.float64))
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    (a + b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(b.grad.numpy(), [2.0, 2.0])


def test_the_callers_gradient_is_never_a_leafs_grad():
    x = leaf(1.0, 2.0)
    g = tensor([1.0, 1.0], dtype=autograd.float64)
    (x + 0.0).backward(g)
    x.grad.add_(5.0)
    np.testing.assert_allclose(g.numpy(), [1.0, 1.0])


def test_grad_accumulates_in_place_like_torch():
    x = leaf(1.0, 2.0)
    (x * 2.0).sum().backward()
    first = x.grad
    (x * 3.0).sum().backward()
    assert x.grad is first
    np.testing.assert_allclose(first.numpy(), [5.0, 5.0])


def test_pending_gradients_from_many_uses_are_summed():
    w = leaf(0.5, 0.25)
    h = w * 1.0
    total = h
    for _ in range(50):
        total = total + h * 2.0
    total.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [101.0, 101.0])


def test_float32_gradients_stay_float32():
    x = tensor(np.ones((3, 4), np.float32), requires_grad=True)
    w = tensor(np.ones((4, 2), np.float32), requires_grad=True)
    ((x @ w).relu() * 0.5 + 1.0).tanh().mean().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_multi_output_node_without_materialized_grads_gets_none():
    received = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1.0, x * 2.0

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 if g2 is None else g1 + 2 * g2

        @staticmethod
        def backward_array(ctx, g1, g2):
            received.append((type(g1), g2))
            return g1 if g2 is None else g1 + 2 * g2

    x = leaf(1.0, 2.0)
    a, _ = Two.apply(x)
    a.sum().backward()
    assert received == [(np.ndarray, None)]
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_nodes_record_their_outputs_shape_and_dtype():
    x = tensor(np.ones((2, 3), np.float32), requires_grad=True)
    y = x.sum(0)
    assert y.grad_fn.output_meta == (((3,), np.dtype(np.float32)),)
    parts = x.split([1, 2], dim=1)
    assert parts[0].grad_fn.output_meta == (((2, 1), np.dtype(np.float32)),
                                            ((2, 2), np.dtype(np.float32)))


def test_every_tensor_set_up_site_gives_the_same_fields():
    from nn import Parameter

    fields = ("grad", "requires_grad", "grad_fn", "_version", "_output_nr", "_hooks")
    made = [autograd.Tensor(2, 3), autograd.Tensor._new(np.zeros(3)), Parameter(autograd.ones(2)),
            (leaf(1.0) * 2.0), autograd.tensor([1.0])]
    for t in made:
        assert all(hasattr(t, f) for f in fields)
        assert t._version == 0 and t._hooks is None and t.grad is None


def _chain_grad(seed: int, steps: int) -> tuple:
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((8, 8))
    x = tensor(x0, requires_grad=True)
    w = tensor(rng.standard_normal((8, 8)), requires_grad=True)
    y = x
    for i in range(steps):
        y = (y @ w * 0.3).tanh() + y * 0.5 if i % 3 else (y * 1.01 - 0.02).sigmoid()
    y.sum().backward()
    return x.grad.numpy().copy(), w.grad.numpy().copy()


def test_two_threads_run_backward_on_separate_graphs_at_once():
    expected = {seed: _chain_grad(seed, 60) for seed in (1, 2)}
    results, errors = {1: [], 2: []}, []
    barrier = threading.Barrier(2)

    def work(seed):
        try:
            barrier.wait()
            for _ in range(15):
                results[seed].append(_chain_grad(seed, 60))
        except Exception as e:  # noqa: BLE001 (reported below, in the main thread)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for seed, runs in results.items():
        assert len(runs) == 15
        for gx, gw in runs:
            np.testing.assert_array_equal(gx, expected[seed][0])
            np.testing.assert_array_equal(gw, expected[seed][1])

