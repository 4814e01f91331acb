"""Matrix decompositions: cholesky, lu, qr, eigh, svd, pinv, slogdet (forwards by numpy.linalg, LU
by partial pivoting as LAPACK's getrf), plus what is composed from them and from existing ops:
solves (cholesky_solve, lu_solve, solve_triangular, lstsq, tensorsolve), cross, multi_dot,
matrix_power, matrix_exp, cond, low-rank SVD/PCA.

Decompositions with several outputs cannot hand their outputs to backward as graph tensors (only
a single saved output is linked), so under create_graph their backward re-applies the op to the
saved input: the outputs it then works with are in the graph and the gradient is differentiable
again. Eigenvector / singular-vector gradients assume distinct eigenvalues / singular values.
"""

from __future__ import annotations

import math

import numpy as np

from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._base import Op, const, norm_dim
from .elementwise import where
from .linalg import LinAlgError, inverse, matmul
from .reduce import _result_type
from .shape import cat, diag_embed, movedim, reshape, stack, transpose, tril, unsqueeze

# ---------------------------------------------------------------- helpers


linalg_qr = _result_type("linalg_qr", "Q R")
linalg_eigh = _result_type("linalg_eigh", "eigenvalues eigenvectors")
linalg_svd = _result_type("linalg_svd", "U S Vh")
linalg_slogdet = _result_type("linalg_slogdet", "sign logabsdet")
linalg_lstsq = _result_type("linalg_lstsq", "solution residuals rank singular_values")
svd_result = _result_type("svd", "U S V")
qr_result = _result_type("qr", "Q R")
slogdet_result = _result_type("slogdet", "sign logabsdet")
linalg_cholesky_ex = _result_type("linalg_cholesky_ex", "L info")
linalg_inv_ex = _result_type("linalg_inv_ex", "inverse info")
linalg_solve_ex = _result_type("linalg_solve_ex", "result info")
linalg_lu = _result_type("linalg_lu", "P L U")
linalg_lu_factor = _result_type("linalg_lu_factor", "LU pivots")
linalg_lu_factor_ex = _result_type("linalg_lu_factor_ex", "LU pivots info")
lu_unpack_result = _result_type("lu_unpack", "P L U")
triangular_solve_result = _result_type("triangular_solve", "solution cloned_coefficient")


def _mT(x: Tensor) -> Tensor:
    return transpose(x, -1, -2)


def _check(op: str, x) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: argument 'input' must be Tensor, not {type(x).__name__}")


def _matrix(op: str, a: Tensor, square: bool = False) -> None:
    _check(op, a)
    if a.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions, got shape "
                           f"{tuple(a.shape)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices (shape {tuple(a.shape)})")
    if a.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point tensor as input. Got {a.dtype}")


def _off_diagonal_reciprocal(e: Tensor) -> Tensor:
    """1 / e off the diagonal of the last two dims, 0 on it; inf where two values coincide (the
    gradient is then undefined, as in torch), without a numpy warning."""
    n = e.shape[-1]
    eye = const(np.eye(n, dtype=bool))
    with np.errstate(divide="ignore"):
        return where(eye, 0.0, 1.0 / where(eye, 1.0, e))


def _zero_constant(g: Tensor) -> bool:
    """True for an all-zero gradient outside any graph (an output that the loss did not use)."""
    return g.grad_fn is None and not g.requires_grad and not g._data.any()


def _eye(n: int, dtype) -> Tensor:
    return const(np.eye(n, dtype=dtype))


def _live_outputs(ctx, op, a, *args):
    """The forward outputs for backward: the saved arrays as constants, or under create_graph the
    op re-applied to its input so that the outputs (and the gradient) stay in the graph."""
    saved = ctx.saved_tensors
    if is_grad_enabled() and a.requires_grad:
        return saved[0], op.apply(saved[0], *args)
    return saved[0], tuple(saved[1:])


