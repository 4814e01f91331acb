"""Linear algebra composed from the primitives (products, inverse/det/solve in ops/linalg.py; the
factorizations in ops/decomp.py): norms, solves (triangular, Cholesky, tensor), lstsq, cond, rank,
cross, multi_dot, matrix_power, matrix_exp, Vandermonde matrices, low-rank SVD/PCA. The
torch.linalg namespace (autograd/linalg.py) re-exports from here and from the primitives."""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..ops._base import const, norm_dim
from ..ops.decomp import (
    Svd,
    _check,
    _eye,
    _first_failure,
    _lu_numpy,
    _matrix,
    _mT,
    _tolerances,
    cholesky,
    pinv,
    svdvals,
)
from ..ops.elementwise import where
from ..ops.linalg import inverse, matmul, solve
from ..ops.reduce import _result_type, amax, amin, vector_norm
from ..ops.shape import movedim, reshape, stack, tril, triu, unsqueeze
from ..tensor import Tensor

linalg_lstsq = _result_type("linalg_lstsq", "solution residuals rank singular_values")


linalg_cholesky_ex = _result_type("linalg_cholesky_ex", "L info")


linalg_inv_ex = _result_type("linalg_inv_ex", "inverse info")


linalg_solve_ex = _result_type("linalg_solve_ex", "result info")


triangular_solve_result = _result_type("triangular_solve", "solution cloned_coefficient")


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """Solve A X = B given the Cholesky factor of A (torch.cholesky_solve)."""
    _matrix("cholesky_solve", L, square=True)
    _check("cholesky_solve", B)
    A = matmul(_mT(L), L) if upper else matmul(L, _mT(L))
    return solve(A, B)


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """Inverse of A = L L^T given its Cholesky factor (torch.cholesky_inverse)."""
    _matrix("cholesky_inverse", L, square=True)
    return inverse(matmul(_mT(L), L) if upper else matmul(L, _mT(L)))


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
    _matrix("triangular_solve", A, square=True)
    t = triu(A) if upper else tril(A)
    if unitriangular:
        t = where(const(np.eye(A.shape[-1], dtype=bool)), 1.0, t)
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


def _powers(x: Tensor, n: int) -> Tensor:
    """Columns x^0 .. x^(n-1) along a new last dim (n >= 1), each the previous times x."""
    cols = [x * 0 + 1]
    for _ in range(1, n):
        cols.append(cols[-1] * x)
    return stack(cols, -1)


def vander(x: Tensor, N: int | None = None) -> Tensor:
    """Vandermonde matrix with increasing powers x^0 .. x^(N-1) along the last dim
    (torch.linalg.vander)."""
    _check("linalg.vander", x)
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x.shape[-1] if N is None else int(N)
    if n < 1:
        raise RuntimeError(f"linalg.vander: N must be greater than 1, got {n}")
    return _powers(x, n)


def vander_columns(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Vandermonde matrix of a 1-D tensor, decreasing powers by default (torch.vander)."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = x.shape[0]
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype.kind == "b":
        x = x.to(dtypes.int64)
    if N == 0:
        return const(np.empty((x.shape[0], 0), x.dtype))
    powers = _powers(x, N)
    return powers if increasing else powers.flip(1)


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
    return matrix_norm(A, p) * matrix_norm(inverse(A), p)


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


# ---------------------------------------------------------------- matrix_exp
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)


_THETA13 = 5.371920351148152


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential by scaling and squaring with the degree-13 Pade approximant (Higham
    2005), written in Tensor ops so it is differentiable to any order (torch.linalg.matrix_exp).
    """
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


def _matrix_dims(dim, op: str) -> tuple:
    dims = tuple(dim)
    if len(dims) != 2:
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {dims}")
    return dims


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """Frobenius, 1, -1, inf or -inf norm of (a batch of) matrices (torch.linalg.matrix_norm).

    The spectral (2, -2) and nuclear ('nuc') norms go through the singular values.
    """
    d0, d1 = _matrix_dims(dim, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions, got shape {tuple(A.shape)}")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in (1, -1, math.inf, -math.inf):
        # 1-norms: max/min column sum of |a|; inf-norms: max/min row sum
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = vector_norm(A, 1, summed, keepdim=True, dtype=dtype)
        pick = amax if ord > 0 else amin
        out = pick(sums, other, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    if ord in (2, -2, "nuc"):
        return _spectral_norm(A, ord, d0, d1, keepdim, dtype)
    raise RuntimeError(f"linalg.matrix_norm: order {ord!r} is not supported (use 'fro', 'nuc', "
                       f"1, -1, 2, -2, inf or -inf)")


def _spectral_norm(A: Tensor, ord, d0: int, d1: int, keepdim: bool, dtype) -> Tensor:
    """Largest (2) or smallest (-2) singular value, or their sum ('nuc'), over dims (d0, d1)."""
    if dtype is not None:
        A = A.to(dtype)
    nd = A.ndim
    d0, d1 = d0 % nd, d1 % nd
    s = svdvals(movedim(A, (d0, d1), (-2, -1)))
    out = s.sum(-1) if ord == "nuc" else (amax if ord == 2 else amin)(s, -1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = out.unsqueeze(d)
    return out


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Vector or matrix norm, chosen as torch.linalg.norm does from ``ord`` and ``dim``."""
    if dim is not None and not isinstance(dim, int):
        dims = tuple(dim)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) != 1:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dims)}")
    if dim is None and ord is not None:
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        if A.ndim != 1:
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                               f"be 1D or 2D. Got {A.ndim}D.")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: order {ord!r} is only valid for matrix norms")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Dot product of vectors along ``dim``, broadcasting the rest (torch.linalg.vecdot)."""
    return (x * y).sum(dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of a batch of matrices, last two dims by default (torch.linalg.diagonal)."""
    return A.diagonal(offset, dim1, dim2)


__all__ = ["cholesky_solve", "cholesky_inverse", "cross", "triangular_solve", "chain_matmul",
           "matrix_power", "matrix_exp", "svd_lowrank", "pca_lowrank", "vander"]

# torch.cross is the legacy spelling (dim defaults to the first size-3 dim) and torch.vander the
# 1-D one with decreasing powers; autograd.linalg exports the torch.linalg ones
cross_linalg, cross = cross, cross_legacy
vander_linalg, vander = vander, vander_columns

METHODS = {"cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse,
           "cross": cross_legacy, "triangular_solve": triangular_solve,
           "matrix_power": matrix_power, "matrix_exp": matrix_exp}
