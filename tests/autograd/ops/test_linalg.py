"""Matrix products beyond the op table: argument errors, beta=0 semantics, einsum details."""

import math

import numpy as np
import pytest

import autograd
from tests.helpers.torch_ref import need_torch


@pytest.mark.parametrize("call, message", [
    (lambda: autograd.zeros(32, 784) @ autograd.zeros(128, 10),
     r"matmul: shapes \(32, 784\) and \(128, 10\) cannot be multiplied \(784 != 128\)"),
    (lambda: autograd.mm(autograd.zeros(2, 3), autograd.zeros(4, 5)),
     r"mm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
    (lambda: autograd.mm(autograd.zeros(3), autograd.zeros(3, 5)), r"mm: input must be a matrix"),
    (lambda: autograd.bmm(autograd.zeros(2, 2, 3), autograd.zeros(3, 3, 5)),
     r"bmm: expected size for first two dimensions of batch2 tensor to be: \[2, 3\]"),
    (lambda: autograd.mv(autograd.zeros(2, 3), autograd.zeros(4)), r"mv: size mismatch"),
    (lambda: autograd.dot(autograd.zeros(2), autograd.zeros(3)), r"dot: inconsistent"),
    (lambda: autograd.dot(autograd.zeros(2), autograd.zeros(2, dtype=autograd.float64)),
     r"dot: expected both vectors to have same dtype"),
    (lambda: autograd.einsum("ij,jk->ik", autograd.zeros(2, 3), autograd.zeros(4, 4)),
     r"einsum\(\): subscript j has size 4 for operand 1"),
    (lambda: autograd.einsum("ij->ij", autograd.zeros(2, 3, 4)),
     r"number of subscripts in the equation \(2\) does not match the number of dimensions \(3\)"),
    (lambda: autograd.einsum("ij,jk", autograd.zeros(2, 3)), r"fewer operands"),
    (lambda: autograd.einsum("ij->k", autograd.zeros(2, 3)),
     r"output subscript k does not appear"),
    (lambda: autograd.einsum("ii", autograd.zeros(2, 3)), r"subscript i is repeated"),
    (lambda: autograd.tensordot(autograd.zeros(2, 3), autograd.zeros(4, 5), 1),
     r"tensordot: contracted dimensions need to match"),
    (lambda: autograd.addmm(autograd.zeros(4, 4), autograd.zeros(3, 2), autograd.zeros(2, 5)),
     r"addmm: input of shape \(4, 4\) cannot be broadcast"),
    (lambda: autograd.linalg.inv(autograd.zeros(2, 3)), r"linalg.inv: A must be batches of "
                                                         r"square matrices"),
    (lambda: autograd.linalg.inv(autograd.zeros(2, 2)), r"linalg.inv: The input matrix is "
                                                         r"singular"),
    (lambda: autograd.linalg.solve(autograd.eye(3), autograd.zeros(2)), r"linalg.solve: "
                                                                         r"incompatible shapes"),
])
def test_bad_operands_give_errors_naming_the_op_and_shapes(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_addmm_with_beta_zero_ignores_nan_in_input_like_torch():
    torch = need_torch()
    c = np.full((2, 2), math.nan)
    a, b = np.eye(2), np.arange(4.0).reshape(2, 2)
    ours = autograd.addmm(autograd.tensor(c), autograd.tensor(a), autograd.tensor(b), beta=0)
    theirs = torch.addmm(torch.tensor(c), torch.tensor(a), torch.tensor(b), beta=0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_einsum_third_derivative_matches_the_closed_form():
    # f(x) = sum_i (x_i)^3 written as einsum('i,i,i->', x, x, x): f''' = 6 along each axis
    x = autograd.tensor([0.5, -1.0, 2.0], dtype=autograd.float64, requires_grad=True)
    y = autograd.einsum("i,i,i->", x, x, x)
    (g,) = autograd.grad(y, x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x, create_graph=True)
    (ggg,) = autograd.grad(gg.sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), 3 * x.detach().numpy() ** 2)
    np.testing.assert_allclose(gg.detach().numpy(), 6 * x.detach().numpy())
    np.testing.assert_allclose(ggg.numpy(), [6.0, 6.0, 6.0])


def test_einsum_implicit_output_orders_letters_alphabetically_like_torch():
    torch = need_torch()
    a = np.random.default_rng(0).standard_normal((2, 3))
    b = np.random.default_rng(1).standard_normal((3, 4))
    ours = autograd.einsum("ba,ac", autograd.tensor(a), autograd.tensor(b))
    theirs = torch.einsum("ba,ac", torch.tensor(a), torch.tensor(b))
    assert ours.shape == tuple(theirs.shape) == (2, 4)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_float32_products_stay_float32():
    a = autograd.ones(2, 3)
    assert autograd.einsum("ij,kj->ik", a, a).dtype == autograd.float32
    assert autograd.tensordot(a, a, ([1], [1])).dtype == autograd.float32
    assert autograd.linalg.norm(a).dtype == autograd.float32


def test_det_gradient_of_a_singular_matrix_is_the_adjugate():
    a = autograd.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=autograd.float64, requires_grad=True)
    autograd.det(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
