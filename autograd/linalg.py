"""autograd.linalg: the torch.linalg functions (norms, inverse, determinant, solve, products).

Everything here is a thin front over ops in autograd/ops (reduce.py for the norms, linalg.py for
the products and inverse/det/solve), so each formula is written once.
"""

from __future__ import annotations

import math

from .ops.linalg import det, inverse, matmul, solve
from .ops.linalg import tensordot as _tensordot
from .ops.reduce import amax, amin, vector_norm
from .tensor import Tensor

inv = inverse


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
    from .ops.decomp import svdvals
    from .ops.shape import movedim

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


def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Same as autograd.tensordot (torch.linalg.tensordot is torch.tensordot)."""
    return _tensordot(a, b, dims)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Dot product of vectors along ``dim``, broadcasting the rest (torch.linalg.vecdot)."""
    return (x * y).sum(dim)


__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "solve", "matmul", "tensordot",
           "vecdot"]

from .ops.decomp import (  # noqa: E402  (the decompositions, autograd/ops/decomp.py)
    cholesky,
    cholesky_ex,
    cond,
    eigh,
    eigvalsh,
    inv_ex,
    lstsq,
    lu_factor,
    lu_factor_ex,
    matrix_exp,
    matrix_power,
    matrix_rank,
    multi_dot,
    pinv,
    solve_ex,
    solve_triangular,
    svdvals,
    tensorinv,
    tensorsolve,
    vander,
)
from .ops.decomp import cross_linalg as cross  # noqa: E402
from .ops.decomp import lu_linalg as lu  # noqa: E402
from .ops.decomp import lu_solve_linalg as lu_solve  # noqa: E402
from .ops.decomp import qr_linalg as qr  # noqa: E402
from .ops.decomp import slogdet_linalg as slogdet  # noqa: E402
from .ops.decomp import svd_linalg as svd  # noqa: E402
from .ops.linalg import LinAlgError  # noqa: E402

__all__ += ["cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "pinv", "slogdet",
            "matrix_rank", "lstsq", "cross", "multi_dot", "matrix_power", "cholesky_ex",
            "inv_ex", "solve_triangular", "cond", "diagonal", "matrix_exp",
            "tensorinv", "tensorsolve", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
            "solve_ex", "vander", "LinAlgError"]


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of a batch of matrices, last two dims by default (torch.linalg.diagonal)."""
    return A.diagonal(offset, dim1, dim2)