# ---------------------------------------------------------------- cholesky
class Cholesky(Op):
    """Lower Cholesky factor L of a symmetric positive-definite A (lower triangle read);
    gA = L^-T Phi(L^T gL) L^-1 with Phi the lower triangle, diagonal halved, symmetrised."""

    @staticmethod
    def forward(ctx, a):
        try:
            out = np.linalg.cholesky(a._data)
        except np.linalg.LinAlgError:
            info = _first_failure(a._data, np.linalg.cholesky)
            bad = np.argwhere(info.reshape(-1) > 0)[0, 0]
            where_ = f"(Batch element {bad}): " if a._data.ndim > 2 else ""
            raise LinAlgError(
                f"linalg.cholesky: {where_}The factorization could not be completed because the "
                f"input is not positive-definite (the leading minor of order "
                f"{info.reshape(-1)[bad]} is not positive-definite).") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (L,) = ctx.saved_tensors
        p = tril(matmul(_mT(L), grad))
        p = 0.5 * (p + _mT(tril(p, -1)))
        l_inv = inverse(L)
        return matmul(matmul(_mT(l_inv), p), l_inv)


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Cholesky factor of a (batch of) symmetric positive-definite matrices, lower or upper
    (torch.linalg.cholesky)."""
    _matrix("linalg.cholesky", A, square=True)
    L = Cholesky.apply(A)
    return _mT(L) if upper else L


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """Solve A X = B given the Cholesky factor of A (torch.cholesky_solve)."""
    _matrix("cholesky_solve", L, square=True)
    _check("cholesky_solve", B)
    from .linalg import solve
    A = matmul(_mT(L), L) if upper else matmul(L, _mT(L))
    return solve(A, B)


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """Inverse of A = L L^T given its Cholesky factor (torch.cholesky_inverse)."""
    _matrix("cholesky_inverse", L, square=True)
    return inverse(matmul(_mT(L), L) if upper else matmul(L, _mT(L)))


def _first_failure(a: np.ndarray, factor) -> np.ndarray:
    """LAPACK's info per matrix: 0, or the order of the first leading minor that fails."""
    flat = a.reshape((-1,) + a.shape[-2:])
    info = np.zeros(len(flat), np.int32)
    for i, m in enumerate(flat):
        for k in range(1, m.shape[-1] + 1):
            try:
                factor(m[:k, :k])
            except np.linalg.LinAlgError:
                info[i] = k
                break
    return info.reshape(a.shape[:-2])


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> tuple:
    """(L, info): the Cholesky factor and 0, or the order of the leading minor that is not
    positive-definite (then L is NaN) (torch.linalg.cholesky_ex)."""
    _matrix("linalg.cholesky_ex", A, square=True)
    info = _first_failure(A._data, np.linalg.cholesky) if A.shape[-1] else \
        np.zeros(A.shape[:-2], np.int32)
    if check_errors or not info.any():
        return linalg_cholesky_ex(cholesky(A, upper=upper), const(info))
    bad = const((info > 0)[..., None, None])
    safe = where(bad, const(np.eye(A.shape[-1], dtype=A._data.dtype)), A)
    return linalg_cholesky_ex(where(bad, math.nan, cholesky(safe, upper=upper)), const(info))


def inv_ex(A: Tensor, *, check_errors: bool = False) -> tuple:
    """(inverse, info): info is 0, or positive for a singular matrix (whose inverse is then NaN)
    (torch.linalg.inv_ex)."""
    _matrix("linalg.inv_ex", A, square=True)
    dets = np.linalg.det(A._data)
    singular = dets == 0
    if check_errors or not np.any(singular):
        return linalg_inv_ex(inverse(A), const(np.zeros(A.shape[:-2], np.int32)))
    info = np.where(singular, _first_failure_lu(A._data), 0).astype(np.int32)
    bad = const(singular[..., None, None])
    safe = where(bad, const(np.eye(A.shape[-1], dtype=A._data.dtype)), A)
    return linalg_inv_ex(where(bad, math.nan, inverse(safe)), const(info))


def _first_failure_lu(a: np.ndarray) -> np.ndarray:
    """For singular matrices, the (1-based) column where elimination with partial pivoting meets
    a zero pivot, as LAPACK's getrf reports it."""
    flat = a.reshape((-1,) + a.shape[-2:]).astype(np.float64)
    info = np.zeros(len(flat), np.int32)
    for i, m in enumerate(flat):
        m = m.copy()
        n = m.shape[-1]
        for k in range(n):
            p = k + int(np.argmax(np.abs(m[k:, k])))
            if m[p, k] == 0:
                info[i] = k + 1
                break
            m[[k, p]] = m[[p, k]]
            m[k + 1:] -= np.outer(m[k + 1:, k] / m[k, k], m[k])
    return info.reshape(a.shape[:-2])


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with A X = B (or X A = B when not ``left``) reading only the upper or lower triangle of
    A, whose diagonal is taken as ones when ``unitriangular`` (torch.linalg.solve_triangular)."""
    from .linalg import solve
    from .shape import triu
    _matrix("linalg.solve_triangular", A, square=True)
    _check("linalg.solve_triangular", B)
    if B.ndim < 2:
        raise RuntimeError(f"linalg.solve_triangular: The input tensor B must have at least 2 "
                           f"dimensions, got shape {tuple(B.shape)}")
    t = triu(A) if upper else tril(A)
    if unitriangular:
        n = A.shape[-1]
        eye = const(np.eye(n, dtype=bool))
        t = where(eye, 1.0, t)
    if left:
        return solve(t, B)
    return _mT(solve(_mT(t), _mT(B)))


def triangular_solve(input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> tuple:
    """(solution, cloned_coefficient) of A X = input, or A^T X = input when ``transpose``, for
    triangular A (torch.triangular_solve)."""
    from .shape import triu
    _matrix("triangular_solve", A, square=True)
    t = triu(A) if upper else tril(A)
    if unitriangular:
        t = where(const(np.eye(A.shape[-1], dtype=bool)), 1.0, t)
    from .linalg import solve
    x = solve(_mT(t) if transpose else t, input)
    return triangular_solve_result(x, A * 1 if A.requires_grad else const(A._data.copy()))


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """Inverse of A read as a matrix of shape (prod(A.shape[:ind]), prod(A.shape[ind:]))
    (torch.linalg.tensorinv)."""
    _check("linalg.tensorinv", A)
    if ind <= 0:
        raise RuntimeError(f"linalg.tensorinv: Expected a strictly positive integer for 'ind', "
                           f"but got {ind}")
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    p, q = math.prod(rows), math.prod(cols)
    if p != q:
        raise RuntimeError(f"linalg.tensorinv: Expected self to satisfy the requirement "
                           f"prod(self.shape[ind:]) == prod(self.shape[:ind]), but got {q} != {p} "
                           f"(shape {tuple(A.shape)}, ind={ind})")
    return reshape(inverse(reshape(A, (p, q))), cols + rows)


def tensorsolve(A: Tensor, B: Tensor, dims=None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B (torch.linalg.tensorsolve); ``dims`` of A are moved to
    the end first."""
    from .linalg import solve
    _check("linalg.tensorsolve", A)
    _check("linalg.tensorsolve", B)
    if dims is not None:
        dims = [norm_dim(d, A.ndim, "linalg.tensorsolve") for d in dims]
        A = movedim(A, dims, list(range(A.ndim - len(dims), A.ndim)))
    b_shape = tuple(B.shape)
    if tuple(A.shape[:B.ndim]) != b_shape:
        raise RuntimeError(f"linalg.tensorsolve: the leading dims of A {tuple(A.shape)} must be "
                           f"B's shape {b_shape}")
    x_shape = tuple(A.shape[B.ndim:])
    p, q = math.prod(b_shape), math.prod(x_shape)
    if p != q:
        raise RuntimeError(f"linalg.tensorsolve: Expected self to satisfy the requirement "
                           f"prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but "
                           f"got {q} != {p}")
    return reshape(solve(reshape(A, (p, q)), reshape(B, (p,))), x_shape)


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> tuple:
    """(result, info): linalg.solve with info 0, or the position of the first zero pivot of a
    singular A (whose result is then NaN) (torch.linalg.solve_ex)."""
    from .linalg import solve
    _matrix("linalg.solve_ex", A, square=True)
    info = _lu_numpy(A._data)[4]
    if check_errors or not info.any():
        x = solve(A, B) if left else _mT(solve(_mT(A), _mT(B)))
        return linalg_solve_ex(x, const(info))
    bad = const((info > 0)[..., None, None])
    safe = where(bad, const(np.eye(A.shape[-1], dtype=A._data.dtype)), A)
    x = solve(safe, B) if left else _mT(solve(_mT(safe), _mT(B)))
    mask = bad if x.ndim >= 2 and x.ndim == A.ndim else const(info > 0)[..., None]
    return linalg_solve_ex(where(mask, math.nan, x), const(info))


