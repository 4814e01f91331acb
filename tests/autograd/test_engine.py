"""The engine: ordering, accumulation, freeing, hooks, grad modes, higher order and custom
Functions."""

import gc
import tracemalloc

import numpy as np
import pytest

import autograd
from autograd import Function, tensor


def leaf(*values, dtype=autograd.float64):
    return tensor(list(values), dtype=dtype, requires_grad=True)


def test_gradients_accumulate_across_backward_calls():
    x = leaf(1.0, 2.0)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_diamond_graph_sums_both_paths():
    x = leaf(2.0)
    y = x * x
    z = y + y * 3 + x
    z.backward(autograd.ones_like(z))
    np.testing.assert_allclose(x.grad.numpy(), [4 * 2 * 2 + 1])


def test_second_backward_through_freed_graph_says_retain_graph():
    x = leaf(1.0, 2.0)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf(1.0, 2.0)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])


def test_backward_on_non_scalar_needs_gradient():
    x = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (x * 2).backward()
    (x * 2).backward(tensor([1.0, 0.5], dtype=autograd.float64))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 1.0])


def test_backward_gradient_shape_is_checked():
    x = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(tensor([1.0, 2.0, 3.0], dtype=autograd.float64))


def test_backward_on_tensor_without_grad_fn_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tensor([1.0]).sum().backward()


def test_hundred_thousand_op_chain_has_no_recursion_error():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_grad_returns_gradients_without_touching_dot_grad():
    x, w = leaf(1.0, 2.0), leaf(3.0, 4.0)
    gx, gw = autograd.grad((x * w).sum(), (x, w))
    np.testing.assert_allclose(gx.numpy(), [3.0, 4.0])
    np.testing.assert_allclose(gw.numpy(), [1.0, 2.0])
    assert x.grad is None and w.grad is None


def test_grad_of_an_intermediate_tensor():
    x = leaf(1.0, 2.0)
    h = x * 2
    (g,) = autograd.grad((h * h).sum(), h)
    np.testing.assert_allclose(g.numpy(), [4.0, 8.0])


def test_grad_unused_input_raises_unless_allowed():
    x, unused = leaf(1.0), leaf(2.0)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autograd.grad((x * 2).sum(), (x, unused), retain_graph=True)
    gx, gu = autograd.grad((x * 2).sum(), (x, unused), allow_unused=True)
    assert gu is None and gx.item() == 2.0


def test_higher_order_derivatives_of_cube():
    x = leaf(2.0)
    y = (x ** 3).sum()
    (g,) = autograd.grad(y, x, create_graph=True)
    (h,) = autograd.grad(g.sum(), x, create_graph=True)
    (t,) = autograd.grad(h.sum(), x)
    assert (g.item(), h.item(), t.item()) == (12.0, 12.0, 6.0)


def test_hessian_vector_product_by_double_backward():
    a = autograd.randn(3, 3, dtype=autograd.float64)
    x = autograd.randn(3, dtype=autograd.float64, requires_grad=True)
    v = autograd.randn(3, dtype=autograd.float64)
    f = (x @ a @ x).tanh()
    (g,) = autograd.grad(f, x, create_graph=True)
    (hv,) = autograd.grad((g * v).sum(), x)
    eps = 1e-6

    def grad_at(z):
        zt = tensor(z, requires_grad=True)
        (gz,) = autograd.grad((zt @ a @ zt).tanh(), zt)
        return gz.numpy()

    numeric = (grad_at(x.data + eps * v.data) - grad_at(x.data - eps * v.data)) / (2 * eps)
    np.testing.assert_allclose(hv.numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_leaf_hook_can_replace_the_gradient():
    x = leaf(1.0, 2.0)
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 10)
    (x * 2).sum().backward()
    np.testing.assert_allclose(seen[0], [2.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])


def test_non_leaf_hook_and_handle_remove():
    x = leaf(1.0, 2.0)
    h = x * 3
    handle = h.register_hook(lambda g: g * 0)
    (h * 2).sum().backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.0])
    handle.remove()
    x.grad = None
    (h * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_retain_grad_keeps_intermediate_gradient():
    x = leaf(1.0, 2.0)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [6.0, 12.0])
    assert h.retains_grad


def test_no_grad_records_nothing_and_works_as_decorator():
    x = leaf(1.0)
    with autograd.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None

    @autograd.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert autograd.is_grad_enabled()


def test_enable_grad_inside_no_grad_and_set_grad_enabled():
    x = leaf(1.0)
    with autograd.no_grad():
        with autograd.enable_grad():
            assert (x * 2).requires_grad
        with autograd.set_grad_enabled(True):
            assert (x * 2).requires_grad
    autograd.set_grad_enabled(False)
    assert not (x * 2).requires_grad
    autograd.set_grad_enabled(True)
    with autograd.inference_mode():
        assert not (x * 2).requires_grad


def test_inplace_modification_of_saved_tensor_is_detected():
    x = leaf(1.0, 2.0)
    h = x * 1
    y = h * h
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_output_saved_by_tanh_is_detected():
    x = leaf(0.5)
    y = x.tanh()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises_but_not_under_no_grad():
    x = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with autograd.no_grad():
        x.add_(1)
    np.testing.assert_allclose(x.numpy(force=True) if hasattr(x, "numpy") else x.data, [2.0, 3.0])


