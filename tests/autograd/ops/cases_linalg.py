"""Op cases for the matrix products (mm, bmm, mv, dot, outer, addmm family), einsum, tensordot,
trace, kron, inverse/det/solve and the linalg norms. matmul's own cases are in cases_core.py."""

import math

from tests.helpers.optable import OpCase


def _einsum(equation, *shapes):
    return OpCase(f"einsum[{equation}]", lambda L, *xs: L.einsum(equation, *xs), list(shapes))


def _well_conditioned(L, a):
    return a + 4 * L.eye(a.shape[-1], dtype=a.dtype)


CASES = [
    OpCase("mm", lambda L, a, b: L.mm(a, b), [(3, 4), (4, 2)]),
    OpCase("mm-method", lambda L, a, b: a.mm(b), [(1, 3), (3, 1)]),
    OpCase("bmm", lambda L, a, b: L.bmm(a, b), [(2, 3, 4), (2, 4, 5)]),
    OpCase("mv", lambda L, a, b: L.mv(a, b), [(3, 4), (4,)]),
    OpCase("dot", lambda L, a, b: L.dot(a, b), [(5,), (5,)]),
    OpCase("vdot", lambda L, a, b: a.vdot(b), [(3,), (3,)]),
    OpCase("outer", lambda L, a, b: L.outer(a, b), [(3,), (4,)]),
    OpCase("ger", lambda L, a, b: a.ger(b), [(2,), (3,)]),
    OpCase("addmm", lambda L, c, a, b: L.addmm(c, a, b), [(3, 2), (3, 4), (4, 2)]),
    OpCase("addmm-broadcast-beta-alpha", lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2),
           [(2,), (3, 4), (4, 2)]),
    OpCase("addmm-beta0", lambda L, c, a, b: c.addmm(a, b, beta=0), [(3, 2), (3, 4), (4, 2)]),
    OpCase("addmv", lambda L, c, a, b: L.addmv(c, a, b, alpha=-1.5), [(3,), (3, 4), (4,)]),
    OpCase("addbmm", lambda L, c, a, b: L.addbmm(c, a, b, beta=2), [(3, 5), (2, 3, 4),
                                                                     (2, 4, 5)]),
    OpCase("baddbmm", lambda L, c, a, b: L.baddbmm(c, a, b, beta=0.5, alpha=3),
           [(1, 3, 5), (2, 3, 4), (2, 4, 5)]),
    OpCase("addr", lambda L, c, a, b: L.addr(c, a, b), [(3, 4), (3,), (4,)]),
    _einsum("ij,jk->ik", (3, 4), (4, 2)),
    _einsum("bij,bjk->bik", (2, 3, 4), (2, 4, 2)),
    _einsum("bhqd,bhkd->bhqk", (2, 2, 3, 4), (2, 2, 5, 4)),
    _einsum("i,i->", (4,), (4,)),
    _einsum("ii->i", (3, 3)),
    _einsum("ii", (3, 3)),
    _einsum("ij->ji", (2, 3)),
    _einsum("ij->", (2, 3)),
    _einsum("ij->j", (2, 3)),
    _einsum("...ij,...jk->...ik", (2, 1, 2, 3), (4, 3, 2)),
    _einsum("...ij,jk", (2, 3, 4), (4, 2)),
    _einsum("i,j->ij", (2,), (3,)),
    _einsum("ij,jk", (2, 3), (3, 2)),
    _einsum("ij,ij->i", (3, 4), (1, 4)),
    _einsum("iij->j", (3, 3, 2)),
    _einsum("bij,bjk,bkl->bil", (2, 2, 3), (2, 3, 2), (2, 2, 4)),
    _einsum("i,i,i->", (3,), (3,), (3,)),
    _einsum("ba,ab->a", (3, 3), (3, 3)),
    OpCase("einsum-list", lambda L, a, b: L.einsum("i j , j -> i", [a, b]), [(2, 3), (3,)]),
    OpCase("tensordot", lambda L, a, b: L.tensordot(a, b), [(2, 3, 4), (3, 4, 5)]),
    OpCase("tensordot-int", lambda L, a, b: L.tensordot(a, b, 1), [(2, 3), (3, 4)]),
    OpCase("tensordot-0", lambda L, a, b: L.tensordot(a, b, 0), [(2,), (3,)]),
    OpCase("tensordot-lists", lambda L, a, b: L.tensordot(a, b, dims=([1, 0], [0, 2])),
           [(3, 4, 2), (4, 5, 3)]),
    OpCase("trace", lambda L, a: L.trace(a), [(3, 3)]),
    OpCase("trace-rect", lambda L, a: a.trace(), [(2, 4)]),
    OpCase("kron", lambda L, a, b: L.kron(a, b), [(2, 3), (2, 2)]),
    OpCase("kron-mixed-rank", lambda L, a, b: L.kron(a, b), [(3,), (2, 2)]),
    OpCase("inverse", lambda L, a: L.inverse(_well_conditioned(L, a)), [(3, 3)]),
    OpCase("linalg.inv-batched", lambda L, a: L.linalg.inv(_well_conditioned(L, a)),
           [(2, 3, 3)]),
    OpCase("det", lambda L, a: L.det(a), [(3, 3)]),
    OpCase("det-batched", lambda L, a: a.det(), [(2, 2, 2)]),
    OpCase("linalg.solve", lambda L, a, b: L.linalg.solve(_well_conditioned(L, a), b),
           [(3, 3), (3, 2)]),
    OpCase("linalg.solve-vector", lambda L, a, b: L.linalg.solve(_well_conditioned(L, a), b),
           [(2, 3, 3), (3,)]),
    OpCase("linalg.solve-batched", lambda L, a, b: L.linalg.solve(_well_conditioned(L, a), b),
           [(3, 3), (2, 3, 1)]),
    OpCase("linalg.norm", lambda L, a: L.linalg.norm(a), [(3, 4)]),
    OpCase("linalg.norm-dim", lambda L, a: L.linalg.norm(a, 3, dim=1), [(3, 4)],
           domain="distinct"),
    OpCase("linalg.norm-ord-inf", lambda L, a: L.linalg.norm(a, math.inf), [(3, 4)],
           domain="distinct"),
    OpCase("linalg.vector_norm", lambda L, a: L.linalg.vector_norm(a, 1, (0, 2), True),
           [(2, 3, 2)], domain="distinct"),
    OpCase("linalg.matrix_norm-fro", lambda L, a: L.linalg.matrix_norm(a), [(2, 3, 4)]),
    OpCase("linalg.matrix_norm-1", lambda L, a: L.linalg.matrix_norm(a, 1, keepdim=True),
           [(2, 3, 4)], domain="distinct"),
    OpCase("linalg.matrix_norm-neg-inf", lambda L, a: L.linalg.matrix_norm(a, -math.inf),
           [(3, 4)], domain="distinct"),
    OpCase("linalg.vecdot", lambda L, a, b: L.linalg.vecdot(a, b), [(2, 3), (3,)]),
]