def vander(x: Tensor, N: int | None = None) -> Tensor:
    """Vandermonde matrix with increasing powers x^0 .. x^(N-1) along the last dim
    (torch.linalg.vander)."""
    _check("linalg.vander", x)
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x.shape[-1] if N is None else int(N)
    if n <= 1:
        if n < 1:
            raise RuntimeError(f"linalg.vander: N must be greater than 1, got {n}")
        return x.unsqueeze(-1) ** 0
    cols = [x * 0 + 1, x]
    for _ in range(2, n):
        cols.append(cols[-1] * x)
    return stack(cols, -1)


def cond(A: Tensor, p=None) -> Tensor:
    """Condition number in the norm ``p`` (2 by default: largest over smallest singular value)
    (torch.linalg.cond)."""
    _matrix("linalg.cond", A)
    if p in (None, 2, -2):
        s = Svd.apply(A, False)[1]
        big, small = s[..., 0], s[..., -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            return big / small if p != -2 else small / big
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but "
                           f"they are {A.shape[-2]} by {A.shape[-1]} matrices")
    from ..linalg import matrix_norm
    return matrix_norm(A, p) * matrix_norm(inverse(A), p)


# ---------------------------------------------------------------- lu
def _lu_numpy(a: np.ndarray):
    """Partial-pivoting LU as LAPACK's getrf: (P, L, U, pivots, info) with A = P L U, pivots
    1-based row swaps (int32) and info the first zero pivot's position (or 0)."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.reshape((-1, m, n)).copy()
    b = len(batch)
    rows = np.arange(b)
    perm = np.tile(np.arange(m), (b, 1))
    pivots = np.zeros((b, k), np.int32)
    info = np.zeros(b, np.int32)
    for j in range(k):
        p = j + np.argmax(np.abs(batch[:, j:, j]), axis=1) if m > j else np.full(b, j)
        pivots[:, j] = p + 1
        batch[rows, j], batch[rows, p] = batch[rows, p].copy(), batch[rows, j].copy()
        perm[rows, j], perm[rows, p] = perm[rows, p].copy(), perm[rows, j].copy()
        pivot = batch[:, j, j]
        zero = pivot == 0
        info = np.where(zero & (info == 0), j + 1, info).astype(np.int32)
        scale = np.where(zero, 1.0, pivot).astype(batch.dtype)
        batch[:, j + 1:, j] = np.where(zero[:, None], batch[:, j + 1:, j],
                                       batch[:, j + 1:, j] / scale[:, None])
        batch[:, j + 1:, j + 1:] -= batch[:, j + 1:, j:j + 1] * batch[:, j:j + 1, j + 1:]
    low = np.tril(batch[:, :, :k], -1) + np.eye(m, k, dtype=batch.dtype)
    up = np.triu(batch[:, :k, :])
    perm_matrix = np.zeros((b, m, m), batch.dtype)
    perm_matrix[rows[:, None], perm, np.arange(m)] = 1
    lead = a.shape[:-2]
    return (perm_matrix.reshape(lead + (m, m)), low.reshape(lead + (m, k)),
            up.reshape(lead + (k, n)), pivots.reshape(lead + (k,)), info.reshape(lead))


class Lu(Op):
    """A = P L U with partial pivoting; the factors are computed by the caller (which also needs
    the pivots) and passed in. P is not differentiable."""

    @staticmethod
    def forward(ctx, a, factors):
        p, low, up = factors
        ctx.mark_non_differentiable(p)
        ctx.save_for_backward(a, p, low, up)
        return p, low, up

    @staticmethod
    def backward(ctx, gp, gl, gu):
        a = ctx.saved_tensors[0]
        if is_grad_enabled() and a.requires_grad:
            p, low, up = Lu.apply(a, _lu_numpy(a._data)[:3])
        else:
            _, p, low, up = ctx.saved_tensors
        m, n = a.shape[-2:]
        if m == n:
            return matmul(p, _lu_square_grad(low, up, gl, gu)), None
        if m < n:  # A = P L [U1 | U2]: U2 = L^-1 P^T A2 also moves with L
            u1, u2 = up[..., :, :m], up[..., :, m:]
            gu1, gu2 = gu[..., :, :m], gu[..., :, m:]
            l_inv_t = _mT(inverse(low))
            gl_all = gl - matmul(matmul(l_inv_t, gu2), _mT(u2))
            ga = cat([_lu_square_grad(low, u1, gl_all, gu1), matmul(l_inv_t, gu2)], -1)
            return matmul(p, ga), None
        # tall: P^T A = [L1 U; L2 U], L2 = B2 U^-1
        l1, l2 = low[..., :n, :], low[..., n:, :]
        gl1, gl2 = gl[..., :n, :], gl[..., n:, :]
        u_inv_t = _mT(inverse(up))
        g_b2 = matmul(gl2, u_inv_t)
        gu_all = gu - matmul(_mT(l2), g_b2)
        ga = cat([_lu_square_grad(l1, up, gl1, gu_all), g_b2], -2)
        return matmul(p, ga), None


def _lu_square_grad(low: Tensor, up: Tensor, gl: Tensor, gu: Tensor) -> Tensor:
    """Gradient of B = L U (unit lower L, upper U, no pivoting): L^-T M U^-T with
    M = tril(L^T gL, -1) + triu(gU U^T)."""
    from .shape import triu
    mid = tril(matmul(_mT(low), gl), -1) + triu(matmul(gu, _mT(up)))
    return matmul(matmul(_mT(inverse(low)), mid), _mT(inverse(up)))


def _lu_checked(op: str, A: Tensor, pivot: bool):
    _matrix(op, A)
    if not pivot:
        raise RuntimeError(f"{op}: LU without pivoting is not implemented on the CPU")
    factors = _lu_numpy(A._data)
    return Lu.apply(A, factors[:3]), factors[3], factors[4]


def _pack_lu(low: Tensor, up: Tensor) -> Tensor:
    """L (unit diagonal dropped) and U in one m x n matrix, as LAPACK stores them."""
    from .shape import triu
    m, k = low.shape[-2:]
    n = up.shape[-1]
    strict = tril(low, -1)
    if m > k:
        up = cat([up, const(np.zeros(up.shape[:-2] + (m - k, n), up._data.dtype))], -2)
    elif n > k:
        strict = cat([strict, const(np.zeros(strict.shape[:-1] + (n - k,), up._data.dtype))], -1)
    return strict + triu(up)


def lu(A: Tensor, *, pivot: bool = True) -> tuple:
    """(P, L, U) with A = P L U, L unit lower and U upper triangular (torch.linalg.lu)."""
    (p, low, up), _, _ = _lu_checked("linalg.lu", A, pivot)
    return linalg_lu(p, low, up)


def lu_factor(A: Tensor, *, pivot: bool = True) -> tuple:
    """(LU, pivots): L and U packed in one matrix and LAPACK's 1-based row swaps
    (torch.linalg.lu_factor)."""
    (_, low, up), pivots, info = _lu_checked("linalg.lu_factor", A, pivot)
    return linalg_lu_factor(_pack_lu(low, up), const(pivots))


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False) -> tuple:
    """(LU, pivots, info), info the first zero pivot's position or 0 (torch.linalg.lu_factor_ex).
    """
    (_, low, up), pivots, info = _lu_checked("linalg.lu_factor_ex", A, pivot)
    if check_errors and info.any():
        raise LinAlgError(f"linalg.lu_factor_ex: U[{int(info.max())},{int(info.max())}] is "
                           f"zero, singular U.")
    return linalg_lu_factor_ex(_pack_lu(low, up), const(pivots), const(info))


def lu_legacy(A: Tensor, pivot: bool = True, get_infos: bool = False) -> tuple:
    """(LU, pivots) or with get_infos (LU, pivots, info) (torch.lu)."""
    out = lu_factor_ex(A, pivot=pivot)
    return tuple(out) if get_infos else (out.LU, out.pivots)


def _pivots_to_permutation(pivots: np.ndarray, m: int, dtype) -> np.ndarray:
    """The permutation matrix P (A = P L U) of LAPACK's sequential row swaps."""
    lead = pivots.shape[:-1]
    flat = pivots.reshape(-1, pivots.shape[-1]) - 1
    b = len(flat)
    rows = np.arange(b)
    perm = np.tile(np.arange(m), (b, 1))
    for j in range(flat.shape[-1]):
        p = flat[:, j]
        perm[rows, j], perm[rows, p] = perm[rows, p].copy(), perm[rows, j].copy()
    out = np.zeros((b, m, m), dtype)
    out[rows[:, None], perm, np.arange(m)] = 1
    return out.reshape(lead + (m, m))


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True) -> tuple:
    """(P, L, U) from lu_factor's packed output (torch.lu_unpack)."""
    from .shape import triu
    _matrix("lu_unpack", LU_data)
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    dt = LU_data._data.dtype
    empty = const(np.zeros((0,), dt))
    p = const(_pivots_to_permutation(np.asarray(LU_pivots._data), m, dt)) if unpack_pivots \
        else empty
    if not unpack_data:
        return lu_unpack_result(p, empty, empty)
    low = tril(LU_data[..., :, :k], -1) + const(np.eye(m, k, dtype=dt))
    return lu_unpack_result(p, low, triu(LU_data[..., :k, :]))


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """Solve A X = B (or X A = B, or with A^T) from lu_factor's output (torch.linalg.lu_solve).
    """
    from .linalg import solve
    _matrix("linalg.lu_solve", LU, square=True)
    p, low, up = lu_unpack(LU, pivots)
    a_mat = matmul(p, matmul(low, up))  # differentiable in LU through the triangles
    a_mat = _mT(a_mat) if adjoint else a_mat
    if left:
        return solve(a_mat, B)
    return _mT(solve(_mT(a_mat), _mT(B)))


