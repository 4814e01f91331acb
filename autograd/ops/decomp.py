"""Matrix decompositions: cholesky, lu (with lu_factor/lu_unpack/lu_solve), qr, eigh, svd, pinv,
slogdet; forwards by numpy.linalg, LU by partial pivoting as LAPACK's getrf. What is composed from
them (solves, lstsq, cond, matrix_exp, low-rank SVD, ...) is in autograd/composite/linalg.py.

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
from ._base import Op, const
from .elementwise import where
from .linalg import LinAlgError, inverse, matmul, solve
from .reduce import _result_type
from .shape import cat, diag_embed, transpose, tril, triu, unsqueeze

# ---------------------------------------------------------------- helpers


linalg_qr = _result_type("linalg_qr", "Q R")
linalg_eigh = _result_type("linalg_eigh", "eigenvalues eigenvectors")
linalg_svd = _result_type("linalg_svd", "U S Vh")
linalg_slogdet = _result_type("linalg_slogdet", "sign logabsdet")
svd_result = _result_type("svd", "U S V")
qr_result = _result_type("qr", "Q R")
slogdet_result = _result_type("slogdet", "sign logabsdet")
linalg_lu = _result_type("linalg_lu", "P L U")
linalg_lu_factor = _result_type("linalg_lu_factor", "LU pivots")
linalg_lu_factor_ex = _result_type("linalg_lu_factor_ex", "LU pivots info")
lu_unpack_result = _result_type("lu_unpack", "P L U")


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


__all__ = ["logdet", "slogdet", "svd", "qr", "pinverse", "lu", "lu_unpack", "lu_solve"]

# torch's top-level legacy spellings (the torch.linalg ones are exported by autograd.linalg)
svd_linalg, qr_linalg, slogdet_linalg = svd, qr, slogdet
lu_linalg, lu_solve_linalg = lu, lu_solve
svd, qr, slogdet = svd_legacy, qr_legacy, slogdet_legacy
lu, lu_solve = lu_legacy, lu_solve_legacy

METHODS = {"logdet": logdet, "slogdet": slogdet_legacy, "svd": svd_legacy, "qr": qr_legacy,
           "pinverse": pinverse, "lu": lu_legacy, "lu_solve": lu_solve_legacy}
