"""Op cases for the reductions: sum/mean/prod/var/std, max/min/amax/amin/median (with indices),
logsumexp, cumulative ops and norms. Selection ops use domain='distinct' so finite differences
never cross a tie; tie-splitting and zeros in prod/cumprod are tested in test_reduce_shapes.py."""

import math

from tests.helpers.optable import OpCase

D = "distinct"

CASES = [
    # sum / mean / nansum / nanmean
    OpCase("sum-neg-dim", lambda L, a: a.sum(-2), [(3, 4, 2)]),
    OpCase("sum-keepdim-tuple", lambda L, a: L.sum(a, (-1, 0), keepdim=True), [(3, 4, 2)]),
    OpCase("sum-0d", lambda L, a: a.sum(), [()]),
    OpCase("sum-0d-dim", lambda L, a: a.sum(0), [()]),
    OpCase("mean-tuple-keepdim", lambda L, a: a.mean((0, 2), keepdim=True), [(2, 3, 4)]),
    OpCase("mean-0d", lambda L, a: L.mean(a), [()]),
    OpCase("nansum", lambda L, a: L.nansum(a, 1), [(3, 4)]),
    OpCase("nanmean", lambda L, a: a.nanmean(dim=0, keepdim=True), [(3, 4)]),
    # prod
    OpCase("prod-all", lambda L, a: a.prod(), [(2, 3)]),
    OpCase("prod-dim", lambda L, a: L.prod(a, 1), [(3, 4)]),
    OpCase("prod-neg-keepdim", lambda L, a: a.prod(-3, keepdim=True), [(2, 3, 2)]),
    OpCase("prod-0d", lambda L, a: a.prod(), [()]),
    # var / std
    OpCase("var", lambda L, a: a.var(), [(3, 4)]),
    OpCase("var-dim", lambda L, a: L.var(a, 1, keepdim=True), [(3, 4)]),
    OpCase("var-correction0", lambda L, a: L.var(a, (0, 2), correction=0), [(2, 3, 4)]),
    OpCase("var-unbiased-false", lambda L, a: a.var(-1, unbiased=False), [(3, 5)]),
    OpCase("var-positional-unbiased", lambda L, a: L.var(a, 0, False, True), [(4, 2)]),
    OpCase("std", lambda L, a: a.std(), [(3, 4)]),
    OpCase("std-dim-keepdim", lambda L, a: L.std(a, dim=0, keepdim=True), [(4, 3)]),
    OpCase("std-correction2", lambda L, a: a.std(1, correction=2), [(2, 5)]),
    OpCase("var_mean", lambda L, a: L.var_mean(a, 1), [(3, 4)]),
    OpCase("std_mean", lambda L, a: L.std_mean(a, dim=(0, 1), keepdim=True), [(3, 4, 2)]),
    # max / min / amax / amin / argmax / median
    OpCase("max-all", lambda L, a: a.max(), [(3, 4)], domain=D),
    OpCase("min-all", lambda L, a: L.min(a), [(2, 3, 2)], domain=D),
    OpCase("max-dim", lambda L, a: a.max(1), [(3, 4)], domain=D),
    OpCase("max-dim-keepdim", lambda L, a: L.max(a, -1, keepdim=True), [(2, 3, 4)], domain=D),
    OpCase("min-dim", lambda L, a: a.min(dim=0), [(4, 3)], domain=D),
    OpCase("max-dim-values", lambda L, a: a.max(dim=-2).values, [(2, 3, 4)], domain=D),
    OpCase("min-dim-unpacked", lambda L, a: a.min(1, True)[0] * 2, [(3, 2)], domain=D),
    OpCase("max-0d", lambda L, a: a.max(), [()], domain=D),
    OpCase("max-0d-dim", lambda L, a: a.max(0), [()], domain=D),
    OpCase("amax", lambda L, a: L.amax(a, (0, 2)), [(3, 2, 4)], domain=D),
    OpCase("amax-all", lambda L, a: a.amax(), [(3, 4)], domain=D),
    OpCase("amin-keepdim", lambda L, a: a.amin(-1, keepdim=True), [(3, 4)], domain=D),
    OpCase("argmax", lambda L, a: L.argmax(a), [(3, 4)], domain=D, grad=False),
    OpCase("argmax-dim", lambda L, a: a.argmax(1, keepdim=True), [(3, 4)], domain=D,
           grad=False),
    OpCase("argmin-dim", lambda L, a: L.argmin(a, dim=-1), [(2, 3, 4)], domain=D, grad=False),
    OpCase("median-all", lambda L, a: a.median(), [(3, 4)], domain=D),
    OpCase("median-dim", lambda L, a: L.median(a, 1), [(3, 5)], domain=D),
    OpCase("median-dim-even", lambda L, a: a.median(0, keepdim=True), [(4, 3)], domain=D),
    OpCase("nanmedian", lambda L, a: L.nanmedian(a, -1), [(2, 4)], domain=D),
    # logsumexp
    OpCase("logsumexp", lambda L, a: L.logsumexp(a, 1), [(3, 4)]),
    OpCase("logsumexp-tuple-keepdim", lambda L, a: a.logsumexp((0, 2), keepdim=True),
           [(2, 3, 4)]),
    OpCase("logsumexp-neg", lambda L, a: a.logsumexp(-1), [(5,)]),
    OpCase("logsumexp-0d", lambda L, a: L.logsumexp(a, 0), [()]),
    # cumulative
    OpCase("cumsum", lambda L, a: L.cumsum(a, 1), [(3, 4)]),
    OpCase("cumsum-neg", lambda L, a: a.cumsum(-3), [(3, 2, 2)]),
    OpCase("cumsum-0d", lambda L, a: a.cumsum(0), [()]),
    OpCase("cumprod", lambda L, a: L.cumprod(a, 0), [(4, 3)]),
    OpCase("cumprod-neg", lambda L, a: a.cumprod(dim=-1), [(2, 5)]),
    OpCase("cummax", lambda L, a: L.cummax(a, 1), [(3, 4)], domain=D),
    OpCase("cummin-neg", lambda L, a: a.cummin(-2), [(4, 2)], domain=D),
    OpCase("cummax-0d", lambda L, a: a.cummax(0), [()], domain=D),
    OpCase("aminmax", lambda L, a: L.aminmax(a), [(3, 4)], domain=D),
    OpCase("aminmax-dim", lambda L, a: a.aminmax(dim=0, keepdim=True), [(3, 4)], domain=D),
    # norms
    OpCase("norm-fro", lambda L, a: a.norm(), [(3, 4)]),
    OpCase("norm-dim", lambda L, a: L.norm(a, dim=1), [(3, 4)]),
    OpCase("norm-p1", lambda L, a: L.norm(a, p=1, dim=0, keepdim=True), [(3, 4)], domain=D),
    OpCase("norm-p3", lambda L, a: a.norm(3, dim=(0, 1)), [(2, 3, 2)], domain=D),
    OpCase("norm-p-half", lambda L, a: a.norm(p=0.5, dim=-1), [(2, 3)], domain=D),
    OpCase("norm-inf", lambda L, a: L.norm(a, p=math.inf, dim=1), [(3, 4)], domain=D),
    OpCase("norm-neg-inf", lambda L, a: a.norm(-math.inf), [(3, 4)], domain=D),
    OpCase("norm-0", lambda L, a: a.norm(0, dim=1), [(3, 4)], domain=D, gradgrad=False),
    OpCase("norm-fro-str", lambda L, a: L.norm(a, "fro", dim=(0, 1)), [(3, 4)]),
    OpCase("norm-0d", lambda L, a: a.norm(), [()], domain="nonzero"),
    # logical and counting (no gradient)
    OpCase("all", lambda L, a: (a > 0).all(), [(3, 4)], grad=False),
    OpCase("all-dim", lambda L, a: L.all(a > -1, dim=1, keepdim=True), [(3, 4)], grad=False),
    OpCase("any-dim", lambda L, a: (a > 1).any(0), [(3, 4)], grad=False),
    OpCase("count_nonzero", lambda L, a: L.count_nonzero(a > 0, dim=(0, 1)), [(2, 3, 4)],
           grad=False),
    OpCase("count_nonzero-all", lambda L, a: L.count_nonzero(a > 0), [(2, 3)], grad=False),
]