def lu_solve_legacy(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """Solve A X = b from torch.lu's output (torch.lu_solve)."""
    return lu_solve_linalg(LU_data, LU_pivots, b)


# ---------------------------------------------------------------- qr
class Qr(Op):
    """A = Q R by Householder reflections (numpy.linalg.qr); the gradient is for the reduced
    factorisation (or the complete one of a matrix with no more rows than columns)."""

    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode = mode
        q, r = np.linalg.qr(a._data, mode="reduced" if mode == "r" else mode)
        ctx.save_for_backward(a, q, r)
        return (np.zeros((0,), a._data.dtype) if mode == "r" else q), r

    @staticmethod
    def backward(ctx, gq, gr):
        m, n = ctx.saved_tensors[0].shape[-2:]
        if ctx.mode == "r":
            raise RuntimeError("linalg.qr: The derivative of linalg.qr depends on Q, which is "
                               "not computed when mode='r'. Please use linalg.qr(A, mode='reduced')"
                               " if you are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("linalg.qr: The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        a, (q, r) = _live_outputs(ctx, Qr, ctx.saved_tensors[0], ctx.mode)
        if m >= n:
            return _qr_square_grad(q, r, gq, gr), None
        # wide A = [X | Y] with X = Q U square: X's gradient is the square case with Y's share
        # of gQ folded in, Y's is Q gV
        u, gu, gv = r[..., :, :m], gr[..., :, :m], gr[..., :, m:]
        y = a[..., :, m:]
        gx = _qr_square_grad(q, u, gq + matmul(y, _mT(gv)), gu)
        return cat([gx, matmul(q, gv)], -1), None


def _qr_square_grad(q: Tensor, r: Tensor, gq: Tensor, gr: Tensor) -> Tensor:
    qgq = matmul(_mT(q), gq)
    rgr = matmul(r, _mT(gr))
    low = tril(qgq - _mT(qgq) + rgr - _mT(rgr))
    r_inv_t = _mT(inverse(r))
    return matmul(q, gr + matmul(low, r_inv_t)) + matmul(gq - matmul(q, qgq), r_inv_t)


def qr(A: Tensor, mode: str = "reduced") -> tuple:
    """(Q, R) with Q orthonormal columns and R upper triangular; mode 'reduced', 'complete' or
    'r' (torch.linalg.qr)."""
    _matrix("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    return linalg_qr(*Qr.apply(A, mode))


def qr_legacy(input: Tensor, some: bool = True) -> tuple:
    """(Q, R), reduced when ``some`` (torch.qr)."""
    return qr_result(*qr_linalg(input, "reduced" if some else "complete"))


# ---------------------------------------------------------------- eigh
class Eigh(Op):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix;
    gA = V (diag(gw) + skew(V^T gV) / (w_j - w_i)) V^T, symmetric."""

    @staticmethod
    def forward(ctx, a, uplo):
        ctx.uplo = uplo
        w, v = np.linalg.eigh(a._data, UPLO=uplo)
        ctx.save_for_backward(a, w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        _, (w, v) = _live_outputs(ctx, Eigh, ctx.saved_tensors[0], ctx.uplo)
        if _zero_constant(gv):  # eigenvalues only: fine for repeated eigenvalues too
            return matmul(v * unsqueeze(gw, -2), _mT(v)), None
        f = _off_diagonal_reciprocal(unsqueeze(w, -2) - unsqueeze(w, -1))
        vgv = matmul(_mT(v), gv)
        # only the skew part of V^T gV moves orthonormal V: the gradient is symmetric, as torch's
        inner = diag_embed(gw) + 0.5 * (vgv - _mT(vgv)) * f
        return matmul(matmul(v, inner), _mT(v)), None


def _uplo(op: str, UPLO: str) -> str:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"{op}: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO


def eigh(A: Tensor, UPLO: str = "L") -> tuple:
    """(eigenvalues, eigenvectors) of a (batch of) symmetric matrices, reading the lower or upper
    triangle (torch.linalg.eigh)."""
    _matrix("linalg.eigh", A, square=True)
    return linalg_eigh(*Eigh.apply(A, _uplo("linalg.eigh", UPLO)))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """Eigenvalues (ascending) of a (batch of) symmetric matrices (torch.linalg.eigvalsh)."""
    _matrix("linalg.eigvalsh", A, square=True)
    return Eigh.apply(A, _uplo("linalg.eigvalsh", UPLO))[0]


# ---------------------------------------------------------------- svd
class Svd(Op):
    """A = U diag(S) Vh; the gradient (Townsend's formula) is that of the reduced factorisation,
    extra columns of a full U / Vh get none."""

    @staticmethod
    def forward(ctx, a, full_matrices):
        ctx.full = full_matrices
        u, s, vh = np.linalg.svd(a._data, full_matrices=full_matrices)
        ctx.save_for_backward(a, u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        a = ctx.saved_tensors[0]
        m, n = a.shape[-2:]
        k = min(m, n)
        if ctx.full:
            gu, gvh = gu[..., :, :k], gvh[..., :k, :]
        if is_grad_enabled() and a.requires_grad:
            u, s, vh = Svd.apply(a, False)
        else:
            _, u, s, vh = ctx.saved_tensors
            u, vh = u[..., :, :k], vh[..., :k, :]
        if _zero_constant(gu) and _zero_constant(gvh):
            # only the singular values are used (svdvals, matrix norms): no 1 / (s_j^2 - s_i^2),
            # so repeated singular values are fine
            return matmul(u * unsqueeze(gs, -2), vh), None
        v, gv = _mT(vh), _mT(gvh)
        s2 = s * s
        f = _off_diagonal_reciprocal(unsqueeze(s2, -2) - unsqueeze(s2, -1))
        j = f * (matmul(_mT(u), gu) - matmul(_mT(gu), u))
        kk = f * (matmul(_mT(v), gv) - matmul(_mT(gv), v))
        sd = diag_embed(s)
        inner = matmul(j, sd) + matmul(sd, kk) + diag_embed(gs)
        ga = matmul(matmul(u, inner), vh)
        s_inv = diag_embed(1.0 / s)
        if m > k:
            proj = _eye(m, a.dtype) - matmul(u, _mT(u))
            ga = ga + matmul(matmul(matmul(proj, gu), s_inv), vh)
        if n > k:
            proj = _eye(n, a.dtype) - matmul(v, vh)
            ga = ga + matmul(matmul(matmul(u, s_inv), _mT(gv)), proj)
        return ga, None


def svd(A: Tensor, full_matrices: bool = True, *, driver=None) -> tuple:
    """(U, S, Vh) with A = U diag(S) Vh, singular values descending (torch.linalg.svd)."""
    _matrix("linalg.svd", A)
    return linalg_svd(*Svd.apply(A, full_matrices))


def svdvals(A: Tensor, *, driver=None) -> Tensor:
    """Singular values, descending (torch.linalg.svdvals)."""
    _matrix("linalg.svdvals", A)
    return Svd.apply(A, False)[1]


def svd_legacy(input: Tensor, some: bool = True, compute_uv: bool = True) -> tuple:
    """(U, S, V) with input = U diag(S) V^T, reduced when ``some`` (torch.svd)."""
    _matrix("svd", input)
    u, s, vh = Svd.apply(input, not some)
    if not compute_uv:
        m, n = input.shape[-2:]
        bs = tuple(input.shape[:-2])
        return svd_result(const(np.zeros(bs + (m, m), input._data.dtype)), s,
                          const(np.zeros(bs + (n, n), input._data.dtype)))
    return svd_result(u, s, _mT(vh))


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int = 2, M: Tensor | None = None) -> tuple:
    """(U, S, V) of the q largest singular triplets of A - M (torch.svd_lowrank). Computed
    exactly by a full SVD, where torch uses a randomized approximation (so ``niter`` is
    unused): the same triplets up to torch's approximation error and the vectors' signs."""
    _matrix("svd_lowrank", A)
    m, n = A.shape[-2:]
    q = min(6 if q is None else int(q), m, n)
    if M is not None:
        A = A - M
    u, s, vh = Svd.apply(A, False)
    return u[..., :, :q], s[..., :q], _mT(vh[..., :q, :])


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True, niter: int = 2) -> tuple:
    """(U, S, V) of a rank-q principal component analysis of the rows of A, centred on the
    column means when ``center`` (torch.pca_lowrank; exact, see svd_lowrank)."""
    _matrix("pca_lowrank", A)
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)="
                         f"{min(m, n)}")
    if center:
        A = A - A.mean(-2, keepdim=True)
    return svd_lowrank(A, q, niter)


# ---------------------------------------------------------------- pinv
def _tolerances(op: str, s: np.ndarray, shape, atol, rtol, rcond=None):
    """The cutoff below which singular values count as zero, torch's rule."""
    if rcond is not None:
        rtol = rcond
    if isinstance(atol, Tensor):
        atol = atol._data
    if isinstance(rtol, Tensor):
        rtol = rtol._data
    if rtol is None:
        rtol = 0.0 if atol is not None and np.any(np.asarray(atol) > 0) else \
            max(shape[-2:]) * np.finfo(s.dtype).eps
    atol = 0.0 if atol is None else atol
    smax = s.max(axis=-1, initial=0.0)
    return np.maximum(np.asarray(atol), np.asarray(rtol) * smax)


class Pinv(Op):
    """Moore-Penrose pseudo-inverse through the SVD; the gradient (Golub and Pereyra) holds where
    the rank is locally constant."""

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        ad = a._data
        u, s, vh = np.linalg.svd(ad, full_matrices=False)
        cut = _tolerances("linalg.pinv", s, ad.shape, atol, rtol)
        keep = s > np.asarray(cut)[..., None]
        s_inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0).astype(ad.dtype)
        out = np.matmul(vh.swapaxes(-1, -2) * s_inv[..., None, :], u.swapaxes(-1, -2))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2:]
        pt = _mT(p)
        gt = _mT(grad)
        ga = -matmul(matmul(pt, grad), pt)
        ga = ga + matmul(matmul(_eye(m, a.dtype) - matmul(a, p), gt), matmul(p, pt))
        ga = ga + matmul(matmul(pt, p), matmul(gt, _eye(n, a.dtype) - matmul(p, a)))
        return ga, None, None, None


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """Moore-Penrose pseudo-inverse; singular values below max(atol, rtol * max(S)) count as
    zero (torch.linalg.pinv)."""
    _matrix("linalg.pinv", A)
    return Pinv.apply(A, atol, rtol, hermitian)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """Pseudo-inverse with relative cutoff ``rcond`` (torch.pinverse)."""
    return pinv(input, rtol=rcond)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None) -> Tensor:
    """Number of singular values above max(atol, rtol * max(S)), an int64 tensor
    (torch.linalg.matrix_rank); not differentiable."""
    _matrix("linalg.matrix_rank", A)
    if tol is not None:
        atol = tol
    ad = A._data
    s = np.abs(np.linalg.eigvalsh(ad)) if hermitian else np.linalg.svd(ad, compute_uv=False)
    cut = _tolerances("linalg.matrix_rank", s, ad.shape, atol, rtol)
    return const(np.sum(s > np.asarray(cut)[..., None], axis=-1).astype(np.int64))


# ---------------------------------------------------------------- slogdet / logdet
class SlogAbsDet(Op):
    """log |det A|, computed by LU (numpy.linalg.slogdet); its gradient is A^-T."""

    @staticmethod
    def forward(ctx, a):
        _, logabs = np.linalg.slogdet(a._data)
        ctx.save_for_backward(a)
        return np.asarray(logabs, a._data.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return unsqueeze(unsqueeze(grad, -1), -1) * _mT(inverse(a))


def slogdet(A: Tensor) -> tuple:
    """(sign, log|det|) of a (batch of) square matrices (torch.linalg.slogdet)."""
    _matrix("linalg.slogdet", A, square=True)
    sign, _ = np.linalg.slogdet(A._data)
    return linalg_slogdet(const(np.asarray(sign, A._data.dtype)), SlogAbsDet.apply(A))


def slogdet_legacy(input: Tensor) -> tuple:
    """(sign, log|det|) (torch.slogdet)."""
    return slogdet_result(*slogdet_linalg(input))


def logdet(input: Tensor) -> Tensor:
    """log det A: NaN where det < 0, -inf where det = 0 (torch.logdet)."""
    sign, logabs = slogdet_linalg(input)
    return where(const(sign._data < 0), math.nan, logabs)


# ---------------------------------------------------------------- lstsq
def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None) -> tuple:
    """Least-squares solution of A X = B through the pseudo-inverse, with torch's (residuals,
    rank, singular_values) per driver (torch.linalg.lstsq); the solution is differentiable."""
    _matrix("linalg.lstsq", A)
    _check("linalg.lstsq", B)
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           f"gelsy, gelsd, gelss), got {driver}")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same "
                           f"dtype, but got input's dtype {A.dtype} and other's dtype {B.dtype}")
    m, n = A.shape[-2:]
    vector = B.ndim == A.ndim - 1
    if (B.shape[-1] if vector else B.shape[-2]) != m:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2) "
                           f"(shapes {tuple(A.shape)} and {tuple(B.shape)})")
    ad = A._data
    s = np.linalg.svd(ad, compute_uv=False)
    if rcond is None:
        rcond = max(m, n) * np.finfo(ad.dtype).eps
    rank_arr = np.sum(s > rcond * s.max(axis=-1, initial=0.0)[..., None], axis=-1)
    x = matmul(pinv(A, rtol=rcond), unsqueeze(B, -1) if vector else B)
    x = x[..., 0] if vector else x
    empty = const(np.zeros((0,), ad.dtype))
    residuals = empty
    if driver != "gelsy" and m > n and np.all(rank_arr == n):
        r = matmul(A, unsqueeze(x, -1) if vector else x) - (unsqueeze(B, -1) if vector else B)
        residuals = (r * r).sum(-2)
        if vector:
            residuals = residuals[..., 0]
    rank = const(np.zeros((0,), np.int64)) if driver == "gels" else \
        const(np.asarray(rank_arr, np.int64))
    sv = const(s) if driver in ("gelsd", "gelss") else empty
    return linalg_lstsq(x, residuals, rank, sv)


