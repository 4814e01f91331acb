"""autograd.linalg: the torch.linalg namespace. The primitives live in ops/linalg.py (products,
inverse, det, solve) and ops/decomp.py (factorizations); what is composed from them in
composite/linalg.py; vector_norm in ops/reduce.py."""

from .composite.linalg import (
    cholesky_ex,
    cond,
    diagonal,
    inv_ex,
    lstsq,
    matrix_exp,
    matrix_norm,
    matrix_power,
    matrix_rank,
    multi_dot,
    norm,
    solve_ex,
    solve_triangular,
    tensorinv,
    tensorsolve,
    vecdot,
)
from .composite.linalg import cross_linalg as cross
from .composite.linalg import vander_linalg as vander
from .ops.decomp import cholesky, eigh, eigvalsh, lu_factor, lu_factor_ex, pinv, svdvals
from .ops.decomp import lu_linalg as lu
from .ops.decomp import lu_solve_linalg as lu_solve
from .ops.decomp import qr_linalg as qr
from .ops.decomp import slogdet_linalg as slogdet
from .ops.decomp import svd_linalg as svd
from .ops.linalg import LinAlgError, det, inverse, matmul, solve, tensordot
from .ops.reduce import vector_norm

inv = inverse

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "solve", "matmul", "tensordot",
           "vecdot", "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "pinv", "slogdet",
           "matrix_rank", "lstsq", "cross", "multi_dot", "matrix_power", "cholesky_ex",
           "inv_ex", "solve_triangular", "cond", "diagonal", "matrix_exp", "tensorinv",
           "tensorsolve", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "solve_ex", "vander",
           "LinAlgError"]
