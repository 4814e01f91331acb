"""Op cases for the compositions in autograd/composite/ (diff, cov, trapezoid, vander, ...)."""

from tests.helpers.optable import OpCase

CASES = [
    OpCase("diff", lambda L, a: L.diff(a), [(5,)]),
    OpCase("diff-n2-dim0", lambda L, a: a.diff(n=2, dim=0), [(5, 3)]),
    OpCase("diff-prepend-append", lambda L, a, b, c: L.diff(a, dim=1, prepend=b, append=c),
           [(2, 3), (2, 1), (2, 2)]),
    OpCase("cov", lambda L, a: L.cov(a), [(3, 6)]),
    OpCase("cov-1d", lambda L, a: a.cov(correction=0), [(5,)]),
    OpCase("cov-aweights", lambda L, a, w: L.cov(a, aweights=w), [(2, 5), (5,)],
           domain=["any", "positive"]),
    OpCase("corrcoef", lambda L, a: L.corrcoef(a), [(3, 6)], atol=1e-4),
    OpCase("inner", lambda L, a, b: L.inner(a, b), [(2, 3), (4, 3)]),
    OpCase("inner-0d", lambda L, a, b: a.inner(b), [(), (2, 3)]),
    OpCase("inner-batched", lambda L, a, b: L.inner(a, b), [(2, 2, 3), (3,)]),
    OpCase("dist", lambda L, a, b: L.dist(a, b), [(3, 4), (4,)]),
    OpCase("dist-p1", lambda L, a, b: a.dist(b, 1), [(5,), (5,)], domain="distinct"),
    OpCase("trapezoid", lambda L, a: L.trapezoid(a), [(3, 5)]),
    OpCase("trapezoid-x", lambda L, a, x: L.trapezoid(a, x, dim=0), [(4, 2), (4,)]),
    OpCase("trapezoid-dx", lambda L, a: L.trapz(a, dx=0.5), [(6,)]),
    OpCase("cumulative_trapezoid", lambda L, a: L.cumulative_trapezoid(a, dim=0), [(5, 2)]),
    OpCase("cumulative_trapezoid-x", lambda L, a, x: L.cumulative_trapezoid(a, x),
           [(2, 4), (2, 4)]),
    # torch.vander's own backward fails (it writes its cumprod in place), so torch's side is
    # the same powers built out of place
    OpCase("vander", lambda L, a: L.vander(a), [(4,)],
           torch_fn=lambda T, a: _vander_reference(T, a, 4).flip(1)),
    OpCase("vander-N-increasing", lambda L, a: L.vander(a, N=3, increasing=True), [(5,)],
           torch_fn=lambda T, a: _vander_reference(T, a, 3)),
    OpCase("renorm", lambda L, a: L.renorm(a, 2, 0, 1.0), [(4, 3)], domain="distinct"),
    OpCase("renorm-p1-dim1", lambda L, a: a.renorm(1, 1, 2.0), [(3, 2, 2)], domain="distinct"),
    OpCase("sum_to_size", lambda L, a: a.sum_to_size(3, 1), [(2, 3, 4)]),
    OpCase("sum_to_size-0d", lambda L, a: a.sum_to_size(()), [(2, 3)]),
    OpCase("ldexp", lambda L, a, b: L.ldexp(a, b), [(3, 2), (2,)]),
    OpCase("combinations", lambda L, a: L.combinations(a, 2), [(4,)]),
    OpCase("combinations-replacement", lambda L, a: L.combinations(a, 3, with_replacement=True),
           [(3,)]),
    OpCase("addmm_", lambda L, a, b, c: a.clone().addmm_(b, c, beta=0.5), [(2, 3), (2, 4), (4, 3)]),
    OpCase("baddbmm_", lambda L, a, b, c: a.clone().baddbmm_(b, c), [(2, 2, 3), (2, 2, 4),
                                                                     (2, 4, 3)]),
    OpCase("cumsum_", lambda L, a: (a * 1).cumsum_(1), [(2, 4)]),
]


def _vander_reference(T, a, n):
    ones = T.ones(a.shape[0], 1, dtype=a.dtype)
    return T.cat([ones, a.unsqueeze(1).expand(a.shape[0], n - 1)], 1).cumprod(1)

CASES += [
    OpCase("lgamma", lambda L, a: L.lgamma(a), [(3, 4)], domain="positive"),
    OpCase("lgamma-negative", lambda L, a: (a - 3.0).lgamma(), [(5,)], domain="unit"),
    OpCase("digamma", lambda L, a: L.digamma(a), [(2, 3)], domain="positive"),
    OpCase("digamma-negative", lambda L, a: (a * 0.4 - 1.5).digamma(), [(4,)], domain="unit"),
    OpCase("polygamma-1", lambda L, a: L.polygamma(1, a), [(4,)], domain="positive"),
    OpCase("polygamma-3", lambda L, a: a.polygamma(3), [(2, 2)], domain="positive"),
    OpCase("mvlgamma", lambda L, a: L.mvlgamma(a + 2.0, 3), [(2, 3)], domain="positive"),
    OpCase("lgamma-0d", lambda L, a: L.lgamma(a), [()], domain="positive"),
]

CASES += [
    OpCase("as_strided", lambda L, a: L.as_strided(a, (2, 2), (1, 2), 1), [(3, 4)]),
    OpCase("as_strided-overlap", lambda L, a: a.as_strided((3, 3), (1, 1)), [(6,)]),
    OpCase("as_strided-transposed-view", lambda L, a: a.t().as_strided((2, 3), (1, 1)),
           [(3, 4)]),
    OpCase("angle", lambda L, a: L.angle(a) * a, [(2, 3)], domain="nonzero"),
]

CASES += [
    OpCase("gradient", lambda L, a: L.gradient(a), [(5,)]),
    OpCase("gradient-2d-edge2", lambda L, a: L.gradient(a, spacing=0.5, edge_order=2),
           [(4, 3)]),
    OpCase("gradient-dim-spacings", lambda L, a: L.gradient(a, spacing=[2.0], dim=[1]),
           [(2, 4)]),
    OpCase("gradient-coordinates",
           lambda L, a: L.gradient(a, spacing=(L.tensor([0.0, 0.5, 1.5, 2.0, 4.0],
                                                        dtype=a.dtype),), edge_order=2),
           [(5,)]),
]