# ---------------------------------------------------------------- products
def cross(input: Tensor, other: Tensor, dim: int = -1) -> Tensor:
    """Cross product of 3-vectors along ``dim``, broadcasting the rest (torch.linalg.cross)."""
    _check("linalg.cross", input)
    _check("linalg.cross", other)
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs dimensions {input.ndim} and {other.ndim} do "
                           f"not match (shapes {tuple(input.shape)} and {tuple(other.shape)})")
    d = norm_dim(dim, input.ndim, "linalg.cross")
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d]} and {other.shape[d]}")
    a = [input.select(d, i) for i in range(3)]
    b = [other.select(d, i) for i in range(3)]
    return stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                  a[0] * b[1] - a[1] * b[0]], d)


def cross_legacy(input: Tensor, other: Tensor, dim=None) -> Tensor:
    """Cross product along ``dim``, by default the first dim of size 3 (torch.cross)."""
    if dim is None:
        sizes = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(sizes) if s == 3), None)
        if dim is None:
            raise RuntimeError(f"cross: no dimension of size 3 in input (shapes "
                               f"{tuple(input.shape)} and {tuple(other.shape)})")
    return cross_linalg(input, other, dim)


def multi_dot(tensors) -> Tensor:
    """Product of a chain of matrices; the first and last may be vectors (torch.linalg.multi_dot).
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        _check("multi_dot", t)
        want = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in want:
            raise RuntimeError(f"multi_dot(): tensor {i} must be {'1D or ' if 1 in want else ''}"
                               f"2D but got {t.ndim}D (shape {tuple(t.shape)})")
    first_vec, last_vec = tensors[0].ndim == 1, tensors[-1].ndim == 1
    if first_vec:
        tensors[0] = unsqueeze(tensors[0], 0)
    if last_vec:
        tensors[-1] = unsqueeze(tensors[-1], -1)
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    if first_vec:
        out = out[0]
    if last_vec:
        out = out[..., 0]
    return out


def chain_matmul(*matrices) -> Tensor:
    """Product of a chain of matrices (torch.chain_matmul)."""
    return multi_dot(matrices)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """A to the integer power n by repeated squaring; n < 0 inverts first, n = 0 gives the
    identity (torch.linalg.matrix_power)."""
    _check("linalg.matrix_power", A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, got "
                           f"shape {tuple(A.shape)}")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {type(n).__name__}")
    if n == 0:
        eye = np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), A.shape)
        return const(eye.copy()) + A * 0 if A.requires_grad else const(eye.copy())
    base = inverse(A) if n < 0 else A
    n = abs(int(n))
    result = None
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


# ---------------------------------------------------------------- matrix_exp
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential by scaling and squaring with the degree-13 Pade approximant (Higham
    2005), written in Tensor ops so it is differentiable to any order (torch.linalg.matrix_exp).
    """
    from .linalg import solve
    _matrix("linalg.matrix_exp", A, square=True)
    n = A.shape[-1]
    if n == 0 or A.numel() == 0:
        return A * 1
    norm1 = np.abs(A._data).sum(-2).max() if A.numel() else 0.0
    steps = int(max(0, math.ceil(math.log2(norm1 / _THETA13)))) if norm1 > _THETA13 else 0
    a = A / float(2 ** steps) if steps else A
    b = _PADE13
    eye = _eye(n, A._data.dtype)
    a2 = matmul(a, a)
    a4 = matmul(a2, a2)
    a6 = matmul(a4, a2)
    u = matmul(a, matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2)
               + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    r = solve(v - u, v + u)
    for _ in range(steps):
        r = matmul(r, r)
    return r


__all__ = ["logdet", "slogdet", "svd", "qr", "pinverse", "cholesky_solve", "cholesky_inverse",
           "cross", "triangular_solve", "chain_matmul", "matrix_power", "matrix_exp", "lu",
           "lu_unpack", "lu_solve", "svd_lowrank", "pca_lowrank"]

# torch's top-level legacy spellings (the torch.linalg ones are exported by autograd.linalg)
svd_linalg, qr_linalg, slogdet_linalg, cross_linalg = svd, qr, slogdet, cross
lu_linalg, lu_solve_linalg = lu, lu_solve
svd, qr, slogdet, cross = svd_legacy, qr_legacy, slogdet_legacy, cross_legacy
lu, lu_solve = lu_legacy, lu_solve_legacy

METHODS = {"logdet": logdet, "slogdet": slogdet_legacy, "svd": svd_legacy, "qr": qr_legacy,
           "pinverse": pinverse, "cholesky_solve": cholesky_solve,
           "cholesky_inverse": cholesky_inverse, "cross": cross_legacy,
           "triangular_solve": triangular_solve, "lu": lu_legacy, "lu_solve": lu_solve_legacy,
           "matrix_power": matrix_power, "matrix_exp": matrix_exp}
