"""The engine's in-place gradient accumulation never writes into a tensor someone else holds."""

import numpy as np

import autograd


def test_fan_in_sums_leave_the_incoming_gradients_untouched():
    w = autograd.randn(3, requires_grad=True)
    g = autograd.ones(3)
    (w * 1.0 + w * 2.0 + w * 3.0 + w * 4.0).backward(g)
    np.testing.assert_allclose(w.grad.numpy(), 10.0)
    np.testing.assert_array_equal(g.numpy(), 1.0)


def test_a_gradient_sent_to_two_inputs_is_not_shared_by_later_sums():
    a = autograd.randn(2, requires_grad=True)
    b = autograd.randn(2, requires_grad=True)
    h = a + b                       # Add sends the same gradient to a and b
    (h + a + a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 3.0)
    np.testing.assert_allclose(b.grad.numpy(), 1.0)


def test_recorded_backward_keeps_the_sums_in_the_graph():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad((x * x + x * x + x * x).sum(), x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), [6.0, 12.0])
    np.testing.assert_allclose(gg.numpy(), [6.0, 6.0])


def test_retained_intermediate_gradient_is_not_modified_afterwards():
    x = autograd.randn(3, requires_grad=True)
    h = x * 2.0
    h.retain_grad()
    (h * 1.0 + h * 1.0 + h * 1.0).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 3.0)
    np.testing.assert_allclose(x.grad.numpy(), 6.0)