def test_inplace_on_non_leaf_is_differentiable():
    x = leaf(1.0, 2.0)
    h = x * 2
    h += x
    h *= 3
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [9.0, 9.0])


def test_setitem_on_non_leaf_is_differentiable():
    x = leaf(1.0, 2.0, 3.0)
    v = leaf(5.0)
    h = x * 1
    h[1] = v * 2
    (h * tensor([1.0, 2.0, 3.0], dtype=autograd.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 3.0])
    np.testing.assert_allclose(v.grad.numpy(), [4.0])


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


def test_custom_function_first_and_second_order():
    x = leaf(2.0)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    (g,) = autograd.grad(y.sum(), x, create_graph=True)
    (h,) = autograd.grad(g.sum(), x)
    assert (g.item(), h.item()) == (12.0, 12.0)
    assert autograd.gradcheck(Cube.apply, (leaf(0.3, -1.2),))


def test_custom_function_sees_needs_input_grad_and_saved_output():
    seen = {}

    class ScaledExp(Function):
        @staticmethod
        def forward(ctx, x, scale):
            y = (x * scale).exp()
            ctx.scale = scale
            ctx.save_for_backward(y)
            seen["needs"] = ctx.needs_input_grad
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y * ctx.scale, None

    x = leaf(0.1, 0.2)
    ScaledExp.apply(x, 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2 * np.array([0.1, 0.2])))
    assert autograd.gradgradcheck(lambda t: ScaledExp.apply(t, 2.0), (leaf(0.1, 0.2),))


def test_custom_function_with_wrong_gradient_shape_is_named():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return autograd.ones(5, dtype=autograd.float64)

    with pytest.raises(RuntimeError, match="BadBackward returned an invalid gradient at index 0"):
        Bad.apply(leaf(1.0, 2.0)).sum().backward()


def test_custom_function_wrong_number_of_gradients():
    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        TooMany.apply(leaf(1.0)).sum().backward()


def test_mark_non_differentiable_output():
    class SortWithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            idx = autograd.tensor(np.argsort(x.data))
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return x[idx], idx

        @staticmethod
        def backward(ctx, grad, grad_idx):
            (idx,) = ctx.saved_tensors
            out = autograd.zeros_like(grad)
            out[idx] = grad
            return out

    x = leaf(3.0, 1.0, 2.0)
    values, idx = SortWithIndex.apply(x)
    assert not idx.requires_grad and values.requires_grad
    (values * tensor([1.0, 2.0, 3.0], dtype=autograd.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 1.0, 2.0])


def test_once_differentiable_refuses_double_backward():
    class Once(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @autograd.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * x

    x = leaf(3.0)
    (g,) = autograd.grad(Once.apply(x).sum(), x, create_graph=True)
    assert g.item() == 6.0
    with pytest.raises(RuntimeError, match="once_differentiable"):
        autograd.grad(g.sum(), x)


def test_gradient_penalty_loop_does_not_leak():
    w = autograd.randn(64, 64, requires_grad=True)
    x = autograd.randn(32, 64)

    def step():
        y = (x @ w).tanh().sum()
        (g,) = autograd.grad(y, w, create_graph=True)
        ((g * g).sum() + y).backward()
        w.grad = None

    for _ in range(5):
        step()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(30):
        step()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 200_000, f"memory grew by {grown} bytes over 30 steps"


def test_next_functions_reach_leaves():
    x, w = leaf(1.0), leaf(2.0)
    y = x * w + 1.0
    names = [fn.name() for fn, _ in y.grad_fn.next_functions if fn is not None]
    assert names == ["MulBackward0"]
    leaves = y.grad_fn.next_functions[0][0].next_functions
    assert [type(fn).__name__ for fn, _ in leaves] == ["AccumulateGrad", "AccumulateGrad"]
    assert leaves[0][0].variable is x


def test_backward_with_inputs_only_fills_those():
    x, w = leaf(1.0), leaf(2.0)
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None and w.grad.item() == 1.0


def test_float32_gradients_stay_float32():
    x = autograd.randn(3, 4, requires_grad=True)
    ((x * 0.5 + 1) ** 2).mean().backward()
    assert x.grad.dtype == autograd.float32


def test_node_prehook_and_post_hook_see_and_replace_gradients():
    x = leaf(1.0, 2.0)
    y = x * 3
    seen = {}

    def pre(grad_outputs):
        seen["pre"] = grad_outputs[0].tolist()
        return (grad_outputs[0] * 2,)

    def post(grad_inputs, grad_outputs):
        seen["post"] = (grad_inputs[0].tolist(), grad_outputs[0].tolist())
        return (grad_inputs[0] + 1, grad_inputs[1])

    y.grad_fn.register_prehook(pre)
    handle = y.grad_fn.register_hook(post)
    y.sum().backward(retain_graph=True)
    assert seen["pre"] == [1.0, 1.0]
    assert seen["post"] == ([6.0, 6.0], [2.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 7.0])
    handle.remove()
    x.grad = None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_gradgradcheck_with_an_extra_non_differentiable_float_output():
    def f(x):
        return x * x, autograd.ones(5, dtype=autograd.float64)  # second output has no graph

    assert autograd.gradgradcheck(f, (leaf(0.3, -0.7),))
