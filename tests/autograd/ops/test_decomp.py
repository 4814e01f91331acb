"""Decompositions and sort-based reductions beyond the op table: forward-only modes, the
non-differentiable outputs (ranks, indices, residuals), NaN handling, stability and errors,
each against torch."""

import warnings

import numpy as np
import pytest

import autograd
from tests.helpers.torch_ref import torch

pytestmark = pytest.mark.usefixtures("torch_ref")  # every test here compares with torch


def both(fn, *arrays):
    """fn run with autograd and with torch on the same float64 arrays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's deprecation notes (torch.qr...)
        theirs = fn(torch, *[torch.tensor(a) for a in arrays])
    return fn(autograd, *[autograd.tensor(a) for a in arrays]), theirs


def close(ours, theirs, **kw):
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-7, atol=1e-9, **kw)


RNG = np.random.default_rng(7)


@pytest.mark.parametrize("mode", ["r", "complete", "reduced"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)])
def test_qr_modes_match_torch(mode, shape):
    a = RNG.standard_normal(shape)
    ours, theirs = both(lambda L, x: L.linalg.qr(x, mode=mode), a)
    assert [tuple(o.shape) for o in ours] == [tuple(t.shape) for t in theirs]
    close(ours.R, theirs.R)
    if mode != "r":
        close(ours.Q, theirs.Q)
        close(ours.Q @ ours.R, autograd.tensor(a))


def test_qr_backward_errors_like_torch():
    a = autograd.tensor(RNG.standard_normal((4, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        autograd.linalg.qr(a, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="mode='complete' and nrows > ncols"):
        autograd.linalg.qr(a, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="unrecognized mode"):
        autograd.linalg.qr(a, mode="full")


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_reads_one_triangle(uplo):
    a = RNG.standard_normal((2, 4, 4))  # not symmetric: only one triangle counts
    ours, theirs = both(lambda L, x: L.linalg.eigh(x, UPLO=uplo), a)
    close(ours.eigenvalues, theirs.eigenvalues)
    close(ours.eigenvectors.abs(), theirs.eigenvectors.abs())
    with pytest.raises(RuntimeError, match="UPLO"):
        autograd.linalg.eigh(autograd.tensor(a), UPLO="X")


@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_svd_shapes_and_reconstruction(full, shape):
    a = RNG.standard_normal(shape)
    ours, theirs = both(lambda L, x: L.linalg.svd(x, full_matrices=full), a)
    assert [tuple(o.shape) for o in ours] == [tuple(t.shape) for t in theirs]
    close(ours.S, theirs.S)
    k = min(shape)
    recon = (ours.U[:, :k] * ours.S) @ ours.Vh[:k]
    close(recon, autograd.tensor(a))
    eye = ours.U.mT @ ours.U
    close(eye, autograd.eye(eye.shape[0], dtype=eye.dtype))


@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("compute_uv", [True, False])
def test_legacy_svd(some, compute_uv):
    a = RNG.standard_normal((5, 3))
    ours, theirs = both(lambda L, x: L.svd(x, some=some, compute_uv=compute_uv), a)
    assert [tuple(o.shape) for o in ours] == [tuple(t.shape) for t in theirs]
    close(ours.S, theirs.S)
    if compute_uv:
        close((ours.U[:, :3] * ours.S) @ ours.V[:, :3].mT, autograd.tensor(a))
    else:
        assert not ours.U.numpy().any() and not ours.V.numpy().any()


def test_svd_double_backward_matches_torch():
    a = RNG.standard_normal((4, 3))

    def second(L, x):
        x.requires_grad_(True)
        u, s, vh = L.linalg.svd(x, full_matrices=False)
        loss = (s ** 3).sum() + (u[:, 0:1] @ vh[0:1]).pow(2).sum()
        (g,) = L.autograd.grad(loss, x, create_graph=True) if L is torch else \
            autograd.grad(loss, x, create_graph=True)
        (gg,) = L.autograd.grad((g * g).sum(), x) if L is torch else autograd.grad((g * g).sum(), x)
        return gg

    ours, theirs = both(second, a)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kwargs", [{}, {"atol": 1.0}, {"rtol": 0.5}, {"atol": 0.1, "rtol": 0.2}])
def test_matrix_rank_matches_torch(kwargs):
    a = RNG.standard_normal((3, 5, 2)) @ RNG.standard_normal((3, 2, 4))
    a[0] *= 1e-3
    ours, theirs = both(lambda L, x: L.linalg.matrix_rank(x, **kwargs), a)
    assert ours.dtype == autograd.int64
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    sym = a @ np.swapaxes(a, -1, -2)
    ours, theirs = both(lambda L, x: L.linalg.matrix_rank(x, hermitian=True), sym)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
def test_lstsq_outputs_per_driver(driver):
    a, b = RNG.standard_normal((6, 3)), RNG.standard_normal((6, 2))
    ours, theirs = both(lambda L, x, y: L.linalg.lstsq(x, y, driver=driver), a, b)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)
        assert o.dtype.name == str(t.dtype).replace("torch.", "")
        close(o, t)


def test_lstsq_vector_rhs_and_errors():
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal(5)
    ours, theirs = both(lambda L, x, y: L.linalg.lstsq(x, y).solution, a, b)
    close(ours, theirs)
    with pytest.raises(RuntimeError, match="driver"):
        autograd.linalg.lstsq(autograd.tensor(a), autograd.tensor(b), driver="lapack")
    with pytest.raises(RuntimeError, match=r"\(5, 3\) and \(4,\)"):
        autograd.linalg.lstsq(autograd.tensor(a), autograd.tensor(b[:4]))


def test_slogdet_and_logdet_signs():
    for m in (np.array([[0.0, 1.0], [1.0, 0.0]]), np.zeros((2, 2)), np.diag([2.0, 3.0])):
        ours, theirs = both(lambda L, x: (L.logdet(x), *L.linalg.slogdet(x), *L.slogdet(x)), m)
        for o, t in zip(ours, theirs):
            close(o, t)


def test_cholesky_errors_and_upper():
    with pytest.raises(RuntimeError, match="not positive-definite"):
        autograd.linalg.cholesky(autograd.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(RuntimeError, match="square"):
        autograd.linalg.cholesky(autograd.tensor(np.ones((2, 3))))
    a = RNG.standard_normal((3, 3))
    spd = a @ a.T + np.eye(3)
    ours, theirs = both(lambda L, x: L.linalg.cholesky(x, upper=True), spd)
    close(ours, theirs)


def test_pinv_of_rank_deficient_matrix_and_tolerances():
    a = RNG.standard_normal((5, 2)) @ RNG.standard_normal((2, 4))
    for kw in ({}, {"rtol": 0.3}, {"atol": 1.0}, {"hermitian": False}):
        ours, theirs = both(lambda L, x: L.linalg.pinv(x, **kw), a)
        close(ours, theirs)
    ours, theirs = both(lambda L, x: L.pinverse(x, rcond=0.5), a)
    close(ours, theirs)


def test_cross_default_dim_and_errors():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 3, 4))
    ours, theirs = both(lambda L, x, y: L.cross(x, y), a, b)
    close(ours, theirs)
    with pytest.raises(RuntimeError, match="must have length 3"):
        autograd.linalg.cross(autograd.tensor(a), autograd.tensor(b))


def test_multi_dot_and_matrix_power_errors():
    with pytest.raises(RuntimeError, match="at least 2"):
        autograd.linalg.multi_dot([autograd.ones(2, 2)])
    with pytest.raises(RuntimeError, match="must be 2D"):
        autograd.linalg.multi_dot([autograd.ones(2, 2), autograd.ones(2), autograd.ones(2, 2)])
    with pytest.raises(RuntimeError, match="square"):
        autograd.linalg.matrix_power(autograd.ones(2, 3), 2)
    a = RNG.standard_normal((2, 3, 3))
    ours, theirs = both(lambda L, x: L.linalg.matrix_power(x, 0), a)
    close(ours, theirs)


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_quantile_with_nans(name, dim):
    x = np.array([[1.0, np.nan, 3.0, 4.0], [np.nan] * 4, [5.0, 6.0, 7.0, 8.0]])
    for q in (0.0, 0.3, 1.0):
        ours, theirs = both(lambda L, t: getattr(L, name)(t, q, dim=dim), x)
        close(ours, theirs)


@pytest.mark.parametrize("keepdim", [True, False])
@pytest.mark.parametrize("dim", [None, 0, 2])
def test_quantile_shapes_with_tensor_q(dim, keepdim):
    x = RNG.standard_normal((3, 4, 5))
    q = np.array([0.2, 0.5, 0.9])
    ours, theirs = both(lambda L, t, qq: L.quantile(t, qq, dim=dim, keepdim=keepdim), x, q)
    assert tuple(ours.shape) == tuple(theirs.shape)
    close(ours, theirs)


def test_quantile_errors():
    x = autograd.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"range \[0, 1\]"):
        autograd.quantile(x, 1.5)
    with pytest.raises(RuntimeError, match="interpolation"):
        autograd.quantile(x, 0.5, interpolation="cubic")
    with pytest.raises(RuntimeError, match="same dtype"):
        autograd.quantile(x, autograd.tensor([0.5], dtype=autograd.float64))
    with pytest.raises(RuntimeError, match="float or double"):
        autograd.quantile(autograd.tensor([1, 2, 3]), 0.5)


def test_logcumsumexp_is_stable():
    x = np.array([-1000.0, 0.0, 1000.0, -np.inf, np.inf])
    ours, theirs = both(lambda L, t: L.logcumsumexp(t, 0), x)
    close(ours, theirs)
    x = np.array([-np.inf, -np.inf, 1.0])
    ours, theirs = both(lambda L, t: L.logcumsumexp(t, 0), x)
    close(ours, theirs)


def test_logcumsumexp_gradient_for_large_values():
    x = np.array([[800.0, 801.0, -900.0, 3.0], [-800.0, -801.0, 0.0, 700.0]])
    w = RNG.standard_normal(x.shape)

    def grad(L, t, ww):
        t.requires_grad_(True)
        return L.autograd.grad((L.logcumsumexp(t, 1) * ww).sum(), t)[0] if L is torch else \
            autograd.grad((L.logcumsumexp(t, 1) * ww).sum(), t)[0]

    ours, theirs = both(grad, x, w)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [True, False])
def test_mode_ties_and_indices(dim, keepdim):
    x = RNG.integers(0, 3, (5, 7)).astype(np.float64)
    ours, theirs = both(lambda L, t: L.mode(t, dim, keepdim), x)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert ours.indices.dtype == autograd.int64 and not ours.indices.requires_grad


def test_mode_0d_and_float32():
    ours, theirs = both(lambda L, t: L.mode(t), np.array(2.5))
    close(ours.values, theirs.values)
    assert ours.indices.item() == theirs.indices.item()
    out = autograd.mode(autograd.tensor([[1.0, 1.0, 2.0]], dtype=autograd.float32))
    assert out.values.dtype == autograd.float32


def test_cholesky_ex_and_inv_ex_report_info():
    good = np.array([[4.0, 2.0], [2.0, 3.0]])
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])
    ours, theirs = both(lambda L, x: L.linalg.cholesky_ex(x), np.stack([good, bad]))
    assert ours.info.dtype == autograd.int32
    np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
    close(ours.L[0], theirs.L[0])
    assert np.isnan(ours.L[1].numpy()).all()  # torch leaves a partial factor there
    with pytest.raises(RuntimeError, match="not positive-definite"):
        autograd.linalg.cholesky_ex(autograd.tensor(bad), check_errors=True)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    ours, theirs = both(lambda L, x: L.linalg.inv_ex(x), np.stack([good, singular]))
    np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
    close(ours.inverse[0], theirs.inverse[0])
    with pytest.raises(RuntimeError, match="singular"):
        autograd.linalg.inv_ex(autograd.tensor(singular), check_errors=True)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
def test_solve_triangular_reads_one_triangle(upper, left):
    a = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)  # full matrix: one triangle counts
    b = RNG.standard_normal((2, 3, 4) if left else (2, 4, 3))
    ours, theirs = both(lambda L, x, y: L.linalg.solve_triangular(x, y, upper=upper, left=left),
                        a, b)
    close(ours, theirs)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        autograd.linalg.solve_triangular(autograd.tensor(a), autograd.tensor(b[0, 0]), upper=True)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, np.inf, -np.inf])
def test_cond_matches_torch(p):
    a = RNG.standard_normal((2, 3, 3))
    ours, theirs = both(lambda L, x: L.linalg.cond(x, p), a)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_cond_errors_and_singular():
    with pytest.raises(RuntimeError, match="square"):
        autograd.linalg.cond(autograd.tensor(np.ones((2, 3))), "fro")
    ours, theirs = both(lambda L, x: L.linalg.cond(x), np.zeros((2, 2)))
    assert np.isnan(ours.item()) and np.isnan(theirs.item())


@pytest.mark.parametrize("ord", [2, -2, "nuc"])
def test_spectral_and_nuclear_norms(ord):
    a = RNG.standard_normal((3, 4, 5))
    ours, theirs = both(lambda L, x: L.linalg.matrix_norm(x, ord, dim=(2, 0), keepdim=True), a)
    assert tuple(ours.shape) == tuple(theirs.shape)
    close(ours, theirs)
    ours, theirs = both(lambda L, x: L.linalg.norm(x[0], ord), a)
    close(ours, theirs)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_gradient_of_a_nonsymmetric_input_matches_torch(uplo):
    a, w = RNG.standard_normal((2, 4, 4)), RNG.standard_normal((2, 4, 4))

    def grad(L, x, ww):
        x.requires_grad_(True)
        vals, vecs = L.linalg.eigh(x, UPLO=uplo)
        loss = (vecs ** 2 * ww).sum() + (vals ** 3).sum()
        return (torch.autograd.grad if L is torch else autograd.grad)(loss, x)[0]

    ours, theirs = both(grad, a, w)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-9)


def test_mode_on_empty_and_large_inputs():
    ours, theirs = both(lambda L, t: L.mode(t, 0), np.zeros((3, 0)))
    assert tuple(ours.values.shape) == tuple(theirs.values.shape)
    x = RNG.integers(0, 20, (50, 400)).astype(np.float64)
    ours, theirs = both(lambda L, t: L.mode(t, 1), x)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    # which occurrence torch reports for long rows depends on its sort: any is a valid index
    np.testing.assert_array_equal(np.take_along_axis(x, ours.indices.numpy()[:, None], 1)[:, 0],
                                  ours.values.numpy())


@pytest.mark.parametrize("scale", [1e-3, 1.0, 8.0, 40.0])
def test_matrix_exp_across_scales(scale):
    a = RNG.standard_normal((2, 4, 4)) * scale
    ours, theirs = both(lambda L, x: L.linalg.matrix_exp(x), a)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9,
                               atol=1e-12 * np.abs(theirs.numpy()).max())
    ours, theirs = both(lambda L, x: L.matrix_exp(x), np.zeros((3, 0, 0)))
    assert tuple(ours.shape) == tuple(theirs.shape)
    with pytest.raises(RuntimeError, match="square"):
        autograd.linalg.matrix_exp(autograd.ones(2, 3))


def test_tensorinv_tensorsolve_errors():
    with pytest.raises(RuntimeError, match="prod"):
        autograd.linalg.tensorinv(autograd.ones(2, 3, 4), ind=1)
    with pytest.raises(RuntimeError, match="strictly positive"):
        autograd.linalg.tensorinv(autograd.ones(2, 2), ind=0)
    with pytest.raises(RuntimeError, match="leading dims"):
        autograd.linalg.tensorsolve(autograd.ones(2, 3, 6), autograd.ones(3, 2))
    a = RNG.standard_normal((2, 3, 6)) + np.eye(6).reshape(2, 3, 6) * 3
    b = RNG.standard_normal((2, 3))
    ours, theirs = both(lambda L, x, y: L.linalg.tensorsolve(x, y), a, b)
    close(ours, theirs)


def test_lu_factor_info_pivots_and_unpack_flags():
    singular = np.array([[[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]]])
    ours, theirs = both(lambda L, x: L.linalg.lu_factor_ex(x), singular)
    for o, t in zip(ours, theirs):
        assert o.dtype.name == str(t.dtype).replace("torch.", "")
        close(o, t)
    ours, theirs = both(lambda L, x: L.lu(x, get_infos=True), singular)
    for o, t in zip(ours, theirs):
        close(o, t)
    with pytest.raises(RuntimeError, match="singular"):
        autograd.linalg.lu_factor_ex(autograd.tensor(singular), check_errors=True)
    with pytest.raises(RuntimeError, match="without pivoting"):
        autograd.linalg.lu(autograd.tensor(singular), pivot=False)
    a = RNG.standard_normal((3, 4))
    for flags in ((True, False), (False, True)):
        ours, theirs = both(lambda L, x: L.lu_unpack(*L.linalg.lu_factor(x), *flags), a)
        for o, t in zip(ours, theirs):
            assert tuple(o.shape) == tuple(t.shape)
            close(o, t)


@pytest.mark.parametrize("fn", [
    lambda L, x: L.linalg.svdvals(x).sum(),
    lambda L, x: (L.linalg.eigvalsh(x) ** 2).sum(),
    lambda L, x: L.linalg.matrix_norm(x, "nuc"),
    lambda L, x: L.linalg.svd(x).S.sum(),
], ids=["svdvals", "eigvalsh", "nuc", "svd-S-only"])
def test_value_only_gradients_with_repeated_values(fn):
    a = np.diag([2.0, 2.0, 1.0])  # repeated: vector gradients are undefined, value ones are not

    def grad(L, x):
        x.requires_grad_(True)
        return (torch.autograd.grad if L is torch else autograd.grad)(fn(L, x), x)[0]

    ours, theirs = both(grad, a)
    assert np.isfinite(ours.numpy()).all()
    close(ours, theirs)


def test_cholesky_error_names_the_minor_and_batch_element():
    m = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])
    with pytest.raises(RuntimeError) as ours:
        autograd.linalg.cholesky(autograd.tensor(m))
    with pytest.raises(RuntimeError) as theirs:
        torch.linalg.cholesky(torch.tensor(m))
    assert str(ours.value) == str(theirs.value)


def test_solve_ex_info_on_singular_batch():
    s = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [1.0, 2.0]]])
    b = RNG.standard_normal((2, 2, 3))
    ours, theirs = both(lambda L, x, y: L.linalg.solve_ex(x, y), s, b)
    np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
    close(ours.result[1], theirs.result[1])
    with pytest.raises(RuntimeError, match="singular"):
        autograd.linalg.solve_ex(autograd.tensor(s), autograd.tensor(b), check_errors=True)


@pytest.mark.parametrize("call", [
    lambda L: L.linalg.inv(L.zeros(2, 2, dtype=L.float64)),
    lambda L: L.linalg.solve(L.zeros(2, 2, dtype=L.float64), L.ones(2, dtype=L.float64)),
    lambda L: L.linalg.cholesky(L.zeros(2, 2, dtype=L.float64)),
    lambda L: L.linalg.cholesky_ex(L.zeros(2, 2, dtype=L.float64), check_errors=True),
], ids=["inv", "solve", "cholesky", "cholesky_ex"])
def test_numerical_failures_raise_linalg_error_like_torch(call):
    assert issubclass(autograd.linalg.LinAlgError, RuntimeError)
    with pytest.raises(torch.linalg.LinAlgError):
        call(torch)
    with pytest.raises(autograd.linalg.LinAlgError):
        call(autograd)


def test_lowrank_shapes_and_errors():
    a = RNG.standard_normal((2, 10, 5))
    for fn in (lambda L, x: L.svd_lowrank(x), lambda L, x: L.pca_lowrank(x),
               lambda L, x: L.pca_lowrank(x[0], q=3, center=False)):
        ours, theirs = both(fn, a)
        assert [tuple(o.shape) for o in ours] == [tuple(t.shape) for t in theirs]
    with pytest.raises(ValueError, match="not greater than min"):
        autograd.pca_lowrank(autograd.tensor(a[0]), q=7)
